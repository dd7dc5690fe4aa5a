package dev.headwater.contract;

/** What the governed producer does with a record that breaks its contract. */
public enum FailurePolicy {
    /**
     * Each rule decides (its {@code onFailure}): the record is refused when any broken rule says ERROR, and
     * dead-lettered when every broken rule says DLQ. The default.
     */
    PER_RULE,
    /** Refuse every record that breaks a rule: the caller gets a contract-violation exception, nothing is sent. */
    ERROR,
    /** Dead-letter every record that breaks a rule, whatever the rule says. Needs the contract's dead-letter topic. */
    DLQ
}
