package dev.headwater.producer;

import static dev.headwater.support.Topics.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.SerdeException;
import dev.headwater.serde.WireFormat;
import dev.headwater.support.Contracts;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedProducerContractTest {

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
        kafka.createTopic(contract.deadLetterTopic(), 1, (short) 1);
    }

    private GovernedProducer<String, GenericRecord> producer(FailurePolicy policy) {
        return GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .schemaRegistry(registry.url())
                .contract(contract)
                .failurePolicy(policy)
                .application("orders-service", "1.4.0")
                .tenant("retail")
                .build();
    }

    @Test
    void aValidRecordIsSentInTheWireFormatUnderTheRegisteredContract() throws Exception {
        GenericRecord order = Contracts.validOrder(contract, UUID.randomUUID().toString());
        SendResult result;
        try (var producer = producer(FailurePolicy.PER_RULE)) {
            result = producer.send(topic, "k-1", order).join();
        }
        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);

        ConsumerRecord<byte[], byte[]> read = Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30))
                .get(0);
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        int id = WireFormat.schemaId(read.value());
        assertThat(client.schemaById(id).ruleSet().path("domainRules")).hasSize(10);
        assertThat(client.latest(contract.subject()).id()).isEqualTo(id);
        var reader = new AvroDeserializer<>(client, AvroSerdeConfig.builder().urls(registry.url()).build(), false);
        assertThat(reader.deserialize(topic, read.value())).isEqualTo(order);

        Lineage lineage = Topics.lineage(kafka.bootstrapServers(), read);
        assertThat(lineage.complete()).isTrue();
        assertThat(lineage.subject()).isEqualTo(contract.subject());
        assertThat(lineage.contractVersion()).isEqualTo("1.2.0");
        assertThat(lineage.schemaId()).isEqualTo(id);
        assertThat(lineage.owner()).isEqualTo("team-orders");
        assertThat(lineage.type()).isEqualTo("dev.headwater.samples.OrderPlaced");
        assertThat(lineage.dataSchema()).isEqualTo(registry.url() + "/schemas/ids/" + id);
    }

    @Test
    void aContractThatProtectsAFieldIsRefusedAtBuildWithoutKeysRatherThanWrittenInClear() throws Exception {
        String yaml = java.nio.file.Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1", topic)
                .replace("classification: pii}", "classification: pii, protect: encrypt}");
        contract = DataContract.parse(yaml, "orders.yaml", Contracts.ORDERS.toAbsolutePath().getParent());
        assertThatThrownBy(() -> producer(FailurePolicy.PER_RULE).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("protects [email (encrypt)]")
                .hasMessageContaining("nothing is written in clear instead");
    }

    @Test
    void anErrorRuleRefusesTheRecordWithEveryViolationAndSendsNothing() {
        GenericRecord order = Contracts.validOrder(contract, "not-a-uuid");
        order.put("amount", -1.0);
        order.put("quantity", 500);
        try (var producer = producer(FailurePolicy.PER_RULE)) {
            assertThatThrownBy(() -> producer.send(topic, "k-1", order).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(ContractViolationException.class, e -> {
                        assertThat(e.violations()).extracting(Violation::rule)
                                .containsExactly("idIsUuid", "amountInRange", "quantityInRange");
                        assertThat(e.getMessage()).contains(topic).contains("nothing was sent")
                                .contains("quantity must be at most 100");
                    });
        }
        assertThat(Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(2))).isEmpty();
        assertThat(Topics.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1, Duration.ofSeconds(1)))
                .isEmpty();
    }

    @Test
    void aDlqRuleDeadLettersTheRecordWithTheReasonsInItsHeaders() {
        GenericRecord order = Contracts.validOrder(contract, UUID.randomUUID().toString());
        order.put("currency", "XXY");
        order.put("email", "jane.doe-at-example.com");
        SendResult result;
        try (var producer = producer(FailurePolicy.PER_RULE)) {
            result = producer.send(topic, "k-2", order).join();
        }
        assertThat(result.deadLettered()).isTrue();
        assertThat(result.topic()).isEqualTo(contract.deadLetterTopic());

        ConsumerRecord<byte[], byte[]> dead = Topics.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(new String(dead.key())).isEqualTo("k-2");
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("CONTRACT_VIOLATION");
        assertThat(header(dead, DeadLetterHeaders.RULES)).isEqualTo("currencyIsIso,emailFormat");
        assertThat(header(dead, DeadLetterHeaders.VIOLATIONS)).contains("currencyIsIso [currency]")
                .contains("(value: XXY)").contains("emailFormat [email]: email must be an email address (value: ***)")
                .doesNotContain("jane.doe-at-example.com");
        assertThat(header(dead, DeadLetterHeaders.CONTRACT)).isEqualTo(contract.subject() + "@1.2.0");
        assertThat(header(dead, DeadLetterHeaders.APPLICATION)).isEqualTo("orders-service");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
        assertThat(header(dead, DeadLetterHeaders.TIME)).isNotBlank();
        assertThat(Topics.lineage(kafka.bootstrapServers(), dead).eventId()).isEqualTo(result.eventId());
        assertThat(WireFormat.schemaId(dead.value())).isPositive();
        assertThat(Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void theFailurePolicyOverridesWhatTheRulesSay() {
        GenericRecord dlqRuleBroken = Contracts.validOrder(contract, UUID.randomUUID().toString());
        dlqRuleBroken.put("currency", "XXY");
        try (var producer = producer(FailurePolicy.ERROR)) {
            assertThatThrownBy(() -> producer.send(topic, "k", dlqRuleBroken).join())
                    .hasCauseInstanceOf(ContractViolationException.class);
        }
        GenericRecord errorRuleBroken = Contracts.validOrder(contract, "not-a-uuid");
        try (var producer = producer(FailurePolicy.DLQ)) {
            assertThat(producer.send(topic, "k", errorRuleBroken).join().deadLettered()).isTrue();
        }
    }

    @Test
    void aValueThatCannotBeSerializedFailsTheFutureNamingTheTopic() {
        GenericRecord wrong = new GenericData.Record(contract.schema());
        try (var producer = producer(FailurePolicy.DLQ)) {
            assertThatThrownBy(() -> producer.send(topic, "k", wrong).join())
                    .hasCauseInstanceOf(SerdeException.class)
                    .cause().hasMessageContaining(topic).hasMessageContaining("Nothing was sent");
        }
    }

    @Test
    void transactionsCommitOrAbortGovernedRecords() throws Exception {
        try (var producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "transactional.id", "orders-tx-" + UUID.randomUUID()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .application("orders-service", "1.4.0").build()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(topic, "aborted", Contracts.validOrder(contract, UUID.randomUUID().toString()));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(topic, "committed", Contracts.validOrder(contract, UUID.randomUUID().toString()));
            producer.commitTransaction();
        }
        List<String> keys = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "tx-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (keys.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(new String(r.key())));
            }
        }
        assertThat(keys).containsExactly("committed");
    }

    @Test
    void aDlqContractWithoutADeadLetterTopicIsRefusedWhenBuilt() throws Exception {
        String yaml = java.nio.file.Files.readString(Contracts.ORDERS).replace("deadLetterTopic: "
                + "retail.orders.placed.v1.dlq\n", "");
        assertThatThrownBy(() -> DataContract.parse(yaml, "orders.yaml",
                Contracts.ORDERS.toAbsolutePath().getParent()))
                .hasMessageContaining("onFailure is DLQ but the contract has no 'deadLetterTopic'");
    }
}
