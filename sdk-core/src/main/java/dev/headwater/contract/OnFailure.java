package dev.headwater.contract;

/** What happens to a record that breaks a rule, in the names Confluent's data contracts use. */
public enum OnFailure {
    /** Refuse the record: the caller gets a {@link ContractViolationException} and nothing is sent. */
    ERROR,
    /** Write the record to the contract's dead-letter topic with the reasons; the caller learns it was dead-lettered. */
    DLQ
}
