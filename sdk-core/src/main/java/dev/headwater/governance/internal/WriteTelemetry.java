package dev.headwater.governance.internal;

import dev.headwater.SharedResources;
import dev.headwater.contract.Violation;
import dev.headwater.telemetry.MessagingAttributes;
import dev.headwater.telemetry.internal.HeadersTextMap;
import dev.headwater.tenant.TenantQuotas;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.header.Headers;

/**
 * The write pipeline's spans and metrics, with the attribute sets of each topic built once. Uses the OpenTelemetry API only;
 * with no SDK installed every call is a no-op. Thread safe. Internal: not for users.
 */
public final class WriteTelemetry {

    /** The instrumentation scope of the producer's spans and metrics. */
    public static final String SCOPE = "dev.headwater.producer";

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final LongCounter records;
    private final LongCounter violations;
    private final LongHistogram size;
    private final DoubleHistogram quotaWait;
    private final Meter meter;
    private final String clientId;
    private final String tenant;
    private final String contract;
    private final String contractVersion;
    private final String application;
    private final String applicationVersion;
    private final Map<String, TopicAttributes> topics = new ConcurrentHashMap<>();
    /** Registered metric callbacks, unregistered on close. */
    private final List<AutoCloseable> callbacks = new CopyOnWriteArrayList<>();
    /** Tenant quota metrics, registered once per OpenTelemetry instance and quota, whatever the producers. */
    private final OpenTelemetry openTelemetry;
    private volatile AutoCloseable observedQuota;
    private volatile TopicAttributes lastTopic;
    /** False with the no-op propagator: nothing to inject, so not even the context is looked up. */
    private final boolean propagates;
    /** The text of partition numbers, for span attributes without a string per record. */
    private static final String[] PARTITIONS = new String[256];

    static {
        for (int i = 0; i < PARTITIONS.length; i++) {
            PARTITIONS[i] = Integer.toString(i);
        }
    }

    /**
     * @param openTelemetry the OpenTelemetry instance
     * @param clientId the Kafka client id
     * @param tenant the tenant, may be empty
     * @param contract the contract subject, may be empty
     */
    public WriteTelemetry(OpenTelemetry openTelemetry, String clientId, String tenant, String contract) {
        this(openTelemetry, clientId, tenant, contract, "", "", "");
    }

    /**
     * @param openTelemetry the OpenTelemetry instance
     * @param clientId the Kafka client id
     * @param tenant the tenant, may be empty
     * @param contract the contract subject, may be empty
     * @param contractVersion the contract's version, may be empty
     * @param application the producing application, may be empty
     * @param applicationVersion its version, may be empty
     */
    public WriteTelemetry(OpenTelemetry openTelemetry, String clientId, String tenant, String contract,
            String contractVersion, String application, String applicationVersion) {
        this.contractVersion = contractVersion;
        this.application = application;
        this.applicationVersion = applicationVersion;
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.tracerBuilder(SCOPE).setSchemaUrl(MessagingAttributes.SCHEMA_URL).build();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.propagates = propagator != TextMapPropagator.noop();
        Meter meter = openTelemetry.meterBuilder(SCOPE).setSchemaUrl(MessagingAttributes.SCHEMA_URL).build();
        this.meter = meter;
        this.records = meter.counterBuilder("headwater.producer.records")
                .setDescription("Records given to the governed producer, by outcome: sent, refused, dead_lettered")
                .setUnit("{record}").build();
        this.violations = meter.counterBuilder("headwater.contract.violations")
                .setDescription("Contract rule violations found by the producer, by rule").setUnit("{violation}")
                .build();
        this.size = meter.histogramBuilder("headwater.producer.record.size").ofLongs()
                .setDescription("Serialized size of the values sent").setUnit("By").build();
        this.quotaWait = meter.histogramBuilder("headwater.producer.quota.wait")
                .setDescription("Time records waited for the tenant's quota").setUnit("s")
                .setExplicitBucketBoundariesAdvice(MessagingAttributes.SECONDS_BUCKETS).build();
        this.clientId = clientId;
        this.tenant = tenant;
        this.contract = contract;
    }

