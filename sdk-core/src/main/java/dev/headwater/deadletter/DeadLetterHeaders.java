package dev.headwater.deadletter;

/**
 * Headers Headwater adds to a record it writes to a dead-letter topic, beside the record's original key, value and
 * headers (kept byte for byte). Values are UTF-8 strings. The names mirror what Kafka Connect and Spring Kafka write
 * ({@code __connect.errors.*}, {@code kafka_dlt-*}) under Headwater's own prefix.
 */
public final class DeadLetterHeaders {

    /** Why the record was refused: {@code CONTRACT_VIOLATION}, {@code DESERIALIZATION}, {@code HANDLER}. */
    public static final String REASON = "hw_dlq_reason";
    /** Class name of the exception that refused the record. */
    public static final String ERROR_CLASS = "hw_dlq_error_class";
    /** The exception's message: names the field, rule or cause. */
    public static final String ERROR_MESSAGE = "hw_dlq_error_message";
    /** Names of the contract rules that failed, comma-separated. */
    public static final String RULES = "hw_dlq_rules";
    /** Every violation, one per line: {@code rule field: message}. */
    public static final String VIOLATIONS = "hw_dlq_violations";
    /** Contract subject and version the record was checked against: {@code subject@version}. */
    public static final String CONTRACT = "hw_dlq_contract";
    /** The application that dead-lettered the record. */
    public static final String APPLICATION = "hw_dlq_application";
    /** The topic the record was meant for (producer) or read from (consumer). */
    public static final String SOURCE_TOPIC = "hw_dlq_source_topic";
    /** The partition the record was read from (consumer side only). */
    public static final String SOURCE_PARTITION = "hw_dlq_source_partition";
    /** The offset the record was read from (consumer side only). */
    public static final String SOURCE_OFFSET = "hw_dlq_source_offset";
    /** The consumer group that refused the record (consumer side only). */
    public static final String CONSUMER_GROUP = "hw_dlq_consumer_group";
    /**
     * Present when the record was too large to dead-letter whole (over the dead-letter producer's
     * {@code max.request.size} or the topic's {@code max.message.bytes}): says why, and the dead letter's value is then
     * where the record can be read, {@code topic/partition/offset}, and its original headers are left out.
     */
    public static final String VALUE_OMITTED = "hw_dlq_value_omitted";
    /** When the record was dead-lettered, ISO-8601 in UTC. */
    public static final String TIME = "hw_dlq_time";

    private DeadLetterHeaders() {
    }
}
