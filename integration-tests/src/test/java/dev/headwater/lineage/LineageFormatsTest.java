package dev.headwater.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.GovernedRecord;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.support.Contracts;
import dev.headwater.support.Polling;
import dev.headwater.support.TestTelemetry;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lineage in both formats through a real broker: descriptors published and found, inline fallback, CloudEvents. */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class LineageFormatsTest {

    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private String topic;
    private DataContract contract;

    @BeforeEach
    void setUp(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
        this.topic = Topics.unique("retail.orders.placed");
        this.contract = Contracts.orders(topic);
        kafka.createTopic(topic, 1, (short) 1);
    }

    private GovernedProducer.Builder<String, GenericRecord> producer(LineageFormat format) {
        return GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .application("orders-service", "1.4.0").tenant("retail").lineageFormat(format);
    }

    @Test
    void everyLineageFieldSurvivesTheRoundTripThroughKafkaInBothFormats() {
        SendResult compact;
        SendResult cloudEvents;
        try (var compactProducer = producer(LineageFormat.COMPACT).build();
                var cloudEventsProducer = producer(LineageFormat.CLOUDEVENTS).build()) {
            Polling.awaitDescriptorPublished(compactProducer);
            compact = compactProducer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString()))
                    .join();
            cloudEvents = cloudEventsProducer.send(topic, "k", Contracts.validOrder(contract,
                    UUID.randomUUID().toString())).join();
        }
        List<ConsumerRecord<byte[], byte[]>> read = Topics.read(kafka.bootstrapServers(), topic, 2,
                Duration.ofSeconds(30));
        Lineage two = Topics.lineage(kafka.bootstrapServers(), read.get(0));
        Lineage one = Topics.lineage(kafka.bootstrapServers(), read.get(1));

        assertThat(two.format()).isEqualTo(2);
        assertThat(one.format()).isEqualTo(1);
        assertThat(two.eventId()).isEqualTo(compact.eventId());
        assertThat(one.eventId()).isEqualTo(cloudEvents.eventId());
        assertThat(two).usingRecursiveComparison().ignoringFields("eventId", "format", "createdAt", "correlationId")
                .isEqualTo(one);
        assertThat(two.subject()).isEqualTo(contract.subject());
        assertThat(two.schemaId()).isPositive();
        assertThat(two.createdAt()).isEqualTo(Instant.ofEpochMilli(read.get(0).timestamp()));
        assertThat(headerBytes(read.get(0))).isLessThanOrEqualTo(16);
        assertThat(headerBytes(read.get(1))).isGreaterThan(300);
    }

    @Test
    void aDescriptorPublishedByAProducerInAnotherJvmIsFoundByAConsumerHere(@TempDir Path dir) throws Exception {
        String inventory = Topics.unique("warehouse.stock.changed");
        kafka.createTopic(inventory, 1, (short) 1);
        File out = dir.resolve("child.out").toFile();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProducerInAnotherJvm.class.getName(),
                kafka.bootstrapServers(), inventory)
                .redirectOutput(out).redirectError(dir.resolve("child.err").toFile()).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        assertThat(child.exitValue()).as("child's stderr: %s", Files.readString(dir.resolve("child.err")))
                .isZero();
        String eventId = Files.readAllLines(out.toPath()).stream().filter(l -> l.startsWith("event "))
                .map(l -> l.substring("event ".length())).findFirst().orElseThrow();

        ConsumerRecord<byte[], byte[]> record = Topics.read(kafka.bootstrapServers(), inventory, 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(headerBytes(record)).as("the record refers to its descriptor, not carries it")
                .isLessThanOrEqualTo(16);
        Lineage lineage = Topics.lineage(kafka.bootstrapServers(), record);
        assertThat(lineage.complete()).isTrue();
        assertThat(lineage.eventId()).isEqualTo(eventId);
        assertThat(lineage.application()).isEqualTo("inventory-service");
        assertThat(lineage.applicationVersion()).isEqualTo("7.1.0");
        assertThat(lineage.tenant()).isEqualTo("warehouse");
    }

    @Test
    void theGovernedConsumerReadsBothFormatsMixedOnOneTopic() {
        try (var compactProducer = producer(LineageFormat.COMPACT).build();
                var cloudEventsProducer = producer(LineageFormat.CLOUDEVENTS).build()) {
            for (int i = 0; i < 3; i++) {
                compactProducer.send(topic, "compact-" + i, Contracts.validOrder(contract,
                        UUID.randomUUID().toString())).join();
                cloudEventsProducer.send(topic, "cloudevents-" + i, Contracts.validOrder(contract,
                        UUID.randomUUID().toString())).join();
            }
        }
        List<Lineage> lineages = new ArrayList<>();
        GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "mixed-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).topics(topic)
                .handler(record -> lineages.add(record.lineage().orElseThrow())).build();
        try {
            Polling.pollUntil(consumer, () -> lineages.size() >= 6, Duration.ofSeconds(30));
        } finally {
            consumer.close();
        }
        assertThat(lineages).hasSize(6).allSatisfy(lineage -> {
            assertThat(lineage.complete()).isTrue();
            assertThat(lineage.application()).isEqualTo("orders-service");
            assertThat(lineage.contractVersion()).isEqualTo("1.2.0");
            assertThat(lineage.createdAt()).isNotNull();
        });
        assertThat(lineages).extracting(Lineage::format).containsExactly(2, 1, 2, 1, 2, 1);
    }

    @Test
    void aFreshProducersFirstRecordsReferToItsDescriptorInsteadOfCarryingIt() {
        String fresh = Topics.unique("retail.orders.fresh");
        kafka.createTopic(fresh, 1, (short) 1);
        try (var producer = producer(LineageFormat.COMPACT).contract(Contracts.orders(fresh)).build()) {
            // no wait: the descriptor is published while the producer is built, before its first record
            for (int i = 0; i < 20; i++) {
                producer.send(fresh, "k" + i, Contracts.validOrder(contract, UUID.randomUUID().toString()));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> read = Topics.read(kafka.bootstrapServers(), fresh, 20,
                Duration.ofSeconds(30));
        assertThat(read).hasSize(20).allSatisfy(record -> assertThat(headerBytes(record))
                .as("header bytes of the record at offset %d", record.offset()).isLessThanOrEqualTo(16));
        assertThat(Topics.lineage(kafka.bootstrapServers(), read.get(0)).complete()).isTrue();
    }

    @Test
    void closingAProducerRightAfterBuildingItLogsNoError() {
        String quick = Topics.unique("retail.orders.quick");
        kafka.createTopic(quick, 1, (short) 1);
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            // slf4j-simple writes to the System.err of the moment: what the closing logs is captured
            org.slf4j.LoggerFactory.getLogger(LineageFormatsTest.class).warn("capturing the log");
            for (int i = 0; i < 3; i++) {
                producer(LineageFormat.COMPACT).contract(Contracts.orders(quick)).build().close();
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(log).as("what closing logged").contains("capturing the log").doesNotContain("ERROR").doesNotContain("Interrupted");
    }

    @Test
    void producersOfOneApplicationShareOneDescriptorPublisher() {
        dev.headwater.SharedResources resources = dev.headwater.SharedResources.create();
        Map<String, Object> settings = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (var first = resources.descriptorPublisher(settings);
                var second = resources.descriptorPublisher(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "client.id", "another-producer", "linger.ms", 5))) {
            assertThat(second.publisher()).as("the same cluster and security settings").isSameAs(first.publisher());
            try (var other = resources.descriptorPublisher(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "security.protocol", "PLAINTEXT", "sasl.mechanism", "PLAIN"))) {
                assertThat(other.publisher()).as("other security settings").isNotSameAs(first.publisher());
            }
        }
        try (var again = resources.descriptorPublisher(settings)) {
            assertThat(again.publisher()).as("a new publisher once the last lease closed").isNotNull();
        }
    }

    @Test
    void aConsumerWhoseDescriptorTopicIsMissingHandlesEveryRecordWithoutWaitingForIt() {
        String busy = Topics.unique("retail.orders.busy");
        kafka.createTopic(busy, 1, (short) 1);
        try (var producer = producer(LineageFormat.COMPACT).contract(Contracts.orders(busy)).build()) {
            for (int i = 0; i < 200; i++) {
                producer.send(busy, "k" + i, Contracts.validOrder(contract, UUID.randomUUID().toString()));
            }
            producer.flush();
        }
        List<Lineage> lineages = new ArrayList<>();
        GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "busy-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).topics(busy)
                .lineageDescriptorTopic("_headwater-lineage-nowhere-" + UUID.randomUUID().toString().substring(0, 8))
                .handler(record -> lineages.add(record.lineage().orElseThrow())).build();
        try {
            // before: each unknown descriptor held the polling thread 10 s, again every 10 s (13 of 200 in 90 s)
            Polling.pollUntil(consumer, () -> lineages.size() >= 200, Duration.ofSeconds(30));
        } finally {
            consumer.close();
        }
        assertThat(lineages).hasSize(200).allSatisfy(lineage -> {
            assertThat(lineage.complete()).isFalse();
            assertThat(lineage.eventId()).isNotEmpty();
            assertThat(lineage.createdAt()).isNotNull();
        });
    }

    @Test
    void aProducerThatCannotPublishItsDescriptorCarriesItInlineAndSaysSoInItsMetrics() {
        // a descriptor topic that deletes old records would lose descriptors that records still point to
        String deleting = "_headwater-lineage-deleting-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(deleting, 1, (short) 1);
        InMemoryMetricReader metrics = InMemoryMetricReader.create();
        List<ConsumerRecord<byte[], byte[]>> read;
        try (OpenTelemetrySdk otel = TestTelemetry.sdk(null, metrics);
                var producer = producer(LineageFormat.COMPACT).lineageDescriptorTopic(deleting)
                        .openTelemetry(otel).build()) {
            Polling.await("the producer saying its descriptor is not published",
                    () -> counter(metrics, "headwater.producer.lineage.unpublished") == 1, Duration.ofSeconds(30));
            assertThat(producer.lineage().carriesDescriptorInline()).isTrue();
            producer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
            read = Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30));
            assertThat(inlineGauge(metrics)).isEqualTo(1);
        }
        assertThat(Topics.read(kafka.bootstrapServers(), deleting, 1, Duration.ofSeconds(1))).isEmpty();
        Lineage lineage = Lineage.from(read.get(0)).orElseThrow();
        assertThat(lineage.complete()).as("complete without any lookup").isTrue();
        assertThat(lineage.application()).isEqualTo("orders-service");
        assertThat(lineage.subject()).isEqualTo(contract.subject());
    }

    @Test
    void aCompactRecordWhoseDescriptorCannotBeFoundStillYieldsItsEventIdTimeAndTrace() {
        var spans = io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
        SendResult sent;
        String traceId;
        try (OpenTelemetrySdk otel = TestTelemetry.sdk(spans, null);
                var producer = producer(LineageFormat.COMPACT).openTelemetry(otel).build()) {
            Polling.awaitDescriptorPublished(producer);
            sent = producer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
            traceId = spans.getFinishedSpanItems().get(0).getTraceId();
        }
        ConsumerRecord<byte[], byte[]> record = Topics.read(kafka.bootstrapServers(), topic, 1,
                Duration.ofSeconds(30)).get(0);

        Lineage lineage = Lineage.from(record, LineageDescriptors.none()).orElseThrow();

        assertThat(lineage.complete()).isFalse();
        assertThat(lineage.eventId()).isEqualTo(sent.eventId());
        assertThat(lineage.createdAt()).isEqualTo(Instant.ofEpochMilli(record.timestamp()));
        assertThat(lineage.correlationId()).isEqualTo(sent.eventId());
        String traceparent = new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8);
        assertThat(traceparent).contains(traceId);
    }

    @Test
    void cloudEventsRecordsAreReadByTheCloudEventsSdkWithEveryAttribute() {
        SendResult sent;
        try (var producer = producer(LineageFormat.CLOUDEVENTS).build()) {
            sent = producer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        ConsumerRecord<byte[], byte[]> record = Topics.read(kafka.bootstrapServers(), topic, 1,
                Duration.ofSeconds(30)).get(0);

        CloudEvent event = KafkaMessageFactory.createReader(record).toEvent();

        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getId()).isEqualTo(sent.eventId());
        assertThat(event.getSource()).isEqualTo(URI.create("/headwater/orders-service"));
        assertThat(event.getType()).isEqualTo("dev.headwater.samples.OrderPlaced");
        assertThat(event.getTime()).isNotNull();
        assertThat(event.getDataContentType()).isEqualTo("application/avro");
        assertThat(event.getDataSchema().toString()).startsWith(registry.url() + "/schemas/ids/");
        assertThat(event.getExtension("hwtenant")).isEqualTo("retail");
        assertThat(event.getExtension("hwowner")).isEqualTo("team-orders");
        assertThat(event.getExtension("hwsubject")).isEqualTo(contract.subject());
        assertThat(event.getExtension("hwcontractversion")).isEqualTo("1.2.0");
        assertThat(event.getExtension("hwappversion")).isEqualTo("1.4.0");
        assertThat(event.getExtension("hwlineage")).isEqualTo("1");
        assertThat(event.getData().toBytes()).isEqualTo(record.value());
    }

    private static long counter(InMemoryMetricReader metrics, String name) {
        return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(p -> p.getValue()).sum();
    }

    private static long inlineGauge(InMemoryMetricReader metrics) {
        return metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals("headwater.producer.lineage.inline"))
                .map(MetricData::getLongGaugeData)
                .flatMap(data -> data.getPoints().stream())
                .mapToLong(p -> p.getValue()).max().orElse(-1);
    }

    /** Bytes of header keys and values, as the broker stores them (without the length prefixes). */
    private static int headerBytes(ConsumerRecord<?, ?> record) {
        int bytes = 0;
        for (Header header : record.headers()) {
            bytes += header.key().getBytes(StandardCharsets.UTF_8).length
                    + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }
}