    /**
     * Starts the PRODUCER span of one send and injects its context into the headers.
     *
     * @param topic the topic
     * @param headers the record's headers, receiving traceparent and tracestate
     * @param eventId the record's event id
     * @return the started span; end it with {@link #sent} or {@link #failed}
     */
    public Span startSend(String topic, Headers headers, String eventId) {
        TopicAttributes attributes = attributes(topic);
        Span span = tracer.spanBuilder(attributes.spanName)
                .setSpanKind(SpanKind.PRODUCER)
                .setAllAttributes(attributes.span)
                .setAttribute(MessagingAttributes.MESSAGE_ID, eventId)
                .startSpan();
        if (propagates) {
            propagator.inject(Context.current().with(span), headers, HeadersTextMap.SETTER);
        }
        return span;
    }

    /**
     * Ends a span for an acknowledged record and counts it under the topic it was meant for (a dead-lettered record
     * counts under its intended topic, its span names the dead-letter topic).
     */
    public void sent(Span span, String topic, int partition, long offset, int valueSize, boolean deadLettered) {
        if (span.isRecording()) {
            span.setAttribute(MessagingAttributes.DESTINATION_PARTITION_ID, partition >= 0
                    && partition < PARTITIONS.length ? PARTITIONS[partition] : Integer.toString(partition));
            span.setAttribute(MessagingAttributes.KAFKA_OFFSET, offset);
            span.setAttribute(MessagingAttributes.MESSAGE_BODY_SIZE, (long) valueSize);
        }
        span.end();
        TopicAttributes attributes = attributes(topic);
        records.add(1, deadLettered ? attributes.deadLettered : attributes.sent);
        size.record(valueSize, attributes.metric);
    }

    /**
     * Ends a span for a record handed to a Kafka producer whose acknowledgement this route does not see (the
     * serializer route), and counts it as sent.
     */
    public void handedOff(Span span, String topic, int valueSize) {
        if (span.isRecording()) {
            span.setAttribute(MessagingAttributes.MESSAGE_BODY_SIZE, (long) valueSize);
        }
        span.end();
        TopicAttributes attributes = attributes(topic);
        records.add(1, attributes.sent);
        size.record(valueSize, attributes.metric);
    }

