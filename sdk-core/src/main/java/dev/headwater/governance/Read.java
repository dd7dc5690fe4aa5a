package dev.headwater.governance;

import dev.headwater.contract.Violation;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the {@link ReadPipeline} found when it prepared one consumed record: it is ready for the application (its key
 * and value decoded, its read rules passed), refused (it cannot be decoded, or breaks a read rule: it goes to the
 * dead-letter topic, or stops the consumer without one), or cannot be read now for a reason that is not its own
 * (the schema registry did not answer: read it again later; never dead-lettered). Immutable.
 */
public final class Read {

    /** What becomes of the record. */
    public enum Outcome {
        /** Hand it to the application. */
        READY,
        /** Dead-letter it, or stop without a dead-letter topic: see {@link #reason()} and {@link #error()}. */
        REFUSED,
        /** Read it again later. */
        TRANSIENT
    }

    /** {@link #reason()} of a record that could not be decoded. */
    public static final String DESERIALIZATION = "DESERIALIZATION";
    /** {@link #reason()} of a record that breaks a read rule. */
    public static final String CONTRACT_VIOLATION = "CONTRACT_VIOLATION";
    /** The reason of a record whose handler failed (after its retries), given by the route. */
    public static final String HANDLER = "HANDLER";

    private final Outcome outcome;
    private final ConsumerRecord<?, ?> record;
    private final Object key;
    private final Object value;
    private final long createdAt;
    private final String reason;
    private final RuntimeException error;
    private final List<Violation> violations;
    final ReadSteps steps;

    private Read(Outcome outcome, ConsumerRecord<?, ?> record, Object key, Object value, long createdAt,
            String reason, RuntimeException error, List<Violation> violations, ReadSteps steps) {
        this.outcome = outcome;
        this.record = record;
        this.key = key;
        this.value = value;
        this.createdAt = createdAt;
        this.reason = reason;
        this.error = error;
        this.violations = violations;
        this.steps = steps;
    }

    static Read ready(ReadSteps steps, ConsumerRecord<?, ?> record, Object key, Object value, long createdAt) {
        return new Read(Outcome.READY, record, key, value, createdAt, "", null, List.of(), steps);
    }

    static Read refused(ReadSteps steps, ConsumerRecord<?, ?> record, long createdAt, String reason,
            RuntimeException error, List<Violation> violations) {
        return new Read(Outcome.REFUSED, record, null, null, createdAt, reason, Objects.requireNonNull(error),
                List.copyOf(violations), steps);
    }

    static Read transientFailure(ReadSteps steps, ConsumerRecord<?, ?> record, RuntimeException error) {
        return new Read(Outcome.TRANSIENT, record, null, null, -1, "", error, List.of(), steps);
    }

    /** @return what becomes of the record */
    public Outcome outcome() {
        return outcome;
    }

    /** @return the record as it was given to the pipeline (as bytes, or decoded by the route) */
    public ConsumerRecord<?, ?> record() {
        return record;
    }

    /** @return the decoded key of a ready record */
    public Object key() {
        return key;
    }

    /** @return the decoded value of a ready record */
    public Object value() {
        return value;
    }

    /** @return when the record was created (its lineage's time), epoch milliseconds, or -1 when unknown */
    public long createdAt() {
        return createdAt;
    }

    /** @return {@link #DESERIALIZATION} or {@link #CONTRACT_VIOLATION} for a refused record; empty otherwise */
    public String reason() {
        return reason;
    }

    /** @return why the record is refused or cannot be read now; null when ready */
    public RuntimeException error() {
        return error;
    }

    /** @return the read rules it breaks; empty when none */
    public List<Violation> violations() {
        return violations;
    }

    /** @return the contract's subject the record was checked against, when one governs its topic */
    public Optional<String> contract() {
        return steps.contract() == null ? Optional.empty() : Optional.of(steps.contract().subject());
    }

    /**
     * The record as the application sees it: the record read, with its decoded key and value, for frameworks that
     * pass {@code ConsumerRecord}s on (Spring's listeners).
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return a record of the decoded key and value, with the record's topic, partition, offset, timestamp, sizes and
     *     headers
     * @throws IllegalStateException when the record is not ready
     */
    @SuppressWarnings("unchecked")
    public <K, V> ConsumerRecord<K, V> decoded() {
        if (outcome != Outcome.READY) {
            throw new IllegalStateException("the record at " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " is " + outcome + ", not ready");
        }
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), (K) key, (V) value,
                record.headers(), record.leaderEpoch());
    }

    @Override
    public String toString() {
        return "Read{" + outcome + " " + record.topic() + "-" + record.partition() + "@" + record.offset()
                + (error == null ? "" : ": " + error.getMessage()) + "}";
    }
}
