package dev.headwater.governance.internal;

import dev.headwater.lineage.Lineage;
import dev.headwater.telemetry.MessagingAttributes;
import dev.headwater.telemetry.internal.HeadersTextMap;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's spans and metrics: a CONSUMER span per processed record, parented by the producer's context from
 * {@code traceparent}; records by outcome; end-to-end delay against the contract's freshness objective, with a warning
 * at most once a minute per topic when it is breached. Thread safe. Internal: not for users.
 */
public final class ReadTelemetry {

    private static final Logger log = LoggerFactory.getLogger(ReadTelemetry.class);
    /** The instrumentation scope of the consumer's spans and metrics. */
    public static final String SCOPE = "dev.headwater.consumer";
    private static final long WARN_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final LongCounter records;
    private final LongCounter bytes;
    private final DoubleHistogram delay;
    private final LongCounter breaches;
    private final LongCounter retries;
    private final LongCounter violations;
    private final String group;
    private final String clientId;
    private final String tenant;
    private final String contract;
    private final Duration freshness;
    private final Map<String, TopicState> topics = new ConcurrentHashMap<>();
    private volatile TopicState lastState;

    /**
     * @param openTelemetry where spans and metrics go
     * @param group the consumer group
     * @param clientId the client id
     * @param tenant the tenant, may be empty
     * @param contract the contract subject, may be empty
     * @param freshness the freshness objective, zero when none
     */
    public ReadTelemetry(OpenTelemetry openTelemetry, String group, String clientId, String tenant,
            String contract, Duration freshness) {
        this.tracer = openTelemetry.tracerBuilder(SCOPE).setSchemaUrl(MessagingAttributes.SCHEMA_URL).build();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        Meter meter = openTelemetry.meterBuilder(SCOPE).setSchemaUrl(MessagingAttributes.SCHEMA_URL).build();
        this.records = meter.counterBuilder("headwater.consumer.records")
                .setDescription("Records the governed consumer finished, by outcome: handled, dead_lettered")
                .setUnit("{record}").build();
        this.bytes = meter.counterBuilder("headwater.consumer.bytes")
                .setDescription("Serialized value bytes of the records the governed consumer finished")
                .setUnit("By").build();
        this.delay = meter.histogramBuilder("headwater.consumer.delay")
                .setDescription("End-to-end delay: consumption time minus the record's creation time")
                .setUnit("s").setExplicitBucketBoundariesAdvice(MessagingAttributes.SECONDS_BUCKETS).build();
        this.breaches = meter.counterBuilder("headwater.consumer.freshness.breaches")
                .setDescription("Records that arrived later than the contract's freshness objective")
                .setUnit("{record}").build();
        this.retries = meter.counterBuilder("headwater.consumer.transient.retries")
                .setDescription("Records read again later because they could not be read for a reason that is not "
                        + "their own (the schema registry did not answer)")
                .setUnit("{record}").build();
        this.violations = meter.counterBuilder("headwater.contract.violations")
                .setDescription("Contract rule violations found on the records read, by rule")
                .setUnit("{violation}").build();
        this.group = group;
        this.clientId = clientId;
        this.tenant = tenant;
        this.contract = contract;
        this.freshness = freshness;
    }

    /**
     * Starts the CONSUMER span of processing one record: a child of the producer's span when the record carries trace
     * context, and linked to it (the messaging conventions' creation context), with the record's event id as
     * {@code messaging.message.id}.
     *
     * @param record the record
     * @return the span
     */
    public Span startProcess(ConsumerRecord<?, ?> record) {
        return start(record, state(record.topic()).spanName, "process");
    }

    /**
     * Starts the CONSUMER span of receiving one record, as {@link #startProcess} does: for the consumer interceptor,
     * which sees a record when it is polled but not how the application processes it, so its span says
     * {@code receive}, not {@code process}.
     *
     * @param record the record
     * @return the span; end it at once
     */
    public Span startReceive(ConsumerRecord<?, ?> record) {
        return start(record, "receive " + record.topic(), "receive");
    }

