package dev.headwater.contract;

/**
 * Where a rule is checked, in the names Confluent's data contracts use for a condition rule's {@code mode}: when a
 * record is written (the governed producer), when it is read (the governed consumer and the consumer interceptor), or
 * both. A rule that the producer already enforces for every record can be {@link #WRITE} only, so that consumers do
 * not check it again.
 */
public enum RuleMode {
    /** Checked when a record is produced. */
    WRITE,
    /** Checked when a record is consumed. */
    READ,
    /** Checked when a record is produced and again when it is consumed: the default. */
    WRITEREAD;

    /** @return true when the producer checks a rule of this mode */
    public boolean onWrite() {
        return this != READ;
    }

    /** @return true when a consumer checks a rule of this mode */
    public boolean onRead() {
        return this != WRITE;
    }
}
