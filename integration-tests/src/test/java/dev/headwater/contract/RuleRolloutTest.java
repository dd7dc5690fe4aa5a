package dev.headwater.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.GovernedRecord;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.support.Contracts;
import dev.headwater.support.Polling;
import dev.headwater.support.TestTelemetry;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rules rolled out observe-first, on the in-process cluster: an observed rule lets every record through and counts
 * each one that breaks it; the same rule enforced (by the platform's override, or in another environment) refuses
 * them; a rule added to a live contract starts observed.
 */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class RuleRolloutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<String> RULE = AttributeKey.stringKey("headwater.rule");
    private static final AttributeKey<String> WOULD = AttributeKey.stringKey("headwater.rule.would");
    private static final AttributeKey<String> SIDE = AttributeKey.stringKey("headwater.rule.side");
    private static final AttributeKey<String> APPLICATION = AttributeKey.stringKey("headwater.application");

    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk otel;
    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private String topic;

    @BeforeEach
    void setUp(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
        otel = TestTelemetry.sdk(null, metrics);
        topic = Topics.unique("retail.orders.rollout");
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(topic + ".dlq", 1, (short) 1);
    }

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    /** The orders contract of this test's topic, with its YAML changed first. */
    private DataContract contract(UnaryOperator<String> change) {
        try {
            String yaml = Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1", topic);
            return DataContract.parse(change.apply(yaml), "orders.yaml",
                    Contracts.ORDERS.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Declares amountInRange's enforcement. */
    private static UnaryOperator<String> amountRule(String enforcement) {
        return yaml -> yaml.replace("    min: 0.01\n    max: 100000\n", "    min: 0.01\n    max: 100000\n"
                + "    enforcement: " + enforcement + "\n");
    }

    private GovernedProducer<String, GenericRecord> producer(DataContract contract,
            Consumer<GovernedProducer.Builder<String, GenericRecord>> more) {
        var builder = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .failurePolicy(FailurePolicy.PER_RULE).application("orders-service", "1.4.0").tenant("retail")
                .openTelemetry(otel);
        more.accept(builder);
        return builder.build();
    }

    /**
     * Sends {@code valid} valid orders and {@code bad} orders of amount -1 (breaking amountInRange only), bad ones
     * first; returns the outcomes: a send result's outcome, or the exception a refusal completed with.
     */
    private List<Object> sendMixed(GovernedProducer<String, GenericRecord> producer, DataContract contract,
            int valid, int bad) {
        List<Object> outcomes = new ArrayList<>();
        for (int i = 0; i < valid + bad; i++) {
            GenericRecord order = Contracts.validOrder(contract, UUID.randomUUID().toString());
            if (i < bad) {
                order.put("amount", -1.0);
            }
            try {
                outcomes.add(producer.send(topic, "k-" + i, order).join().outcome());
            } catch (CompletionException e) {
                outcomes.add(e.getCause());
            }
        }
        return outcomes;
    }

    private long observed(String rule, String would, String side) {
        long total = 0;
        for (MetricData metric : metrics.collectAllMetrics()) {
            if (!metric.getName().equals("headwater.contract.violations.observed")) {
                continue;
            }
            for (LongPointData point : metric.getLongSumData().getPoints()) {
                if (rule.equals(point.getAttributes().get(RULE)) && would.equals(point.getAttributes().get(WOULD))
                        && side.equals(point.getAttributes().get(SIDE))) {
                    total += point.getValue();
                }
            }
        }
        return total;
    }

    @Test
    void anObservedRuleLetsEveryRecordThroughAndCountsEachRecordThatBreaksIt() {
        DataContract contract = contract(amountRule("observe"));
        List<Object> outcomes;
        try (var producer = producer(contract, b -> { })) {
            outcomes = sendMixed(producer, contract, 7, 5);
        }
        assertThat(outcomes).hasSize(12).containsOnly(SendResult.Outcome.SENT);
        assertThat(observed("amountInRange", "refuse", "write")).isEqualTo(5);
        assertThat(Topics.read(kafka.bootstrapServers(), topic, 12, Duration.ofSeconds(30))).hasSize(12);
    }

    @Test
    void theSameRuleEnforcedByThePlatformsOverrideRefusesThoseRecords() {
        DataContract contract = contract(amountRule("observe"));
        List<Object> outcomes;
        try (var producer = producer(contract, b -> b.ruleEnforcement("amountInRange", Enforcement.ENFORCE))) {
            outcomes = sendMixed(producer, contract, 7, 5);
        }
        assertThat(outcomes.stream().filter(o -> o == SendResult.Outcome.SENT)).hasSize(7);
        assertThat(outcomes.stream().filter(ContractViolationException.class::isInstance)).hasSize(5)
                .allSatisfy(e -> assertThat(((ContractViolationException) e).violations())
                        .extracting(Violation::rule).containsExactly("amountInRange"));
        assertThat(observed("amountInRange", "refuse", "write")).isZero();
    }

    @Test
    void aRuleObservedInProdAndEnforcedInTestIsEnforcedAsTheClientsEnvironmentSays() {
        DataContract contract = contract(amountRule("{prod: observe, test: enforce}"));
        try (var inProd = producer(contract, b -> b.environment("prod"))) {
            assertThat(sendMixed(inProd, contract, 1, 2)).containsOnly(SendResult.Outcome.SENT);
        }
        try (var inTest = producer(contract, b -> b.environment("test"))) {
            assertThat(sendMixed(inTest, contract, 1, 2)).filteredOn(ContractViolationException.class::isInstance)
                    .hasSize(2);
        }
        assertThat(observed("amountInRange", "refuse", "write")).isEqualTo(2);
    }

    @Test
    void aRulePromotedToEnforceInTheNextContractVersionRefusesWhatItOnlyCountedBefore() {
        DataContract observing = contract(amountRule("observe"));
        try (var producer = producer(observing, b -> { })) {
            assertThat(sendMixed(producer, observing, 1, 2)).containsOnly(SendResult.Outcome.SENT);
        }
        DataContract promoted = contract(amountRule("enforce").andThen(yaml -> yaml.replace("version: 1.2.0",
                "version: 1.3.0"))::apply);
        try (var producer = producer(promoted, b -> { })) {
            assertThat(sendMixed(producer, promoted, 1, 2)).filteredOn(ContractViolationException.class::isInstance)
                    .hasSize(2);
        }
        assertThat(observed("amountInRange", "refuse", "write")).isEqualTo(2); // counted before, refused after
        var changes = dev.headwater.pipeline.ContractEvolution.compare(observing, promoted).changes();
        assertThat(changes).anySatisfy(change -> {
            assertThat(change.kind()).isEqualTo(dev.headwater.pipeline.EvolutionReport.Kind.RULE_ENFORCED);
            assertThat(change.description()).contains("promoted from observe to enforce");
        });
    }

    @Test
    void theFirstViolatingRecordsOfAPeriodAreSampledAsPointersToTheTopicTheContractNames() throws Exception {
        String samples = topic + ".observed";
        kafka.createTopic(samples, 1, (short) 1);
        DataContract contract = contract(amountRule("observe").andThen(yaml -> yaml
                + "observe: {sample: 3, period: PT1H, topic: " + samples + "}\n")::apply);
        try (var producer = producer(contract, b -> { })) {
            assertThat(sendMixed(producer, contract, 0, 5)).containsOnly(SendResult.Outcome.SENT);
        }
        List<ConsumerRecord<byte[], byte[]>> sent = Topics.read(kafka.bootstrapServers(), topic, 5,
                Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> sampled = Topics.read(kafka.bootstrapServers(), samples, 3,
                Duration.ofSeconds(30));
        assertThat(sampled).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode pointer = JSON.readTree(sampled.get(i).value());
            assertThat(pointer.path("topic").asText()).isEqualTo(topic);
            assertThat(pointer.path("eventId").asText())
                    .isEqualTo(dev.headwater.lineage.Lineage.eventIdOf(sent.get(i).headers()).orElseThrow());
            assertThat(pointer.path("violations").get(0).path("rule").asText()).isEqualTo("amountInRange");
            assertThat(pointer.path("application").asText()).isEqualTo("orders-service");
        }
        // the count goes on past the samples
        assertThat(observed("amountInRange", "refuse", "write")).isEqualTo(5);
        assertThat(Topics.read(kafka.bootstrapServers(), samples, 4, Duration.ofSeconds(3))).hasSize(3);
    }

    @Test
    void aRuleAddedToALiveContractStartsObservedAndOneSaidToBeEnforcedIsEnforcedAtOnce() {
        DataContract first = contract(UnaryOperator.identity());
        try (var producer = producer(first, b -> { })) {
            assertThat(sendMixed(producer, first, 1, 0)).containsOnly(SendResult.Outcome.SENT);
        }
        String newRules = "  - name: quantityAtLeast4\n    field: quantity\n    min: 4\n"
                + "  - name: customerShort\n    field: customer\n    maxLength: 5\n    enforcement: enforce\n";
        DataContract second = contract(yaml -> yaml.replace("version: 1.2.0", "version: 1.3.0") + newRules);
        List<Object> outcomes = new ArrayList<>();
        try (var producer = producer(second, b -> { })) {
            GenericRecord smallQuantity = Contracts.validOrder(second, UUID.randomUUID().toString());
            smallQuantity.put("customer", "c-42");
            outcomes.add(producer.send(topic, "q", smallQuantity).join().outcome()); // breaks quantityAtLeast4 (3)
            GenericRecord longCustomer = Contracts.validOrder(second, UUID.randomUUID().toString());
            longCustomer.put("quantity", 4); // customer-42 breaks customerShort, enforced as its contract says
            assertThatThrownBy(() -> producer.send(topic, "s", longCustomer).join()).cause()
                    .isInstanceOfSatisfying(ContractViolationException.class, e -> assertThat(e.violations())
                            .extracting(Violation::rule).containsExactly("customerShort"));
        }
        assertThat(outcomes).containsExactly(SendResult.Outcome.SENT);
        assertThat(observed("quantityAtLeast4", "refuse", "write")).isEqualTo(1);

        DataContract live = DataContract.fromRegistry(SchemaRegistryClient.builder().urls(registry.url()).build()
                .latest(second.subject()));
        assertThat(live.version()).isEqualTo("1.3.0");
        assertThat(live.rule("quantityAtLeast4").orElseThrow().enforcement()).isEqualTo(RuleEnforcement.OBSERVED);
        // enforced everywhere is registered as a rule that says nothing: what an unset rule already live means
        assertThat(live.rule("customerShort").orElseThrow().enforcement().in("prod")).isEqualTo(Enforcement.ENFORCE);
        assertThat(live.rule("amountInRange").orElseThrow().enforcement().in("prod")).isEqualTo(Enforcement.ENFORCE);
    }

    @Test
    void theRolloutReportSaysPerRuleHowManyRecordsEnforcingItWouldHaveRefusedByProducer(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.time.Instant from = java.time.Instant.now().minusSeconds(1);
        DataContract observedAmounts = contract(amountRule("observe").andThen(yaml -> yaml.replace(
                "    format: email\n    onFailure: DLQ\n", "    format: email\n    onFailure: DLQ\n"
                        + "    enforcement: observe\n"))::apply);
        try (var orders = producer(observedAmounts, b -> b.environment("prod"))) {
            sendMixed(orders, observedAmounts, 2, 4);
            GenericRecord badEmail = Contracts.validOrder(observedAmounts, UUID.randomUUID().toString());
            badEmail.put("email", "not-an-email");
            orders.send(topic, "e", badEmail).join();
        }
        try (var checkout = producer(observedAmounts, b -> b.application("checkout", "3.1.0").environment("prod"))) {
            sendMixed(checkout, observedAmounts, 0, 3);
        }
        java.nio.file.Path file = dir.resolve("metrics.jsonl");
        try (var out = Files.newOutputStream(file)) {
            io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler
                    .create(metrics.collectAllMetrics()).writeJsonTo(out);
            out.write('\n');
        }
        var report = dev.headwater.pipeline.usage.RolloutReport.fromMetrics(List.of(file), from,
                java.time.Instant.now().plusSeconds(1));

        var amounts = report.rule(observedAmounts.subject(), "amountInRange", "write").orElseThrow();
        assertThat(amounts.wouldRefuse()).isEqualTo(7);
        assertThat(amounts.wouldDeadLetter()).isZero();
        assertThat(amounts.byApplication()).extracting(a -> a.application() + "@" + a.version() + " in "
                + a.environment() + ": " + a.wouldRefuse())
                .containsExactly("orders-service@1.4.0 in prod: 4", "checkout@3.1.0 in prod: 3");
        var emails = report.rule(observedAmounts.subject(), "emailFormat", "write").orElseThrow();
        assertThat(emails.wouldDeadLetter()).isEqualTo(1); // its onFailure is DLQ
        assertThat(emails.wouldRefuse()).isZero();
        assertThat(report.rules().get(0).rule()).isEqualTo("amountInRange");
        assertThat(report.toText()).contains("amountInRange").contains("checkout").contains("would refuse");
        assertThat(report.toCsv()).contains(observedAmounts.subject() + ",amountInRange,write,checkout,3.1.0,prod,3,0");
    }

    @Test
    void aConsumerObservingAReadRuleHandlesTheRecordsThatBreakItAndCountsThemAgainstItsGroup() {
        DataContract lenient = contract(amountRule("observe"));
        try (var producer = producer(lenient, b -> { })) {
            assertThat(sendMixed(producer, lenient, 2, 2)).containsOnly(SendResult.Outcome.SENT);
        }
        List<GovernedRecord<String, GenericRecord>> handled = new ArrayList<>();
        var consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "payments-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(lenient)
                .topics(topic).tenant("payments").application("payments-service", "2.0.0").openTelemetry(otel)
                .handler(handled::add).build();
        try {
            Polling.pollUntil(consumer, () -> handled.size() == 4, Duration.ofSeconds(30));
        } finally {
            consumer.close();
        }
        assertThat(handled).hasSize(4);
        assertThat(observed("amountInRange", "dead_letter", "read")).isEqualTo(2);
        assertThat(Topics.read(kafka.bootstrapServers(), topic + ".dlq", 1, Duration.ofSeconds(3))).isEmpty();
    }
}