    private Span start(ConsumerRecord<?, ?> record, String name, String operation) {
        Context parent = propagator.extract(Context.root(), record.headers(), HeadersTextMap.GETTER);
        SpanContext creation = Span.fromContext(parent).getSpanContext();
        TopicState state = state(record.topic());
        SpanBuilder builder = tracer.spanBuilder(name)
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAllAttributes(state.span)
                .setAttribute(MessagingAttributes.OPERATION_NAME, operation)
                .setAttribute(MessagingAttributes.OPERATION_TYPE, operation)
                .setAttribute(MessagingAttributes.DESTINATION_PARTITION_ID, Integer.toString(record.partition()))
                .setAttribute(MessagingAttributes.KAFKA_OFFSET, record.offset());
        if (creation.isValid()) {
            builder.addLink(creation);
        }
        Span span = builder.startSpan();
        if (span.isRecording()) {
            // read only when someone records it: without an SDK the id is never decoded
            Lineage.eventIdOf(record.headers()).ifPresent(id -> span.setAttribute(MessagingAttributes.MESSAGE_ID, id));
            span.setAttribute(MessagingAttributes.MESSAGE_BODY_SIZE, (long) Math.max(0, record.serializedValueSize()));
        }
        return span;
    }

    /** Ends a span of a record that failed. */
    public void failed(Span span, Throwable error) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
    }

    /** Counts the read-rule violations of a record. */
    public void violations(String topic, java.util.List<dev.headwater.contract.Violation> found) {
        for (dev.headwater.contract.Violation violation : found) {
            violations.add(1, state(topic).metric.toBuilder().put(MessagingAttributes.RULE, violation.rule())
                    .put(MessagingAttributes.FIELD, violation.field()).build());
        }
    }

    /** Counts a record that will be read again after a transient failure. */
    public void retried(String topic) {
        retries.add(1, state(topic).metric);
    }

    /**
     * Counts a finished record and its value's bytes.
     *
     * @param topic the topic it was read from
     * @param valueBytes its serialized value's size
     * @param deadLettered true when it was set aside rather than handled
     */
    public void finished(String topic, long valueBytes, boolean deadLettered) {
        TopicState state = state(topic);
        records.add(1, deadLettered ? state.deadLettered : state.handled);
        bytes.add(valueBytes, state.metric);
    }

    /**
     * Records the end-to-end delay of a record and warns, rate-limited, when it breaches the freshness objective.
     *
     * @param topic the topic
     * @param delayMillis now minus the record's creation time
     */
    public void delay(String topic, long delayMillis) {
        TopicState state = state(topic);
        delay.record(delayMillis / 1000.0, state.metric);
        if (!freshness.isZero() && delayMillis > freshness.toMillis()) {
            breaches.add(1, state.metric);
            long now = System.nanoTime();
            long last = state.lastWarning.get();
            if ((last == 0 || now - last > WARN_INTERVAL_NANOS) && state.lastWarning.compareAndSet(last, now)) {
                log.warn("Freshness objective of contract {} breached on topic {}: a record arrived {} ms after it "
                        + "was created; the contract promises at most {}. (Warned at most once a minute per topic; "
                        + "metric headwater.consumer.freshness.breaches counts every one.)", contract, topic,
                        delayMillis, freshness);
            }
        }
    }

    private TopicState state(String topic) {
        // records come in runs of one topic: remember the last one instead of hashing the topic three times a record
        TopicState last = lastState;
        if (last != null && last.topic.equals(topic)) {
            return last;
        }
        last = topics.computeIfAbsent(topic, t -> {
            Attributes span = Attributes.builder()
                    .put(MessagingAttributes.SYSTEM, "kafka")
                    .put(MessagingAttributes.DESTINATION_NAME, t)
                    .put(MessagingAttributes.CONSUMER_GROUP_NAME, group)
                    .put(MessagingAttributes.CLIENT_ID, clientId)
                    .build();
            var metricBuilder = Attributes.builder()
                    .put(MessagingAttributes.DESTINATION_NAME, t)
                    .put(MessagingAttributes.TENANT, tenant)
                    .put(MessagingAttributes.CONTRACT, contract)
                    .put(MessagingAttributes.CONSUMER_GROUP_NAME, group);
            if (!freshness.isZero()) {
                // the objective beside the measure: an alert rule needs no second source to know it
                metricBuilder.put(MessagingAttributes.SLO_FRESHNESS, freshness.toMillis() / 1000.0);
            }
            Attributes metric = metricBuilder.build();
            return new TopicState(t, "process " + t, span, metric,
                    metric.toBuilder().put(MessagingAttributes.OUTCOME, "handled").build(),
                    metric.toBuilder().put(MessagingAttributes.OUTCOME, "dead_lettered").build(), new AtomicLong());
        });
        lastState = last;
        return last;
    }

    private record TopicState(String topic, String spanName, Attributes span, Attributes metric, Attributes handled,
            Attributes deadLettered, AtomicLong lastWarning) {
    }
}
