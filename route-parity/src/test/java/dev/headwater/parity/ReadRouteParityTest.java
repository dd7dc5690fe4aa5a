package dev.headwater.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.SharedResources;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read side's parity table: the same records, byte for byte, are written to each consuming route's topics and
 * read by it (the governed consumer, a Spring {@code @KafkaListener} governed by the starter, a plain consumer with the
 * consumer interceptor). The governed consumer and the Spring listener must agree in everything: what the application
 * sees, the dead letters (key, value and headers as read, byte for byte, plus the same {@code hw_dlq_*} headers), the
 * metrics and the spans (names, kinds, status, attributes, parent and link to the producer's span). The interceptor
 * can neither hold a record back nor dead-letter it: it must see the same violations (as the {@code hw_violations}
 * header), record the same metrics of what it sees, and the same spans but for their name ({@code receive}), and its
 * application's poll fails on the records the others dead-letter as undecodable.
 */
@HeadwaterTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadRouteParityTest {

    /** What becomes of a case's record on the routes that govern the whole handling, and on the interceptor. */
    enum Expect {
        HANDLED("HANDLED", "HANDLED"),
        CONTRACT_VIOLATION("DEAD_LETTERED CONTRACT_VIOLATION", "FLAGGED"),
        DESERIALIZATION("DEAD_LETTERED DESERIALIZATION", "POLL_FAILED"),
        HANDLER("DEAD_LETTERED HANDLER", "APPLICATION");

        final String governed;
        final String interceptor;

        Expect(String governed, String interceptor) {
            this.governed = governed;
            this.interceptor = interceptor;
        }
    }

    /**
     * One row of the table.
     *
     * @param name the case, its topic's dataset
     * @param expect what becomes of its record
     * @param write writes the case's record to a topic
     */
    record Case(String name, Expect expect, Writer write) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Writes one case's record to a topic. */
    @FunctionalInterface
    interface Writer {
        void write(Writers writers, String topic);
    }

    private static final List<Case> CASES = List.of(
            new Case("valid", Expect.HANDLED, (w, topic) -> w.governed(topic, "key-1", w.payment(12.5, "EUR", "7"))),
            new Case("read-violation", Expect.CONTRACT_VIOLATION,
                    (w, topic) -> w.raw(topic, "key-1", w.avro(topic, w.payment(12.5, "XXX", "7")), List.of())),
            new Case("rule-throws", Expect.CONTRACT_VIOLATION,
                    (w, topic) -> w.raw(topic, "key-1", w.avro(topic, w.payment(12.5, "EUR", "not a number")),
                            List.of())),
            new Case("other-schema", Expect.CONTRACT_VIOLATION,
                    (w, topic) -> w.raw(topic, "key-1", w.avro(topic, WriteRouteParityTest.otherPayment("12.5")),
                            List.of())),
            new Case("unknown-schema-id", Expect.DESERIALIZATION,
                    (w, topic) -> w.raw(topic, "key-1", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, 0x70, 2, 4},
                            List.of())),
            new Case("not-wire-format", Expect.DESERIALIZATION,
                    (w, topic) -> w.raw(topic, "key-1", "hello".getBytes(StandardCharsets.UTF_8), List.of())),
            new Case("observed-violation", Expect.HANDLED, (w, topic) -> w.raw(topic, "key-1",
                    w.avro(topic, w.payment(12.5, "EUR", "1234567890123")), List.of())),
            new Case("null-value", Expect.HANDLED, (w, topic) -> w.raw(topic, "key-1", null, List.of())),
            new Case("garbage-headers", Expect.HANDLED,
                    (w, topic) -> w.raw(topic, "key-1", w.avro(topic, w.payment(12.5, "EUR", "7")), List.of(
                            new RecordHeader("hw", new byte[] {1, 2, 3}),
                            new RecordHeader("traceparent", "garbage".getBytes(StandardCharsets.UTF_8))))),
            new Case("handler-fails", Expect.HANDLER,
                    (w, topic) -> w.governed(topic, ReadRoute.FAIL, w.payment(12.5, "EUR", "7"))));

    private static final Set<String> METRICS = Set.of("headwater.consumer.records", "headwater.consumer.bytes",
            "headwater.contract.violations", "headwater.contract.violations.observed", "headwater.consumer.delay",
            "headwater.consumer.transient.retries");

    private final Map<ReadRoute.Kind, Opened> routes = new EnumMap<>(ReadRoute.Kind.class);
    /** What was written to each topic, for the byte-for-byte comparison of dead letters. */
    private final Map<String, ConsumerRecord<byte[], byte[]>> written = new LinkedHashMap<>();
    private String bootstrap;

    /** A route, reading, with what it was built from. */
    record Opened(ReadRoute route, String tenant, Parity.Telemetry telemetry) {
    }

    @BeforeAll
    void writeEveryCaseAndReadItOnEveryRoute(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry,
            @TempDir Path dir) throws Exception {
        this.bootstrap = kafka.bootstrapServers();
        List<String> names = CASES.stream().map(Case::name).toList();
        Schema schema = new Schema.Parser().parse(Parity.SCHEMA);
        try (Writers writers = new Writers(kafka.bootstrapServers(), registry.url(), schema)) {
            for (ReadRoute.Kind kind : ReadRoute.Kind.values()) {
                String tenant = kind.tenant();
                kafka.createTopic(Parity.deadLetterTopic(tenant), 1, (short) 1);
                for (Case row : CASES) {
                    String topic = Parity.topic(tenant, row.name());
                    kafka.createTopic(topic, 1, (short) 1);
                    row.write().write(writers, topic);
                }
            }
        }
        for (ReadRoute.Kind kind : ReadRoute.Kind.values()) {
            for (Case row : CASES) {
                String topic = Parity.topic(kind.tenant(), row.name());
                written.put(topic, Parity.readAll(bootstrap, topic).get(0));
            }
        }
        for (ReadRoute.Kind kind : ReadRoute.Kind.values()) {
            String tenant = kind.tenant();
            String contract = Parity.contractYaml(tenant, names);
            String policy = Parity.policyYaml(tenant, null, null);
            Parity.Telemetry telemetry = new Parity.Telemetry();
            List<String> topics = names.stream().map(name -> Parity.topic(tenant, name)).toList();
            ReadRoute route = kind.open(new ReadRoute.Setup(kafka.bootstrapServers(), registry.url(),
                    Parity.contract(tenant, names), Parity.write(dir, tenant + "-contract.yaml", contract),
                    Parity.policy(policy), Parity.write(dir, tenant + "-policy.yaml", policy), telemetry.sdk, topics,
                    tenant + "-group"));
            routes.put(kind, new Opened(route, tenant, telemetry));
        }
        for (Opened opened : routes.values()) {
            awaitEveryCase(opened);
        }
    }

    private void awaitEveryCase(Opened opened) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            long dead = Parity.readAll(bootstrap, Parity.deadLetterTopic(opened.tenant())).size();
            long seen = opened.route().seen().values().stream().mapToLong(List::size).sum();
            if (dead + seen >= CASES.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(opened.tenant() + " settled " + (dead + seen) + " of " + CASES.size()
                        + " cases in 60 s; saw " + opened.route().seen());
            }
            Thread.sleep(100); // polling a condition with a deadline
        }
    }

    @AfterAll
    void closeEveryRoute() {
        routes.values().forEach(o -> {
            o.route().close();
            o.telemetry().close();
        });
    }

    static Stream<Case> cases() {
        return CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyReadRouteGivesTheSameOutcome(Case row) {
        Map<ReadRoute.Kind, Observation> observed = new LinkedHashMap<>();
        routes.forEach((kind, opened) -> observed.put(kind, observe(row, opened)));
        Observation consumer = observed.get(ReadRoute.Kind.GOVERNED_CONSUMER);
        Observation spring = observed.get(ReadRoute.Kind.SPRING_LISTENER);
        Observation interceptor = observed.get(ReadRoute.Kind.INTERCEPTOR);

        assertThat(consumer.outcome()).as("the governed consumer's outcome of %s", row).isEqualTo(row.expect().governed);
        assertThat(spring).as("the Spring listener's observation of %s", row).isEqualTo(consumer);

        assertThat(interceptor.outcome()).as("the interceptor's outcome of %s", row)
                .isEqualTo(row.expect().interceptor);
        if (row.expect() != Expect.DESERIALIZATION) {
            assertThat(interceptor.violations()).as("violations the interceptor saw in %s", row)
                    .isEqualTo(consumer.violations());
            assertThat(interceptor.metrics()).as("the interceptor's metrics of %s", row)
                    .isEqualTo(consumer.metrics().stream().filter(m -> m.startsWith("headwater.contract.violations")
                            || m.startsWith("headwater.consumer.delay")).toList());
        }
        if (row.expect() == Expect.HANDLED || row.expect() == Expect.CONTRACT_VIOLATION) {
            // what the application's handler did is not the interceptor's to see
            assertThat(interceptor.spans()).as("the interceptor's spans of %s", row).isEqualTo(consumer.spans()
                    .stream().map(s -> s.replace("process ", "receive ").replace("operation.name=process",
                            "operation.name=receive").replace("operation.type=process", "operation.type=receive"))
                    .toList());
        }
    }

    /**
     * What one route did with one case, in terms the routes must share.
     *
     * @param outcome what became of the record
     * @param seen what the application saw
     * @param violations the violations found: in the dead letter's headers, or the interceptor's flag
     * @param deadLetter the dead letter, described
     * @param metrics the metric points of the case's topic
     * @param spans the spans of the case's topic
     */
    record Observation(String outcome, List<String> seen, String violations, String deadLetter, List<String> metrics,
            List<String> spans) {
    }

    private Observation observe(Case row, Opened opened) {
        String tenant = opened.tenant();
        String topic = Parity.topic(tenant, row.name());
        ConsumerRecord<byte[], byte[]> original = written.get(topic);
        List<ConsumerRecord<byte[], byte[]>> letters = Parity.readAll(bootstrap, Parity.deadLetterTopic(tenant))
                .stream().filter(r -> topic.equals(Parity.header(r, "hw_dlq_source_topic"))).toList();
        List<String> seen = opened.route().seen().getOrDefault(topic, List.of()).stream()
                .map(line -> Parity.normalize(line.replaceAll(" flagged=.*", ""), tenant)).toList();
        String outcome;
        String violations = "";
        String deadLetter = null;
        if (!letters.isEmpty()) {
            ConsumerRecord<byte[], byte[]> letter = letters.get(0);
            assertThat(letter.key()).as("the dead letter's key is the record's, byte for byte")
                    .isEqualTo(original.key());
            assertThat(letter.value()).as("the dead letter's value is the record's, byte for byte")
                    .isEqualTo(original.value());
            for (Header header : original.headers()) {
                assertThat(letter.headers().lastHeader(header.key())).as("the record's own header %s", header.key())
                        .isNotNull().extracting(Header::value).isEqualTo(header.value());
            }
            outcome = "DEAD_LETTERED " + Parity.header(letter, "hw_dlq_reason");
            String found = Parity.header(letter, "hw_dlq_violations");
            violations = found == null ? "" : Parity.normalize(found, tenant);
            deadLetter = Parity.describe(withoutSpringHeaders(letter), tenant, true);
        } else if (seen.stream().anyMatch(line -> line.startsWith("poll failed"))) {
            outcome = "POLL_FAILED";
        } else if (seen.stream().anyMatch(line -> line.startsWith("handler failed"))) {
            outcome = "APPLICATION";
        } else {
            String flagged = opened.route().seen().getOrDefault(topic, List.of()).stream()
                    .filter(line -> line.contains(" flagged=")).map(line -> line.replaceAll(".* flagged=", ""))
                    .findFirst().orElse(null);
            outcome = flagged != null ? "FLAGGED" : "HANDLED";
            violations = flagged == null ? "" : Parity.normalize(flagged, tenant);
        }
        List<SpanData> spans = opened.telemetry().spans.getFinishedSpanItems().stream()
                .filter(s -> topic.equals(s.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))))
                .toList();
        spans.forEach(span -> checkTraceOf(span, original));
        return new Observation(outcome, outcome.startsWith("DEAD") ? List.of() : seen, violations, deadLetter,
                Parity.metrics(opened.telemetry().metrics.collectAllMetrics(), tenant, METRICS).stream()
                        .filter(point -> point.contains(row.name())).toList(),
                Parity.spans(spans, tenant));
    }

    /**
     * A consumer's span continues the producer's trace: its parent and its link are the span whose context the
     * record carries, and its message id is the record's event id; without a readable context it starts a trace.
     */
    private static void checkTraceOf(SpanData span, ConsumerRecord<byte[], byte[]> record) {
        String traceparent = Parity.header(record, "traceparent");
        if (traceparent != null && traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
            String producerSpan = traceparent.substring(36, 52);
            assertThat(span.getParentSpanId()).as("parent of %s", span.getName()).isEqualTo(producerSpan);
            assertThat(span.getLinks()).extracting(LinkData::getSpanContext)
                    .extracting(c -> c.getSpanId()).as("link of %s", span.getName()).containsExactly(producerSpan);
            assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.id")))
                    .as("message id of %s", span.getName())
                    .isEqualTo(dev.headwater.lineage.Lineage.eventIdOf(record.headers()).orElseThrow());
        } else {
            assertThat(span.getParentSpanContext().isValid()).as("%s without a producer context (traceparent %s)",
                    span.getName(), traceparent).isFalse();
            assertThat(span.getLinks()).isEmpty();
        }
    }

    /** Spring's recoverer adds {@code kafka_dlt-*} headers of its own beside Headwater's: not compared. */
    private static ConsumerRecord<byte[], byte[]> withoutSpringHeaders(ConsumerRecord<byte[], byte[]> letter) {
        ConsumerRecord<byte[], byte[]> copy = new ConsumerRecord<>(letter.topic(), letter.partition(),
                letter.offset(), letter.key(), letter.value());
        for (Header header : letter.headers()) {
            if (!header.key().startsWith("kafka_dlt-")) {
                copy.headers().add(header);
            }
        }
        return copy;
    }

    /** Writes the cases' records: governed (with lineage and a producer span) or as raw bytes. */
    static final class Writers implements AutoCloseable {
        private final Schema schema;
        private final Parity.Telemetry telemetry = new Parity.Telemetry();
        private final KafkaProducer<byte[], byte[]> raw;
        private final AvroSerializer<Object> avro = new AvroSerializer<>();
        private final Map<String, GovernedProducer<String, Object>> governed = new LinkedHashMap<>();
        private final String bootstrap;
        private final String registryUrl;

        Writers(String bootstrap, String registryUrl, Schema schema) {
            this.bootstrap = bootstrap;
            this.registryUrl = registryUrl;
            this.schema = schema;
            this.raw = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(),
                    new ByteArraySerializer());
            avro.configure(Map.of("schema.registry.url", registryUrl), false);
        }

        GenericRecord payment(double amount, String currency, String note) {
            return WriteRouteParityTest.payment(schema, amount, currency, note);
        }

        byte[] avro(String topic, Object value) {
            return avro.serialize(topic, value);
        }

        void raw(String topic, String key, byte[] value, List<Header> headers) {
            try {
                raw.send(new ProducerRecord<>(topic, null, key.getBytes(StandardCharsets.UTF_8), value, headers))
                        .get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes through a governed producer of the topic's own contract, with lineage and a producer span. */
        void governed(String topic, String key, Object value) {
            String tenant = topic.substring(0, topic.indexOf('.'));
            GovernedProducer<String, Object> producer = governed.computeIfAbsent(tenant, t ->
                    GovernedProducer.<String, Object>builder()
                            .kafkaProperties(Map.of("bootstrap.servers", bootstrap))
                            .keySerializer(new StringSerializer())
                            .schemaRegistry(registryUrl)
                            .contract(Parity.contract(t, CASES.stream().map(Case::name).toList()))
                            .application("parity-writer", "")
                            .openTelemetry(telemetry.sdk)
                            .sharedResources(SharedResources.create())
                            .build());
            producer.send(topic, key, value).join();
        }

        @Override
        public void close() {
            governed.values().forEach(GovernedProducer::close);
            raw.close();
            telemetry.close();
        }
    }
}