    /** Ends a span for a record the broker refused. */
    public void failed(Span span, Throwable error) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        span.end();
    }

    /** Counts a refused record and its violations, if any. */
    public void refused(String topic, List<Violation> found) {
        records.add(1, attributes(topic).refused);
        violations(topic, found);
    }

    /** Counts a record refused for another reason than its violations (guardrail, quota, size, serialization). */
    public void refused(String topic) {
        records.add(1, attributes(topic).refused);
    }

    /** Counts violations of a dead-lettered record. */
    public void violations(String topic, List<Violation> found) {
        for (Violation violation : found) {
            violations.add(1, attributes(topic).metric.toBuilder()
                    .put(MessagingAttributes.RULE, violation.rule())
                    .put(MessagingAttributes.FIELD, violation.field()).build());
        }
    }

    /**
     * Reports a tenant's produce quota as metrics: records and bytes taken, time throttled and rejections, beside the
     * limits, so usage can be compared with the quota per tenant.
     *
     * @param resources where the quota's metric registrations are shared
     * @param quotas the tenant's shared quota
     */
    public void observeQuota(SharedResources resources, TenantQuotas quotas) {
        observedQuota = resources.observeQuota(openTelemetry, SCOPE, quotas);
    }

    /**
     * Reports whether the producer's records carry their lineage descriptor inline (1) or refer to it on the
     * descriptor topic (0): a producer that could not publish it stays at 1.
     *
     * @param inline true while records carry the descriptor inline
     */
    public void observeLineage(BooleanSupplier inline) {
        Attributes attributes = Attributes.of(MessagingAttributes.CLIENT_ID, clientId,
                MessagingAttributes.TENANT, tenant);
        callbacks.add(meter.gaugeBuilder("headwater.producer.lineage.inline").ofLongs().setUnit("1")
                .setDescription("1 while the producer's records carry their lineage descriptor inline because it "
                        + "is not (yet) published to the descriptor topic, else 0")
                .buildWithCallback(m -> m.record(inline.getAsBoolean() ? 1 : 0, attributes)));
    }

    /** Counts a lineage descriptor the producer could not publish: its records carry it inline from now on. */
    public void lineageNotPublished() {
        meter.counterBuilder("headwater.producer.lineage.unpublished").setUnit("{descriptor}")
                .setDescription("Lineage descriptors the producer could not publish to the descriptor topic; "
                        + "its records then carry the descriptor inline")
                .build().add(1, Attributes.of(MessagingAttributes.CLIENT_ID, clientId, MessagingAttributes.TENANT,
                        tenant));
    }

    /**
     * Unregisters the metric callbacks of this producer, so that a closed producer reports nothing more (a tenant
     * quota's callbacks when the last producer of the tenant closes).
     */
    public void close() {
        callbacks.forEach(WriteTelemetry::unregister);
        callbacks.clear();
        AutoCloseable quota = observedQuota;
        if (quota != null) {
            observedQuota = null;
            unregister(quota);
        }
    }

    private static void unregister(AutoCloseable callback) {
        try {
            callback.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not unregister a metric callback", e);
        }
    }

    /** Records how long a record waited for quota. */
    public void quotaWait(String topic, long nanos) {
        quotaWait.record(nanos / 1e9, attributes(topic).metric);
    }

    private TopicAttributes attributes(String topic) {
        // records come in runs of one topic, on the caller's and the I/O thread: the last one answers most lookups
        TopicAttributes last = lastTopic;
        if (last != null && last.topic().equals(topic)) {
            return last;
        }
        last = topics.computeIfAbsent(topic, this::newAttributes);
        lastTopic = last;
        return last;
    }

    private TopicAttributes newAttributes(String topic) {
        Attributes span = Attributes.builder()
                .put(MessagingAttributes.SYSTEM, "kafka")
                .put(MessagingAttributes.DESTINATION_NAME, topic)
                .put(MessagingAttributes.OPERATION_NAME, "send")
                .put(MessagingAttributes.OPERATION_TYPE, "send")
                .put(MessagingAttributes.CLIENT_ID, clientId)
                .build();
        var metricBuilder = Attributes.builder()
                .put(MessagingAttributes.DESTINATION_NAME, topic)
                .put(MessagingAttributes.TENANT, tenant)
                .put(MessagingAttributes.CONTRACT, contract);
        // who wrote under which contract version: a scorecard's quality and evolution per producer
        putIfSet(metricBuilder, MessagingAttributes.CONTRACT_VERSION, contractVersion);
        putIfSet(metricBuilder, MessagingAttributes.APPLICATION, application);
        putIfSet(metricBuilder, MessagingAttributes.APPLICATION_VERSION, applicationVersion);
        Attributes metric = metricBuilder.build();
        return new TopicAttributes(topic, "send " + topic, span, metric,
                metric.toBuilder().put(MessagingAttributes.OUTCOME, "sent").build(),
                metric.toBuilder().put(MessagingAttributes.OUTCOME, "refused").build(),
                metric.toBuilder().put(MessagingAttributes.OUTCOME, "dead_lettered").build());
    }

    private static void putIfSet(io.opentelemetry.api.common.AttributesBuilder builder,
            io.opentelemetry.api.common.AttributeKey<String> key, String value) {
        if (!value.isEmpty()) {
            builder.put(key, value);
        }
    }

    private record TopicAttributes(String topic, String spanName, Attributes span, Attributes metric, Attributes sent,
            Attributes refused, Attributes deadLettered) {
    }
}
