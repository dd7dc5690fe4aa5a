package dev.headwater.governance;

import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.governance.internal.ReadTelemetry;
import dev.headwater.governance.internal.TopicRouting;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.protection.ProtectionException;
import dev.headwater.registry.SchemaRegistryException;
import dev.headwater.tenant.TenantQuotas;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The one place a consumed record is governed. Every consuming route (the governed consumer, Spring listeners, the
 * consumer interceptor, an application's own poll loop) hands each record to the pipeline and keeps only its
 * transport (poll and commit, container callbacks):
 * <ol>
 *   <li>{@link #prepare}: decode key and value, open the fields the contract protects (or set them to its masks when
 *       this application may not read them), check the contract's read rules; the outcome is a {@link Read}: ready,
 *       refused ({@code DESERIALIZATION} or {@code CONTRACT_VIOLATION}), or transient (the schema registry or the key
 *       service did not answer: read it again later, never dead-lettered); {@link #check} does the same for routes
 *       that decode themselves;</li>
 *   <li>{@link Member#begin}: the CONSUMER span {@code process {topic}} (child of the producer's span and linked to
 *       it, with the record's event id), the record's lineage context made current (records produced while handling
 *       it carry its correlation and causation), freshness against the contract's objective; {@link Handling#close()}
 *       ends it and counts the record handled;</li>
 *   <li>{@link #deadLetter}: the one dead-letter record of a refused record, or one whose handler failed: its key,
 *       value and headers as read, byte for byte, plus the {@code hw_dlq_*} headers; {@link Member#deadLettered}
 *       counts it once written.</li>
 * </ol>
 * One pipeline per consumer (or per listener container factory), built by {@link ReadBuilder}; a topic is governed
 * by the contract that lists it, or by the only one. Thread safe; a {@link Handling} belongs to the thread that began
 * it.
 */
public final class ReadPipeline implements AutoCloseable {

    /** The header {@link Member#received} adds to a record that breaks read rules: one violation per line. */
    public static final String VIOLATIONS_HEADER = "hw_violations";
    /** The header {@link Member#received} adds to a record whose protected fields stay sealed: why. */
    public static final String UNOPENED_HEADER = "hw_unopened";

    private final GovernanceSettings settings;
    private final TopicRouting<ReadSteps> routing;
    /** Topics no contract lists, when there are several: decoded, not checked. */
    private final ReadSteps ungoverned;
    private final Deserializer<?> keys;
    private final Deserializer<?> values;
    private final LineageDescriptors descriptors;
    private final TenantQuotas quota;
    private final AutoCloseable quotaMetrics;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    /** The (group, topic) pairs read so far, each reported to the dataset events once. */
    private final Map<String, DatasetUse> inUse = new ConcurrentHashMap<>();
    /** Its producer is created on the first dead letter written. */
    private final DeadLetterWriter deadLetters;

    ReadPipeline(GovernanceSettings settings, List<ReadSteps> steps, ReadSteps ungoverned, Deserializer<?> keys,
            Deserializer<?> values, Map<String, Object> deadLetterOverrides) {
        this.settings = settings;
        this.routing = new TopicRouting<>(steps, ReadSteps::contract);
        this.ungoverned = ungoverned;
        this.keys = Objects.requireNonNull(keys, "keys");
        this.values = Objects.requireNonNull(values, "values");
        this.deadLetters = new DeadLetterWriter(settings.kafka(), settings.clientId() + "-dead-letters",
                deadLetterOverrides);
        this.quota = settings.tenantPolicy() == null ? null
                : settings.sharedResources().consumeQuota(settings.tenantPolicy()).orElse(null);
        this.quotaMetrics = quota == null ? () -> { } : settings.sharedResources().observeQuota(
                settings.openTelemetry(), ReadTelemetry.SCOPE, quota);
        this.descriptors = LineageDescriptors.fromKafka(settings.kafka(), settings.descriptorTopic());
    }

    /** @return a builder of the pipeline of a consumer that is not a {@code GovernedConsumer}, such as Spring's */
    public static Builder builder() {
        return new Builder();
    }

    private ReadSteps steps(String topic) {
        ReadSteps steps = routing.forTopic(topic);
        return steps != null ? steps : ungoverned;
    }

    /**
     * Prepares one record read as bytes: decodes key and value with the client's deserializers and checks the read
     * rules of the contract governing its topic. Never throws for the record's sake: every failure is an outcome.
     *
     * @param raw the record as consumed
     * @return what became of it
     */
    public Read prepare(ConsumerRecord<byte[], byte[]> raw) {
        ReadSteps steps = steps(raw.topic());
        long createdAt = Lineage.createdAtMillis(raw);
        Object key;
        Object value;
        try {
            Headers headers = raw.headers();
            key = keys.deserialize(raw.topic(), headers, raw.key());
            value = values.deserialize(raw.topic(), headers, raw.value());
        } catch (RuntimeException e) {
            return isTransient(e) ? Read.transientFailure(steps, raw, e)
                    : Read.refused(steps, raw, createdAt, Read.DESERIALIZATION, e, List.of());
        }
        return checked(steps, raw, key, value, createdAt);
    }

    /**
     * Opens the protected fields (in place) and checks the read rules of a record its route decoded itself (the
     * consumer interceptor).
     *
     * @param record the record, decoded
     * @return ready, refused for its violations, or transient when the key service did not answer (its protected
     *     fields still sealed)
     */
    public Read check(ConsumerRecord<?, ?> record) {
        return checked(steps(record.topic()), record, record.key(), record.value(), Lineage.createdAtMillis(record));
    }

    private static Read checked(ReadSteps steps, ConsumerRecord<?, ?> record, Object key, Object value,
            long createdAt) {
        Set<String> masked;
        try {
            masked = steps.reveal(record.topic(), record.headers(), value);
        } catch (ProtectionException e) {
            return Read.transientFailure(steps, record, e); // the key service did not answer: never the record's fault
        }
        ContractViolationException violation = steps.check(record.topic(), record.partition(), record.offset(), value, masked);
        return violation == null ? Read.ready(steps, record, key, value, createdAt)
                : Read.refused(steps, record, createdAt, Read.CONTRACT_VIOLATION, violation, violation.violations());
    }

    /**
     * Returns the member of a consumer group reading through this pipeline: its spans and metrics name the group and
     * the client.
     *
     * @param group the consumer group
     * @param clientId the consumer's client id
     * @return the member, the same for the same group and client
     */
    public Member member(String group, String clientId) {
        String key = group + '\u0000' + clientId;
        Member member = members.get(key);
        return member != null ? member : members.computeIfAbsent(key, k -> new Member(group, clientId));
    }

    /**
     * A consumer group starts reading topics: each must be one the tenant may read, and is reported as in use before
     * its first record (each (group, topic) once).
     *
     * @param group the consumer group
     * @param topics the topics it subscribes to
     * @throws dev.headwater.tenant.GuardrailViolationException naming tenant, topic and rule, before anything is read
     */
    public void reading(String group, Collection<String> topics) {
        if (settings.tenantPolicy() != null) {
            topics.forEach(settings.tenantPolicy()::checkRead);
        }
        topics.forEach(topic -> inUse(group, topic));
    }

    private void inUse(String group, String topic) {
        if (settings.datasetEvents() == DatasetEvents.NONE) {
            return;
        }
        String key = group + '\u0000' + topic;
        if (!inUse.containsKey(key)) {
            DatasetUse use = new DatasetUse(DatasetUse.Role.CONSUMER, settings.application(),
                    settings.applicationVersion(), settings.tenant(), group, settings.bootstrapServers(), topic,
                    steps(topic).contract());
            if (inUse.putIfAbsent(key, use) == null) {
                settings.datasetEvents().started(use);
            }
        }
    }

    /**
     * @param topic a topic read
     * @return where its refused records go: the dead-letter topic set, else its contract's; empty when they stop the
     *     consumer
     */
    public Optional<String> deadLetterTopic(String topic) {
        return Optional.ofNullable(steps(topic).deadLetterTopic());
    }

    /**
     * The {@code hw_dlq_*} headers of a record set aside: why (reason, exception, violations, contract) and where it
     * was read.
     *
     * @param record the record
     * @param reason {@code DESERIALIZATION}, {@code CONTRACT_VIOLATION} or {@code HANDLER}
     * @param error why
     * @param violations the read rules it breaks, or empty
     * @param group the consumer group that read it
     * @return new headers holding only the dead-letter ones
     */
    public Headers deadLetterHeaders(ConsumerRecord<?, ?> record, String reason, Throwable error,
            List<Violation> violations, String group) {
        Headers headers = new RecordHeaders();
        DeadLetterRecords.mark(headers, reason(record, reason, error, violations, group));
        return headers;
    }

    private DeadLetterRecords.Reason reason(ConsumerRecord<?, ?> record, String reason, Throwable error,
            List<Violation> violations, String group) {
        return new DeadLetterRecords.Reason(reason, error, violations, steps(record.topic()).contractVersion(), "",
                record.topic(), record.partition(), record.offset(), group);
    }

    /**
     * The dead letter of a record set aside: its key, value and headers as read, byte for byte, plus the
     * {@code hw_dlq_*} headers; and, should it be too large to write whole, a pointer to where it can be read.
     *
     * @param raw the record as consumed
     * @param reason {@code DESERIALIZATION}, {@code CONTRACT_VIOLATION} or {@code HANDLER}
     * @param error why
     * @param violations the read rules it breaks, or empty
     * @param group the consumer group that read it
     * @return the dead letter; empty when its topic has no dead-letter topic (the consumer must stop)
     */
    public Optional<DeadLetter> deadLetter(ConsumerRecord<byte[], byte[]> raw, String reason, Throwable error,
            List<Violation> violations, String group) {
        String topic = steps(raw.topic()).deadLetterTopic();
        if (topic == null) {
            return Optional.empty();
        }
        DeadLetterRecords.Reason why = reason(raw, reason, error, violations, group);
        Headers headers = new RecordHeaders(raw.headers().toArray());
        DeadLetterRecords.mark(headers, why);
        Headers pointerHeaders = new RecordHeaders();
        DeadLetterRecords.mark(pointerHeaders, why);
        long size = Math.max(0, raw.serializedKeySize()) + Math.max(0, raw.serializedValueSize());
        DeadLetterRecords.put(pointerHeaders, DeadLetterHeaders.VALUE_OMITTED, "The record (" + size + " bytes of "
                + "key and value, with its headers) is too large to dead-letter whole: this dead letter's value is "
                + "where to read it, and its own headers are left out");
        byte[] location = (raw.topic() + "/" + raw.partition() + "/" + raw.offset()).getBytes(StandardCharsets.UTF_8);
        byte[] pointerKey = raw.key() != null && raw.key().length <= 1024 ? raw.key() : null;
        return Optional.of(new DeadLetter(topic, raw.key(), raw.value(), headers,
                new DeadLetter(topic, pointerKey, location, pointerHeaders, null)));
    }

    /**
     * @return a writer of dead letters that inherits the consumer's settings (and the dead-letter producer's own; its
     *     producer created on first use), closed with this pipeline
     */
    public DeadLetterWriter deadLetterWriter() {
        return deadLetters;
    }

    /** @return the tenant's consume quota, shared with the tenant's other consumers; empty without one */
    public Optional<TenantQuotas> quota() {
        return Optional.ofNullable(quota);
    }

    /** @return the finder of lineage descriptors, for the records' lineage */
    public LineageDescriptors descriptors() {
        return descriptors;
    }

    /** @return the settings the pipeline was built from */
    public GovernanceSettings settings() {
        return settings;
    }

    /**
     * Whether a failure is transient: the schema registry did not answer (no answer, 5xx, 429, 408), or the key service
     * of protected fields did not. Such a record is read again, with back-off, until it answers: it is not the record's
     * fault and is never dead-lettered for it.
     *
     * @param error the failure
     * @return true when it is transient
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry) {
                return registry.isTransient();
            }
            if (cause instanceof ProtectionException protection) {
                return protection.isTransient();
            }
        }
        return false;
    }

    /**
     * Reports every topic read as no longer in use, aborts a dead-letter write in progress if asked, and closes the
     * descriptor reader, the dead-letter writer, the quota's metrics, the dataset events and the field protection.
     */
    @Override
    public void close() {
        inUse.values().forEach(use -> settings.datasetEvents().completed(use, steps(use.topic()).outcomes(use.topic())));
        inUse.clear();
        descriptors.close();
        deadLetters.close();
        try {
            quotaMetrics.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not unregister the tenant quota's metrics", e);
        }
        settings.datasetEvents().close();
        settings.fieldProtection().close();
        routing.all().forEach(ReadSteps::close);
    }

    /** One member of a consumer group reading through the pipeline: its spans and metrics. Thread safe. */
    public final class Member {
        private final String group;
        private final String clientId;
        private final Map<ReadSteps, ReadTelemetry> telemetry = new ConcurrentHashMap<>();

        private Member(String group, String clientId) {
            this.group = Objects.requireNonNull(group, "group");
            this.clientId = Objects.requireNonNull(clientId, "clientId");
        }

        /**
         * Reports the member's lag as the gauge {@code headwater.consumer.lag}: records between its position and the
         * end of each partition it reads, with the topic's contract and its freshness objective as attributes, so an
         * alert on a consumer falling behind needs no second source. Kafka's consumer measures the lag; the supplier
         * is read on the metric reader's thread, so it must not call the consumer itself (its metrics may be read).
         *
         * @param lag the lag per partition, as the consumer last measured it
         * @return closing it stops the reports
         */
        public AutoCloseable observeLag(java.util.function.Supplier<Map<org.apache.kafka.common.TopicPartition, Long>>
                lag) {
            Objects.requireNonNull(lag, "lag");
            return settings.openTelemetry().meterBuilder(ReadTelemetry.SCOPE)
                    .setSchemaUrl(dev.headwater.telemetry.MessagingAttributes.SCHEMA_URL).build()
                    .gaugeBuilder("headwater.consumer.lag").ofLongs().setUnit("{record}")
                    .setDescription("Records between the consumer's position and the end of each partition it "
                            + "reads, with the contract's freshness objective (headwater.slo.freshness, s)")
                    .buildWithCallback(measurement -> lag.get().forEach((partition, records) -> {
                        ReadSteps steps = steps(partition.topic());
                        var attributes = io.opentelemetry.api.common.Attributes.builder()
                                .put(dev.headwater.telemetry.MessagingAttributes.DESTINATION_NAME, partition.topic())
                                .put(dev.headwater.telemetry.MessagingAttributes.DESTINATION_PARTITION_ID,
                                        Integer.toString(partition.partition()))
                                .put(dev.headwater.telemetry.MessagingAttributes.CONSUMER_GROUP_NAME, group)
                                .put(dev.headwater.telemetry.MessagingAttributes.TENANT, settings.tenant())
                                .put(dev.headwater.telemetry.MessagingAttributes.CONTRACT, steps.subject());
                        if (!steps.freshness().isZero()) {
                            attributes.put(dev.headwater.telemetry.MessagingAttributes.SLO_FRESHNESS,
                                    steps.freshness().toMillis() / 1000.0);
                        }
                        measurement.record(records, attributes.build());
                    }));
        }

        private ReadTelemetry telemetry(ReadSteps steps) {
            ReadTelemetry known = telemetry.get(steps);
            return known != null ? known : telemetry.computeIfAbsent(steps, s -> new ReadTelemetry(
                    settings.openTelemetry(), group, clientId, settings.tenant(), s.subject(), s.freshness()));
        }

        /** @return the consumer group */
        public String group() {
            return group;
        }

        /**
         * Begins handling a prepared record: its span, its lineage context and its freshness. A refused record's
         * handling is failed already, with the reason it was refused; the route dead-letters it (or stops) and closes
         * the handling. Close it on the thread that began it.
         *
         * @param read the prepared record, ready or refused
         * @return the handling in progress
         */
        public Handling begin(Read read) {
            ConsumerRecord<?, ?> record = read.record();
            inUse(group, record.topic());
            ReadTelemetry telemetry = telemetry(read.steps);
            Span span = telemetry.startProcess(record);
            // a span without a valid context (OpenTelemetry not installed) would change nothing the handler can see
            Scope scope = span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
            LineageContext.Scope lineage = LineageContext.of(record.topic(), record.partition(), record.offset(),
                    record.headers()).makeCurrent();
            if (read.createdAt() >= 0) {
                telemetry.delay(record.topic(), System.currentTimeMillis() - read.createdAt());
            }
            Handling handling = new Handling(telemetry, record.topic(), Math.max(0, record.serializedValueSize()),
                    span, scope, lineage);
            if (read.outcome() == Read.Outcome.REFUSED) {
                telemetry.violations(record.topic(), read.violations());
                handling.failed(read.error());
            }
            return handling;
        }

        /**
         * For a record its route only sees pass and can neither hold back nor read again (the consumer interceptor):
         * records a CONSUMER span {@code receive {topic}} with its freshness, ended at once, and marks the record for
         * the application: a {@value #VIOLATIONS_HEADER} header listing the read rules it breaks (counted), or an
         * {@value #UNOPENED_HEADER} header saying why its protected fields are still sealed.
         *
         * @param read the checked record; its headers are added to
         */
        public void received(Read read) {
            ConsumerRecord<?, ?> record = read.record();
            if (read.outcome() == Read.Outcome.TRANSIENT) {
                record.headers().add(UNOPENED_HEADER, read.error().getMessage().getBytes(StandardCharsets.UTF_8));
            } else if (read.outcome() == Read.Outcome.REFUSED) {
                record.headers().add(VIOLATIONS_HEADER, read.violations().stream().map(Object::toString)
                        .collect(java.util.stream.Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8));
            }
            ReadTelemetry telemetry = telemetry(read.steps);
            Span span = telemetry.startReceive(record);
            if (read.createdAt() >= 0) {
                telemetry.delay(record.topic(), System.currentTimeMillis() - read.createdAt());
            }
            if (read.outcome() == Read.Outcome.REFUSED) {
                telemetry.violations(record.topic(), read.violations());
                telemetry.failed(span, read.error());
            }
            span.end();
        }

        /**
         * Waits for the tenant's consume quota (shared with the tenant's other consumers) to cover records read: a
         * consumer cannot refuse what it polled, so it waits, in steps, until the quota has room or {@code stop} says
         * to stop waiting. Does nothing without a consume quota.
         *
         * @param records how many records
         * @param bytes their key and value bytes
         * @param stop checked between steps; true ends the wait (the consumer closes)
         */
        public void awaitQuota(int records, long bytes, java.util.function.BooleanSupplier stop) {
            if (quota != null) {
                quota.acquireOrWait(records, bytes, stop);
            }
        }

        /**
         * Counts a record whose dead letter was written.
         *
         * @param record the record as read
         */
        public void deadLettered(ConsumerRecord<?, ?> record) {
            telemetry(steps(record.topic())).finished(record.topic(), Math.max(0, record.serializedValueSize()),
                    true);
        }

        /**
         * Counts a record that will be read again after a transient failure.
         *
         * @param topic its topic
         */
        public void retried(String topic) {
            telemetry(steps(topic)).retried(topic);
        }
    }

    /** One record being handled: end it with {@link #close()} on the thread that began it. */
    public static final class Handling implements AutoCloseable {
        private final ReadTelemetry telemetry;
        private final String topic;
        private final long valueBytes;
        private final Span span;
        private final Scope scope;
        private final LineageContext.Scope lineage;
        private boolean failed;
        private boolean closed;

        private Handling(ReadTelemetry telemetry, String topic, long valueBytes, Span span, Scope scope,
                LineageContext.Scope lineage) {
            this.telemetry = telemetry;
            this.topic = topic;
            this.valueBytes = valueBytes;
            this.span = span;
            this.scope = scope;
            this.lineage = lineage;
        }

        /**
         * Marks the record failed: its span records the exception, and it is not counted handled.
         *
         * @param error why
         */
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

    /** Builds the pipeline of a consumer that is not a {@code GovernedConsumer}, such as Spring's containers. */
    public static final class Builder extends ReadBuilder<Builder> {
        private Map<String, Object> kafka = Map.of();
        private String clientId;
        private Deserializer<?> keys;
        private Deserializer<?> values;

        private Builder() {
            super("ReadPipeline");
        }

        /**
         * @param kafka the consumer's Kafka settings, inherited by internal clients (dead letters, descriptors)
         * @param clientId a client id for the internal clients' ids
         * @return this builder
         */
        public Builder consumer(Map<String, ?> kafka, String clientId) {
            this.kafka = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(
                    Objects.requireNonNull(kafka, "kafka")));
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /**
         * @param keys decodes keys
         * @param values decodes values; null to read wire-format Avro through the registry
         * @return this builder
         */
        public Builder deserializers(Deserializer<?> keys, Deserializer<?> values) {
            this.keys = Objects.requireNonNull(keys, "keys");
            this.values = values;
            return this;
        }

        /**
         * @return the pipeline
         * @throws IllegalArgumentException naming the missing or conflicting setting
         */
        public ReadPipeline build() {
            require(clientId, "consumer");
            require(keys, "deserializers");
            return buildPipeline(kafka, clientId, keys, values);
        }
    }
}
