package dev.headwater.consumer;

import static dev.headwater.support.Topics.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.contract.ContractRule;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.RuleMode;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.support.Contracts;
import dev.headwater.support.Polling;
import dev.headwater.support.TestTelemetry;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedConsumerContractTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk otel;
    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private String topic;
    private DataContract contract;

    @BeforeEach
    void setUp(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
        otel = TestTelemetry.sdk(spans, metrics);
        topic = Topics.unique("retail.orders.read");
        contract = Contracts.orders(topic);
        kafka.createTopic(topic, 1, (short) 1);
    }

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    private GovernedProducer<String, GenericRecord> producer() {
        return GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .failurePolicy(FailurePolicy.PER_RULE).application("orders-service", "1.4.0").tenant("retail")
                .openTelemetry(otel).build();
    }

    /** A producer that writes the wire format without checking any contract, such as a legacy service's. */
    private GovernedProducer<String, GenericRecord> lenientProducer() {
        return GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .valueSerializer(new dev.headwater.serde.AvroSerializer<>(
                        dev.headwater.registry.SchemaRegistryClient.builder().urls(registry.url()).build(),
                        dev.headwater.serde.AvroSerdeConfig.builder().urls(registry.url()).build(), false))
                .application("legacy", "0.1").build();
    }

    private GovernedConsumer.Builder<String, GenericRecord> consumer(RecordHandler<String, GenericRecord> handler) {
        return GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "payments-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(contract)
                .topics(topic).tenant("payments").openTelemetry(otel).handler(handler);
    }

    /** Polls with a governed consumer until it has handled a record; returns the keys it handled. */
    private List<String> keysHandledUntilTheFirst() {
        List<String> handled = new ArrayList<>();
        var consumer = consumer(record -> handled.add(record.key())).build();
        try {
            pollUntil(consumer, () -> !handled.isEmpty());
        } finally {
            consumer.close();
        }
        return handled;
    }

    private static void pollUntil(GovernedConsumer<?, ?> consumer, java.util.function.BooleanSupplier done) {
        Polling.pollUntil(consumer, done, Duration.ofSeconds(30));
    }

    @Test
    void readsTypedRecordsWithLineageAndAProcessSpanThatContinuesTheProducersTrace() {
        try (var producer = producer()) {
            producer.send(topic, "order-1", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        String payments = Topics.unique("retail.payments");
        List<GovernedRecord<String, GenericRecord>> handled = new ArrayList<>();
        try (var paymentsProducer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application("payments-service", "2.0.0").openTelemetry(otel).build()) {
            var consumer = consumer(record -> {
                handled.add(record);
                paymentsProducer.send(payments, record.key(), "{}").join();
            }).build();
            try {
                pollUntil(consumer, () -> !handled.isEmpty());
            } finally {
                consumer.close();
            }
        }
        GovernedRecord<String, GenericRecord> record = handled.get(0);
        assertThat(record.value().get("currency").toString()).isEqualTo("EUR");
        assertThat(record.lineage().orElseThrow().contractVersion()).isEqualTo("1.2.0");
        assertThat(record.lineage().orElseThrow().owner()).isEqualTo("team-orders");

        List<SpanData> finished = spans.getFinishedSpanItems();
        SpanData send = finished.stream().filter(s -> s.getName().equals("send " + topic)).findFirst().orElseThrow();
        SpanData process = finished.stream().filter(s -> s.getName().equals("process " + topic)).findFirst()
                .orElseThrow();
        SpanData downstream = finished.stream().filter(s -> s.getName().equals("send " + payments)).findFirst()
                .orElseThrow();
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
        assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
        assertThat(downstream.getParentSpanId()).as("produced inside the handler").isEqualTo(process.getSpanId());
        ConsumerRecord<byte[], byte[]> payment = Topics.read(kafka.bootstrapServers(), payments, 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(Lineage.from(payment).orElseThrow().causationId()).isEqualTo(topic + "/0/0");
    }

    @Test
    void recordsThatBreakTheContractOnReadAreDeadLetteredWithTheViolations() throws Exception {
        // a record written by a plain producer with no contract check, such as a legacy service
        try (var lenient = lenientProducer()) {
            GenericRecord bad = Contracts.validOrder(contract, "not-a-uuid");
            lenient.send(topic, "bad", bad).join();
            lenient.send(topic, "good", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        List<String> handled = new ArrayList<>();
        Map<String, List<dev.headwater.lineage.RuleOutcome>> reported = new java.util.concurrent.ConcurrentHashMap<>();
        var consumer = consumer(record -> handled.add(record.key()))
                .datasetEvents(new dev.headwater.lineage.DatasetEvents() {
                    @Override
                    public void started(dev.headwater.lineage.DatasetUse use) {
                    }

                    @Override
                    public void completed(dev.headwater.lineage.DatasetUse use) {
                        reported.put(use.topic(), List.of());
                    }

                    @Override
                    public void completed(dev.headwater.lineage.DatasetUse use,
                            List<dev.headwater.lineage.RuleOutcome> outcomes) {
                        reported.put(use.topic(), outcomes);
                    }
                }).build();
        try {
            pollUntil(consumer, () -> !handled.isEmpty());
        } finally {
            consumer.close();
        }
        assertThat(handled).containsExactly("good");
        // what the consumer measured over its run: idIsUuid broke for one of the two records, the others held
        assertThat(reported.get(topic)).filteredOn(o -> o.rule().equals("idIsUuid")).singleElement()
                .satisfies(o -> {
                    assertThat(o.checked()).isEqualTo(2);
                    assertThat(o.failed()).isEqualTo(1);
                    assertThat(o.held()).isFalse();
                });
        assertThat(reported.get(topic)).filteredOn(o -> !o.rule().equals("idIsUuid"))
                .isNotEmpty().allSatisfy(o -> assertThat(o.held()).as(o.rule()).isTrue());
        ConsumerRecord<byte[], byte[]> dead = Topics.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("bad");
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("CONTRACT_VIOLATION");
        assertThat(header(dead, DeadLetterHeaders.VIOLATIONS)).contains("idIsUuid [id]");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
    }

    @Test
    void aRuleCheckedOnWriteIsNotCheckedAgainOnReadAndAReadRuleIsCheckedOnlyOnRead() throws Exception {
        String yaml = Files.readString(Path.of("../sdk-core/src/test/resources/contracts/orders.yaml"))
                .replace("retail.orders.placed.v1", topic)
                .replace("    format: uuid\n", "    format: uuid\n    mode: WRITE\n")
                .replace("    regex: \"^SKU-[A-Z]{3}-[0-9]{3}$\"\n",
                        "    regex: \"^SKU-[A-Z]{3}-[0-9]{3}$\"\n    mode: READ\n");
        contract = DataContract.parse(yaml, "orders.yaml", Path.of("../sdk-core/src/test/resources/contracts"));
        assertThat(contract.rules()).filteredOn(r -> r.mode() != RuleMode.WRITEREAD)
                .extracting(ContractRule::name, ContractRule::mode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("idIsUuid", RuleMode.WRITE),
                        org.assertj.core.groups.Tuple.tuple("skuPattern", RuleMode.READ));
        try (var producer = producer()) {
            GenericRecord badId = Contracts.validOrder(contract, "not-a-uuid");
            assertThatThrownBy(() -> producer.send(topic, "bad-id", badId).join())
                    .hasCauseInstanceOf(ContractViolationException.class).hasMessageContaining("idIsUuid");
            GenericRecord badSku = Contracts.validOrder(contract, UUID.randomUUID().toString());
            badSku.put("sku", "sku-lowercase");
            producer.send(topic, "bad-sku", badSku).join(); // a READ rule is not checked on write
        }
        try (var lenient = lenientProducer()) {
            lenient.send(topic, "bad-id", Contracts.validOrder(contract, "not-a-uuid")).join();
        }
        List<String> handled = keysHandledUntilTheFirst();
        assertThat(handled).containsExactly("bad-id"); // a WRITE rule is not checked again on read
        ConsumerRecord<byte[], byte[]> dead = Topics.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("bad-sku");
        assertThat(header(dead, DeadLetterHeaders.VIOLATIONS)).contains("skuPattern [sku]");
    }

    @Test
    void aFailingHandlerIsRetriedAndOnlyThenDeadLettered() {
        try (var producer = producer()) {
            producer.send(topic, "flaky", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
            producer.send(topic, "broken", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        AtomicInteger flakyCalls = new AtomicInteger();
        AtomicInteger brokenCalls = new AtomicInteger();
        List<String> handled = new ArrayList<>();
        var consumer = consumer(record -> {
            if (record.key().equals("flaky") && flakyCalls.incrementAndGet() < 3) {
                throw new java.io.IOException("payment service unavailable");
            }
            if (record.key().equals("broken")) {
                brokenCalls.incrementAndGet();
                throw new IllegalStateException("no payment method for this customer");
            }
            handled.add(record.key());
        }).retry(3, Duration.ofMillis(10)).build();
        try {
            pollUntil(consumer, () -> handled.size() >= 1 && brokenCalls.get() >= 3);
        } finally {
            consumer.close();
        }
        assertThat(flakyCalls).hasValue(3);
        assertThat(handled).containsExactly("flaky");
        assertThat(brokenCalls).hasValue(3);
        ConsumerRecord<byte[], byte[]> dead = Topics.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("HANDLER");
        assertThat(header(dead, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("no payment method for this customer");
    }

    @Test
    void exceptionsThatAreNotRetryableAreDeadLetteredAtOnce() {
        try (var producer = producer()) {
            producer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        AtomicInteger calls = new AtomicInteger();
        var consumer = consumer(record -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("malformed business data");
        }).retry(5, Duration.ofMillis(10)).retryOn(e -> !(e instanceof IllegalArgumentException)).build();
        try {
            pollUntil(consumer, () -> calls.get() > 0);
        } finally {
            consumer.close();
        }
        assertThat(calls).hasValue(1);
    }

    @Test
    void theConsumersFreshnessAndLagMetricsCarryTheContractsObjectiveForAlertRules() {
        try (var producer = producer()) {
            for (int i = 0; i < 10; i++) {
                producer.send(topic, "k-" + i, Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
            }
        }
        List<String> handled = new ArrayList<>();
        var lagSeen = new java.util.concurrent.atomic.AtomicLong(-1);
        var consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "payments-" + UUID.randomUUID(), "max.poll.records", 1,
                        "fetch.max.bytes", 1, "max.partition.fetch.bytes", 1))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(contract)
                .topics(topic).tenant("payments").openTelemetry(otel)
                .handler(record -> {
                    handled.add(record.key());
                    if (handled.size() == 1) { // behind by the records not yet fetched, as Kafka measured it
                        lagSeen.set(lag(metrics.collectAllMetrics()));
                    }
                }).build();
        try {
            pollUntil(consumer, () -> handled.size() == 10);
        } finally {
            consumer.close();
        }
        assertThat(lagSeen.get()).as("lag after the first record").isBetween(1L, 9L);
        var freshness = io.opentelemetry.api.common.AttributeKey.doubleKey("headwater.slo.freshness");
        var delay = metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("headwater.consumer.delay"))
                .findFirst().orElseThrow();
        assertThat(delay.getHistogramData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(freshness)).isEqualTo(300.0));
    }

    /** @return the lag gauge's value for the test's topic, with the objective attribute; -1 when absent */
    private long lag(java.util.Collection<io.opentelemetry.sdk.metrics.data.MetricData> data) {
        var freshness = io.opentelemetry.api.common.AttributeKey.doubleKey("headwater.slo.freshness");
        for (var metric : data) {
            if (metric.getName().equals("headwater.consumer.lag")) {
                for (var point : metric.getLongGaugeData().getPoints()) {
                    if (topic.equals(point.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(
                            "messaging.destination.name"))) && Double.valueOf(300.0).equals(point.getAttributes()
                            .get(freshness))) {
                        return point.getValue();
                    }
                }
            }
        }
        return -1;
    }

    @Test
    void lateRecordsAreMeasuredAgainstTheFreshnessObjective() {
        // in lineage format 2 a record's creation time is its Kafka timestamp
        var old = new ProducerRecord<String, GenericRecord>(topic, null,
                Instant.now().minus(Duration.ofHours(1)).toEpochMilli(), "late",
                Contracts.validOrder(contract, UUID.randomUUID().toString()));
        try (var producer = producer()) {
            producer.send(old).join();
            producer.send(topic, "fresh", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        List<String> handled = new ArrayList<>();
        var consumer = consumer(record -> handled.add(record.key())).build();
        try {
            pollUntil(consumer, () -> handled.size() >= 2);
        } finally {
            consumer.close();
        }
        var data = metrics.collectAllMetrics();
        var breaches = data.stream().filter(m -> m.getName().equals("headwater.consumer.freshness.breaches"))
                .findFirst().orElseThrow();
        assertThat(breaches.getLongSumData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));
        var delay = data.stream().filter(m -> m.getName().equals("headwater.consumer.delay")).findFirst()
                .orElseThrow();
        assertThat(delay.getHistogramData().getPoints()).singleElement()
                .satisfies(p -> {
                    assertThat(p.getCount()).isEqualTo(2);
                    assertThat(p.getMax()).isGreaterThan(3500);
                });
        var records = data.stream().filter(m -> m.getName().equals("headwater.consumer.records")).findFirst()
                .orElseThrow();
        assertThat(records.getLongSumData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isEqualTo(2));
    }

    @Test
    void stopOnErrorStopsEvenWhenTheContractHasADeadLetterTopic() {
        try (var producer = producer()) {
            producer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        var consumer = consumer(record -> {
            throw new IllegalStateException("payment service down");
        }).stopOnError().build();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pollUntil(consumer, () -> false))
                    .isInstanceOf(ConsumerStoppedException.class)
                    .hasMessageContaining("payment service down");
        } finally {
            consumer.close();
        }
        assertThat(Topics.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1, Duration.ofSeconds(2)))
                .isEmpty();
    }
}
