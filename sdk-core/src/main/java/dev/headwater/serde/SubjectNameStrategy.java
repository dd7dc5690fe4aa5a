package dev.headwater.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How the registry subject of a record is named, as in Confluent's serializers.
 */
public enum SubjectNameStrategy {
    /** {@code {topic}-key} or {@code {topic}-value}: one schema per topic (the default). */
    TOPIC_NAME,
    /** The record's full name, such as {@code com.acme.OrderPlaced}: one schema per type, across topics. */
    RECORD_NAME,
    /** {@code {topic}-{record full name}}: several types per topic. */
    TOPIC_RECORD_NAME;

    /**
     * Names the subject.
     *
     * @param topic the topic
     * @param isKey true for the record key
     * @param schema the schema of the data
     * @return the subject
     */
    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /**
     * Parses a strategy from configuration: our names ({@code TOPIC_NAME}) or Confluent's class names
     * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}), so existing configurations keep working.
     *
     * @param value the configured value
     * @return the strategy
     * @throws IllegalArgumentException naming the allowed values
     */
    public static SubjectNameStrategy parse(String value) {
        String simple = value.substring(value.lastIndexOf('.') + 1).strip();
        return switch (simple.toUpperCase(Locale.ROOT).replace("_", "")) {
            case "TOPICNAME", "TOPICNAMESTRATEGY" -> TOPIC_NAME;
            case "RECORDNAME", "RECORDNAMESTRATEGY" -> RECORD_NAME;
            case "TOPICRECORDNAME", "TOPICRECORDNAMESTRATEGY" -> TOPIC_RECORD_NAME;
            default -> throw new IllegalArgumentException("Unknown subject name strategy '" + value + "': use "
                    + "TOPIC_NAME, RECORD_NAME or TOPIC_RECORD_NAME (Confluent's TopicNameStrategy, RecordNameStrategy "
                    + "and TopicRecordNameStrategy class names are accepted too)");
        };
    }
}
