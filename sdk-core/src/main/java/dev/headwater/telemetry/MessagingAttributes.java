package dev.headwater.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The OpenTelemetry messaging semantic-convention attributes Headwater's spans carry, pinned to semantic conventions
 * version {@value #SEMCONV_VERSION} (the {@code opentelemetry-semconv-incubating} artifact of that version defines the
 * same keys; a test checks they match). Declared here so that users need only the OpenTelemetry API.
 */
public final class MessagingAttributes {

    /** The semantic-conventions version these names follow. */
    public static final String SEMCONV_VERSION = "1.45.0";
    /** The schema URL of that version, set on Headwater's tracer and meter. */
    public static final String SCHEMA_URL = "https://opentelemetry.io/schemas/" + SEMCONV_VERSION;

    /**
     * Bucket boundaries advised for Headwater's histograms in seconds (waits and delays, from milliseconds to an
     * hour): without advice an SDK uses boundaries meant for milliseconds, and every value lands in the first bucket.
     */
    public static final java.util.List<Double> SECONDS_BUCKETS = java.util.List.of(0.001, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0);

    /** {@code messaging.system}: always {@code kafka}. */
    public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    /** {@code messaging.destination.name}: the topic. */
    public static final AttributeKey<String> DESTINATION_NAME = AttributeKey.stringKey("messaging.destination.name");
    /** {@code messaging.destination.partition.id}: the partition, as a string. */
    public static final AttributeKey<String> DESTINATION_PARTITION_ID =
            AttributeKey.stringKey("messaging.destination.partition.id");
    /** {@code messaging.operation.name}: {@code send} or {@code process}. */
    public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    /** {@code messaging.operation.type}: {@code send} or {@code process}. */
    public static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    /** {@code messaging.client.id}: the Kafka client id. */
    public static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("messaging.client.id");
    /** {@code messaging.kafka.offset}: the record's offset. */
    public static final AttributeKey<Long> KAFKA_OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    /** {@code messaging.consumer.group.name}: the consumer group. */
    public static final AttributeKey<String> CONSUMER_GROUP_NAME =
            AttributeKey.stringKey("messaging.consumer.group.name");
    /** {@code messaging.message.body.size}: the serialized value's size in bytes. */
    public static final AttributeKey<Long> MESSAGE_BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
    /** {@code messaging.message.id}: the lineage event id. */
    public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

    /** Headwater attribute: the tenant. */
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("headwater.tenant");
    /** Headwater attribute: the contract subject. */
    public static final AttributeKey<String> CONTRACT = AttributeKey.stringKey("headwater.contract");
    /** Headwater attribute: what became of a record: {@code sent}, {@code refused}, {@code dead_lettered}. */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("headwater.outcome");
    /** Headwater attribute: a contract rule's name. */
    public static final AttributeKey<String> RULE = AttributeKey.stringKey("headwater.rule");
    /** Headwater attribute: the application that wrote (or checked) the records. */
    public static final AttributeKey<String> APPLICATION = AttributeKey.stringKey("headwater.application");
    /** Headwater attribute: that application's version. */
    public static final AttributeKey<String> APPLICATION_VERSION =
            AttributeKey.stringKey("headwater.application.version");
    /** Headwater attribute: the version of the contract the records were written under. */
    public static final AttributeKey<String> CONTRACT_VERSION = AttributeKey.stringKey("headwater.contract.version");
    /** Headwater attribute: the field a violation is about, empty for a rule over the whole record. */
    public static final AttributeKey<String> FIELD = AttributeKey.stringKey("headwater.field");
    /**
     * The contract's freshness objective in seconds, on every consumer metric of a topic whose contract states one
     * (delay, records, breaches, lag): alert rules compare the measure with it without a second source.
     */
    public static final AttributeKey<Double> SLO_FRESHNESS = AttributeKey.doubleKey("headwater.slo.freshness");

    private MessagingAttributes() {
    }
}
