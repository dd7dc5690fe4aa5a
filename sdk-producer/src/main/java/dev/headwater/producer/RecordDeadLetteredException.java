package dev.headwater.producer;

import dev.headwater.contract.Violation;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Thrown by {@link GovernedSerializer} (so by a plain {@code KafkaProducer.send}) when a value broke only rules whose
 * failure is {@code DLQ}: the record was written to the contract's dead-letter topic, with the reasons in its
 * {@code hw_dlq_*} headers, and not to the topic asked for. Its send fails with this exception, so a dead-lettered send
 * is told apart from a sent one; nothing is lost.
 */
public final class RecordDeadLetteredException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String deadLetterTopic;
    private final int partition;
    private final long offset;
    private final String eventId;
    private final transient List<Violation> violations;

    /**
     * @param topic the topic the record was meant for
     * @param deadLetterTopic where it was written
     * @param partition the partition it was written to
     * @param offset the offset it was written at
     * @param eventId its lineage event id
     * @param violations why
     */
    public RecordDeadLetteredException(String topic, String deadLetterTopic, int partition, long offset,
            String eventId, List<Violation> violations) {
        super("The record for topic '" + topic + "' broke " + violations.size() + " contract rule(s) that dead-letter: "
                + violations + ". It was written to dead-letter topic '" + deadLetterTopic + "' partition "
                + partition + " offset " + offset + " (event " + eventId + "), not to '" + topic + "'.");
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.partition = partition;
        this.offset = offset;
        this.eventId = eventId;
        this.violations = List.copyOf(violations);
    }

    /** @return the topic the record was meant for */
    public String topic() {
        return topic;
    }

    /** @return the dead-letter topic it was written to */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** @return the partition of the dead letter */
    public int partition() {
        return partition;
    }

    /** @return the offset of the dead letter */
    public long offset() {
        return offset;
    }

    /** @return the record's lineage event id */
    public String eventId() {
        return eventId;
    }

    /** @return why it was dead-lettered */
    public List<Violation> violations() {
        return violations;
    }
}
