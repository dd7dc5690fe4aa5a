package dev.headwater.consumer;

import dev.headwater.consumer.internal.ConsumerTelemetry;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageContext;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What {@link GovernedConsumer} does around each record, for frameworks that run their own poll loop (Spring Kafka's
 * listener containers, ...): {@link #begin} starts the CONSUMER span {@code process {topic}} as a child of the
 * producer's, makes it and the record's lineage context current (so records produced while handling it carry its
 * correlation and causation, and their spans are its children), measures freshness against the contract's objective
 * and checks the contract's read rules; {@link Handling#close()} ends it all. {@link #deadLetterHeaders} writes the
 * {@link dev.headwater.deadletter.DeadLetterHeaders} of a record a framework dead-letters. Thread safe; a {@link Handling} belongs to the thread
 * that began it.
 */
public final class RecordGovernance implements AutoCloseable {

    /** The contracts, each governing the topics it lists; a single one governs every topic. */
    private final List<DataContract> contracts;
    private final Map<String, DataContract> byTopic;
    private final String group;
    private final OpenTelemetry openTelemetry;
    private final String clientId;
    private final String tenant;
    private final DatasetEvents datasetEvents;
    private final String application;
    private final String applicationVersion;
    private final String bootstrapServers;
    /** The (group, topic) pairs read so far, each reported to the dataset events once. */
    private final Map<String, DatasetUse> inUse = new ConcurrentHashMap<>();
    /** Spans and metrics per consumer group: one framework can run listeners in several groups. */
    private final Map<String, ConsumerTelemetry> telemetry = new ConcurrentHashMap<>();

    private RecordGovernance(Builder builder) {
        this.contracts = List.copyOf(builder.contracts);
        Map<String, DataContract> topics = new HashMap<>();
        for (DataContract contract : contracts) {
            for (String topic : contract.topics()) {
                DataContract other = topics.putIfAbsent(topic, contract);
                if (other != null && contracts.size() > 1) {
                    throw new IllegalArgumentException("topic '" + topic + "' is listed by two contracts, "
                            + other.subject() + " and " + contract.subject() + ": a topic's values are governed by "
                            + "one contract");
                }
            }
        }
        this.byTopic = Map.copyOf(topics);
        this.group = builder.group;
        this.openTelemetry = builder.openTelemetry == null ? GlobalOpenTelemetry.get() : builder.openTelemetry;
        this.clientId = builder.clientId;
        this.tenant = builder.tenant;
        this.datasetEvents = builder.datasetEvents;
        this.application = builder.application;
        this.applicationVersion = builder.applicationVersion;
        this.bootstrapServers = builder.bootstrapServers;
    }

    /** The contract governing a topic: the one listing it, the only one, or none. */
    private DataContract contractOf(String topic) {
        DataContract contract = byTopic.get(topic);
        return contract != null || contracts.size() != 1 ? contract : contracts.get(0);
    }

    private ConsumerTelemetry telemetry(String group, DataContract contract) {
        String key = contract == null ? group : group + '\u0000' + contract.subject();
        ConsumerTelemetry known = telemetry.get(key);
        return known != null ? known : telemetry.computeIfAbsent(key, k -> new ConsumerTelemetry(openTelemetry, group,
                clientId, tenant, contract == null ? "" : contract.subject(),
                contract == null ? Duration.ZERO : contract.serviceLevels().freshness()));
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Begins handling a record: span, lineage context and freshness, then the contract's read rules. Close the
     * returned handling when the record is handled (or failed), on the same thread.
     *
     * @param record the record, its value deserialized
     * @return the handling in progress
     * @throws ContractViolationException when the value breaks a read rule; the handling is closed already, and the
     *     record is the caller's to dead-letter (see {@link #deadLetterHeaders})
     */
    public Handling begin(ConsumerRecord<?, ?> record) {
        return begin(record, group);
    }

    /**
     * Begins handling a record read in a given consumer group, for frameworks whose listeners run in several groups.
     *
     * @param record the record, its value deserialized
     * @param group the consumer group that read it, for spans and metrics; the builder's group when null or empty
     * @return the handling in progress
     * @throws ContractViolationException when the value breaks a read rule, as {@link #begin(ConsumerRecord)}
     */
    public Handling begin(ConsumerRecord<?, ?> record, String group) {
        Objects.requireNonNull(record, "record");
        DataContract contract = contractOf(record.topic());
        String readBy = group == null || group.isEmpty() ? this.group : group;
        if (datasetEvents != DatasetEvents.NONE) {
            String key = readBy + '\u0000' + record.topic();
            if (!inUse.containsKey(key)) {
                DatasetUse use = new DatasetUse(DatasetUse.Role.CONSUMER, application, applicationVersion, tenant,
                        readBy, bootstrapServers, record.topic(), contract);
                if (inUse.putIfAbsent(key, use) == null) {
                    datasetEvents.started(use); // once per group and topic, on its first record
                }
            }
        }
        ConsumerTelemetry telemetry = telemetry(readBy, contract);
        Span span = telemetry.startProcess(record);
        Scope scope = span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
        LineageContext.Scope lineage = LineageContext.of(record.topic(), record.partition(), record.offset(),
                record.headers()).makeCurrent();
        Handling handling = new Handling(telemetry, record.topic(), Math.max(0, record.serializedValueSize()), span,
                scope, lineage);
        long createdAt = Lineage.createdAtMillis(record);
        if (createdAt >= 0) {
            telemetry.delay(record.topic(), System.currentTimeMillis() - createdAt);
        }
        if (contract != null && record.value() != null) {
            List<Violation> violations;
            try {
                violations = contract.readValidator().validate(record.value());
            } catch (RuntimeException e) {
                handling.failed(e);
                handling.close();
                throw new ContractViolationException(record.topic(), contract.subject(), contract.version(),
                        List.of(new Violation("schema", "", "checking the rules failed on this record: " + e, "",
                                dev.headwater.contract.OnFailure.DLQ)));
            }
            if (!violations.isEmpty()) {
                ContractViolationException refusal = new ContractViolationException(record.topic(),
                        contract.subject(), contract.version(), violations);
                handling.failed(refusal);
                handling.close();
                throw refusal;
            }
        }
        return handling;
    }

    /**
     * The {@code hw_dlq_*} headers of a record a framework dead-letters: its original headers plus why (the reason is
     * {@code DESERIALIZATION}, {@code CONTRACT_VIOLATION} or {@code HANDLER}, from the exception's causes) and where
     * it was read.
     *
     * @param record the record
     * @param error why it is dead-lettered
     * @return new headers: the dead-letter ones only (a framework adds them to the record's own)
     */
    public Headers deadLetterHeaders(ConsumerRecord<?, ?> record, Throwable error) {
        return deadLetterHeaders(record, error, group);
    }

    /**
     * The {@code hw_dlq_*} headers of a record read in a given consumer group, as
     * {@link #deadLetterHeaders(ConsumerRecord, Throwable)}.
     *
     * @param record the record
     * @param error why it is dead-lettered
     * @param group the consumer group that read it; the builder's group when null or empty
     * @return new headers: the dead-letter ones only
     */
    public Headers deadLetterHeaders(ConsumerRecord<?, ?> record, Throwable error, String group) {
        String readBy = group == null || group.isEmpty() ? this.group : group;
        DataContract contract = contractOf(record.topic());
        Throwable cause = rootOf(error);
        ContractViolationException violation = find(error, ContractViolationException.class);
        String reason = violation != null ? "CONTRACT_VIOLATION"
                : isDeserialization(error) ? "DESERIALIZATION" : "HANDLER";
        Headers headers = new RecordHeaders();
        DeadLetterRecords.mark(headers, new DeadLetterRecords.Reason(reason, violation != null ? violation : cause,
                violation != null ? violation.violations() : List.of(),
                contract == null ? "" : contract.subject() + "@" + contract.version(), "", record.topic(),
                record.partition(), record.offset(), readBy));
        telemetry(readBy, contract).finished(record.topic(), Math.max(0, record.serializedValueSize()), true);
        return headers;
    }

    /** Reports every topic read as no longer in use and closes the dataset events. */
    @Override
    public void close() {
        inUse.values().forEach(datasetEvents::completed);
        inUse.clear();
        datasetEvents.close();
    }

    /**
     * @param topic the topic a record was read from
     * @return the dead-letter topic of the contract governing it, or empty when it has none
     */
    public String deadLetterTopic(String topic) {
        DataContract contract = contractOf(topic);
        return contract == null ? "" : contract.deadLetterTopic();
    }

    private static boolean isDeserialization(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getName();
            if (cause instanceof dev.headwater.serde.SerdeException
                    || cause instanceof org.apache.kafka.common.errors.SerializationException
                    || name.endsWith("DeserializationException")) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static Throwable rootOf(Throwable error) {
        Throwable root = error;
        // frameworks wrap the listener's exception (Spring: ListenerExecutionFailedException); name the listener's
        while (root.getCause() != null && root.getClass().getName().startsWith("org.springframework.")) {
            root = root.getCause();
        }
        return root;
    }

    /** One record being handled: end it with {@link #close()} on the thread that began it. */
    public static final class Handling implements AutoCloseable {
        private final ConsumerTelemetry telemetry;
        private final String topic;
        private final long valueBytes;
        private final Span span;
        private final Scope scope;
        private final LineageContext.Scope lineage;
        private boolean failed;
        private boolean closed;

        private Handling(ConsumerTelemetry telemetry, String topic, long valueBytes, Span span, Scope scope,
                LineageContext.Scope lineage) {
            this.telemetry = telemetry;
            this.topic = topic;
            this.valueBytes = valueBytes;
            this.span = span;
            this.scope = scope;
            this.lineage = lineage;
        }

        /** Marks the record failed: its span records the exception. */
        public void failed(Throwable error) {
            failed = true;
            telemetry.failed(span, error);
        }

        /** Ends the span and restores the thread's previous span and lineage context. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            lineage.close();
            scope.close();
            span.end();
            if (!failed) {
                telemetry.finished(topic, valueBytes, false);
            }
        }
    }

    /** Builds a {@link RecordGovernance}. Not thread safe. */
    public static final class Builder {
        private final List<DataContract> contracts = new ArrayList<>();
        private OpenTelemetry openTelemetry;
        private String group = "";
        private String clientId = "";
        private String tenant = "";
        private DatasetEvents datasetEvents = DatasetEvents.NONE;
        private String application = "";
        private String applicationVersion = "";
        private String bootstrapServers = "";

        private Builder() {
        }

        /**
         * Reports the topics read (once per consumer group and topic, on its first record) to dataset events, such as
         * OpenLineage's; {@link #close()} reports them completed and closes the events.
         *
         * @param events the dataset events
         * @param application the consuming application's name
         * @param applicationVersion its version
         * @param bootstrapServers the cluster, for the datasets' namespace
         * @return this builder
         */
        public Builder datasetEvents(DatasetEvents events, String application, String applicationVersion,
                String bootstrapServers) {
            this.datasetEvents = Objects.requireNonNull(events, "events");
            this.application = application == null ? "" : application;
            this.applicationVersion = applicationVersion == null ? "" : applicationVersion;
            this.bootstrapServers = bootstrapServers == null ? "" : bootstrapServers;
            return this;
        }

        /**
         * Adds a contract whose read rules, freshness objective and dead-letter topic apply: to every topic when it is
         * the only one, else to the topics it lists (records of topics no contract lists are not checked).
         *
         * @param contract the contract
         * @return this builder
         */
        public Builder contract(DataContract contract) {
            contracts.add(Objects.requireNonNull(contract, "contract"));
            return this;
        }

        /** @param openTelemetry where spans and metrics go; {@link GlobalOpenTelemetry} by default @return this */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * @param group the consumer group, for spans, metrics and dead letters, unless given per record
         * @return this builder
         */
        public Builder group(String group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** @param clientId the consumer's client id, for spans @return this builder */
        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /** @param tenant the tenant, for metrics @return this builder */
        public Builder tenant(String tenant) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        /**
         * @return the record governance
         * @throws IllegalArgumentException when two contracts list the same topic
         */
        public RecordGovernance build() {
            return new RecordGovernance(this);
        }
    }
}
