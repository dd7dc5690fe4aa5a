package dev.headwater.parity;

import dev.headwater.contract.DataContract;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the parity tables share: the contract and tenant policy every route is governed by (each route under names of
 * its own, so that the routes' records never meet), an OpenTelemetry SDK per route, reading back what landed on a
 * topic, and normalization: an observation says what a route did in terms that must be equal on every route (the
 * route's own names replaced by {@code ROUTE}; ids, times and offsets, which differ by nature, left out).
 */
final class Parity {

    /** The application every route is. */
    static final String APPLICATION = "parity-app";

    private Parity() {
    }

    /** The schema of the contract's values. */
    static final String SCHEMA = """
            {"type":"record","name":"Payment","namespace":"dev.headwater.parity","fields":[
             {"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"currency","type":"string"},
             {"name":"note","type":"string"}]}""";

    /** A schema of the same name whose {@code amount} is text: another producer's idea of a payment. */
    static final String OTHER_SCHEMA = SCHEMA.replace("{\"name\":\"amount\",\"type\":\"double\"}",
            "{\"name\":\"amount\",\"type\":\"string\"}");

    /**
     * The contract of one route: subject {@code {tenant}.payments-value}, a topic per case, a guardrail topic the
     * tenant does not own, a dead-letter topic, four rules (ERROR, DLQ, a CEL rule that cannot be evaluated on a note
     * that is not a number, and an observed rule: counted, the record passes).
     */
    static DataContract contract(String tenant, List<String> cases) {
        return DataContract.parse(contractYaml(tenant, cases), tenant + ".yaml", null);
    }

    static String contractYaml(String tenant, List<String> cases) {
        List<String> topics = new ArrayList<>();
        cases.forEach(name -> topics.add(topic(tenant, name)));
        topics.add(guardrailTopic(tenant));
        return """
                subject: %1$s.payments-value
                topics: [%2$s]
                version: 1.0.0
                owner: {team: team-parity, contact: parity@example.com}
                description: Payments, for the route parity tables.
                deadLetterTopic: %3$s
                slo: {freshness: PT5M}
                schema: |
                  %4$s
                rules:
                  - {name: amountPositive, field: amount, min: 0.01}
                  - {name: currencyKnown, field: currency, in: [EUR, USD], onFailure: DLQ}
                  - {name: noteIsNumber, expr: "int(message.note) >= 0", onFailure: DLQ}
                  - {name: noteShort, field: note, maxLength: 12, enforcement: observe}
                """.formatted(tenant, String.join(", ", topics), deadLetterTopic(tenant),
                SCHEMA.replace("\n", "\n  "));
    }

    /** The same contract, with {@code note} encrypted where it is born ({@code mask: "0"} for readers without keys). */
    static String protectedContractYaml(String tenant, List<String> cases) {
        return contractYaml(tenant, cases) + "fields:\n  note: {classification: pii, protect: encrypt, mask: \"0\"}\n";
    }

    /** A tenant owning its {@code {tenant}.{domain}.{dataset}.v{n}} topics, with an optional produce quota. */
    static String policyYaml(String tenant, String produceQuota, String consumeQuota) {
        return """
                tenant: %s
                owns: ["{tenant}.{domain}.{dataset}.v{major}"]
                topics: {defaultPartitions: 1, maxPartitions: 3}
                quotas:
                %s%s""".formatted(tenant, produceQuota == null ? "" : "  produce: " + produceQuota + "\n",
                consumeQuota == null ? "" : "  consume: " + consumeQuota + "\n");
    }

    static TenantPolicy policy(String yaml) {
        return TenantPolicy.parse(yaml, "tenant.yaml", null);
    }

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String topic(String tenant, String name) {
        return tenant + ".payments." + name + ".v1";
    }

    static String guardrailTopic(String tenant) {
        return "other.payments.guardrail-" + tenant + ".v1";
    }

    static String deadLetterTopic(String tenant) {
        return tenant + ".payments.dead-letters.v1";
    }

    /**
     * Waits until a condition holds, checking it every 50 ms.
     *
     * @throws AssertionError naming what did not happen in time
     */
    static void await(String what, java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(50); // polling a condition with a deadline
        }
    }

    /** An OpenTelemetry SDK with spans and metrics kept in memory, one per route. */
    static final class Telemetry implements AutoCloseable {
        final InMemorySpanExporter spans = InMemorySpanExporter.create();
        final InMemoryMetricReader metrics = InMemoryMetricReader.create();
        final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();

        @Override
        public void close() {
            sdk.close();
        }
    }

    /**
     * Reads every record of a topic, from the beginning to its end now.
     *
     * @param bootstrap the cluster
     * @param topic the topic
     * @return its records
     */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "parity-reader-" + UUID.randomUUID(), "enable.auto.commit", false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Replaces a route's own names (tenant, topics, subject) in a text by {@code ROUTE}. */
    static String normalize(String text, String tenant) {
        return text == null ? null : Pattern.compile("\\b" + Pattern.quote(tenant) + "\\b").matcher(text)
                .replaceAll("ROUTE");
    }

    /**
     * What a record as written looks like, route-neutral: the key, the value after the wire format's schema id (ids
     * differ per registry subject), and every header but the lineage and trace ones, whose bytes differ per producer
     * by nature, and the dead-letter time; those are named, not shown.
     */
    static String describe(ConsumerRecord<byte[], byte[]> record, String tenant, boolean withKey) {
        StringBuilder out = new StringBuilder();
        out.append("key=").append(withKey ? text(record.key()) : "(not compared)");
        byte[] value = record.value();
        if (value == null) {
            out.append(" value=null");
        } else if (value.length > 5 && value[0] == 0) {
            out.append(" value=wire(").append(HexFormat.of().formatHex(value, 5, value.length)).append(')');
        } else {
            out.append(" value=").append(normalize(text(value), tenant));
        }
        Map<String, List<String>> headers = new TreeMap<>();
        for (Header header : record.headers()) {
            String shown = Set.of("hw", "traceparent", "tracestate", "hw_dlq_time").contains(header.key())
                    ? "(present)" : normalize(text(header.value()), tenant);
            headers.computeIfAbsent(header.key(), k -> new ArrayList<>()).add(shown);
        }
        return out.append(" headers=").append(headers).toString();
    }

    static String text(byte[] bytes) {
        return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Spans, route-neutral: name, kind, status, and attributes but those that name one client or one record (client
     * id, message id, partition, offset), which are checked on their own.
     */
    static List<String> spans(List<SpanData> spans, String tenant) {
        return spans.stream().map(span -> normalize(span.getName() + " " + span.getKind() + " "
                + span.getStatus().getStatusCode() + " " + attributes(span.getAttributes(), Set.of(
                "messaging.client.id", "messaging.message.id", "messaging.destination.partition.id",
                "messaging.kafka.offset")) + " events=" + span.getEvents().stream()
                .map(e -> e.getName() + ":" + e.getAttributes().get(AttributeKey.stringKey("exception.type")))
                .toList(), tenant)).sorted().toList();
    }

    /** Metric points, route-neutral, of the metrics named: name, attributes, value (histograms: their count). */
    static List<String> metrics(java.util.Collection<MetricData> data, String tenant, Set<String> names) {
        List<String> points = new ArrayList<>();
        for (MetricData metric : data) {
            if (!names.contains(metric.getName())) {
                continue;
            }
            for (PointData point : metric.getData().getPoints()) {
                points.add(normalize(metric.getName() + " " + attributes(point.getAttributes(),
                        Set.of("messaging.client.id")) + " = " + value(point), tenant));
            }
        }
        return points.stream().sorted().toList();
    }

    private static String value(PointData point) {
        if (point instanceof io.opentelemetry.sdk.metrics.data.LongPointData longs) {
            return Long.toString(longs.getValue());
        }
        if (point instanceof io.opentelemetry.sdk.metrics.data.HistogramPointData histogram) {
            return "count " + histogram.getCount();
        }
        if (point instanceof io.opentelemetry.sdk.metrics.data.DoublePointData doubles) {
            return doubles.getValue() > 0 ? "> 0" : "0";
        }
        return point.toString();
    }

    private static String attributes(Attributes attributes, Set<String> left) {
        return attributes.asMap().entrySet().stream().filter(e -> !left.contains(e.getKey().getKey()))
                .map(e -> e.getKey().getKey() + "=" + e.getValue()).sorted()
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** @return the last value of a header, as text; null when absent */
    static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** @return the first exception of a type in a chain of causes, or null */
    static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
