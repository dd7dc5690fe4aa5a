package dev.headwater.producer;

import static dev.headwater.support.Topics.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.contract.DataContract;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.support.Contracts;
import dev.headwater.support.TestTelemetry;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain KafkaProducer gains the governed producer's governance by changing its properties only. */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedSerializerTest {

    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private String topic;
    private DataContract contract;
    private Path contractFile;

    @BeforeEach
    void setUp(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry, @TempDir Path dir) throws Exception {
        this.kafka = kafka;
        this.registry = registry;
        this.topic = Topics.unique("retail.orders.placed");
        this.contract = Contracts.orders(topic);
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(contract.deadLetterTopic(), 1, (short) 1);
        // the contract as a team keeps it: a YAML file with its schema file beside it
        this.contractFile = dir.resolve("orders.yaml");
        Files.writeString(contractFile, Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1", topic));
        Files.copy(Contracts.ORDERS.resolveSibling("orders.avsc"), dir.resolve("orders.avsc"));
    }

    /** What a team adds to its producer's properties; nothing else changes. */
    private Map<String, Object> properties(Object openTelemetry) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", GovernedSerializer.class.getName(),
                "schema.registry.url", registry.url(),
                "headwater.application.name", "orders-service",
                "headwater.application.version", "3.1.0",
                "headwater.tenant", "retail",
                "headwater.contract.file", contractFile.toString()));
        if (openTelemetry != null) {
            properties.put(GovernedSerializer.OPENTELEMETRY, openTelemetry);
        }
        return properties;
    }

    @Test
    void aPlainProducerWritesGovernedRecordsWithLineageAndTraceContext() throws Exception {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        String traceId;
        try (var otel = TestTelemetry.sdk(spans, null);
                KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(properties(otel))) {
            producer.send(new ProducerRecord<>(topic, "k-1", Contracts.validOrder(contract,
                    UUID.randomUUID().toString()))).get();
            traceId = spans.getFinishedSpanItems().get(0).getTraceId();
        }
        ConsumerRecord<byte[], byte[]> read = Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30))
                .get(0);
        assertThat(read.value()[0]).as("Confluent wire format").isZero();
        Lineage lineage = Topics.lineage(kafka.bootstrapServers(), read);
        assertThat(lineage.application()).isEqualTo("orders-service");
        assertThat(lineage.applicationVersion()).isEqualTo("3.1.0");
        assertThat(lineage.contractVersion()).isEqualTo("1.2.0");
        assertThat(header(read, "traceparent")).contains(traceId);
    }

    @Test
    void aValueBreakingAnErrorRuleFailsTheSendAndNothingIsSent() {
        GenericRecord order = Contracts.validOrder(contract, "not-a-uuid");
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(properties(null))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k-2", order)))
                    .isInstanceOfSatisfying(ContractRefusedException.class, e -> {
                        assertThat(e).isInstanceOf(SerializationException.class);
                        assertThat(e.violations()).extracting(v -> v.rule()).containsExactly("idIsUuid");
                        assertThat(e.getMessage()).contains("idIsUuid [id]").contains(topic);
                    });
        }
        assertThat(Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void aValueBreakingOnlyDlqRulesIsDeadLetteredWithTheGovernedProducersHeadersAndTheSendSaysSo() {
        GenericRecord order = Contracts.validOrder(contract, UUID.randomUUID().toString());
        order.put("currency", "XXY");
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(properties(null))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k-3", order)))
                    .isInstanceOfSatisfying(RecordDeadLetteredException.class, e -> {
                        assertThat(e.deadLetterTopic()).isEqualTo(contract.deadLetterTopic());
                        assertThat(e.topic()).isEqualTo(topic);
                        assertThat(e.offset()).isNotNegative();
                    });
        }
        ConsumerRecord<byte[], byte[]> dead = Topics.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1,
                Duration.ofSeconds(30)).get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("CONTRACT_VIOLATION");
        assertThat(header(dead, DeadLetterHeaders.RULES)).isEqualTo("currencyIsIso");
        assertThat(header(dead, DeadLetterHeaders.CONTRACT)).isEqualTo(contract.subject() + "@1.2.0");
        assertThat(header(dead, DeadLetterHeaders.APPLICATION)).isEqualTo("orders-service");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
        assertThat(Topics.lineage(kafka.bootstrapServers(), dead).application()).isEqualTo("orders-service");
        assertThat(Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void aGovernedProducerServesWhereAKafkaProducerIsExpected() throws Exception {
        try (GovernedProducer<String, GenericRecord> governed = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .application("orders-service", "3.1.0").build()) {
            org.apache.kafka.clients.producer.Producer<String, GenericRecord> producer = governed.asProducer();
            var sent = producer.send(new ProducerRecord<>(topic, "k-4", Contracts.validOrder(contract,
                    UUID.randomUUID().toString()))).get();
            assertThat(sent.topic()).isEqualTo(topic);

            GenericRecord deadLetter = Contracts.validOrder(contract, UUID.randomUUID().toString());
            deadLetter.put("currency", "XXY");
            var callbackTopic = new java.util.concurrent.CompletableFuture<String>();
            var metadata = producer.send(new ProducerRecord<>(topic, "k-5", deadLetter),
                    (m, e) -> callbackTopic.complete(m.topic())).get();
            assertThat(metadata.topic()).as("a dead-lettered send names the dead-letter topic")
                    .isEqualTo(contract.deadLetterTopic());
            assertThat(callbackTopic.get()).isEqualTo(contract.deadLetterTopic());

            var refused = new java.util.concurrent.CompletableFuture<Exception>();
            var future = producer.send(new ProducerRecord<>(topic, "k-6", Contracts.validOrder(contract, "bad")),
                    (m, e) -> refused.complete(e));
            assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(dev.headwater.contract.ContractViolationException.class);
            assertThat(refused.get()).isInstanceOf(dev.headwater.contract.ContractViolationException.class);
            assertThat(producer.partitionsFor(topic)).hasSize(1);
            assertThat(producer.metrics()).isNotEmpty();
        }
    }

    @Test
    void oneSerializerGovernsEachTopicByTheContractThatListsIt() throws Exception {
        String payments = Topics.unique("retail.payments.requested");
        kafka.createTopic(payments, 1, (short) 1);
        Path paymentsFile = contractFile.resolveSibling("payments.yaml");
        Files.writeString(paymentsFile, """
                subject: %s-value
                topics: [%s]
                version: 2.0.0
                owner: {team: team-payments, contact: payments@example.com}
                schema: |
                  {"type":"record","name":"PaymentRequested","namespace":"dev.headwater.test","fields":[
                    {"name":"orderId","type":"string"},{"name":"amount","type":"double"}]}
                rules:
                  - {name: amountPositive, field: amount, min: 0.01, onFailure: ERROR}
                """.formatted(payments, payments));
        DataContract paymentsContract = DataContract.load(paymentsFile);
        Map<String, Object> properties = properties(null);
        properties.put("headwater.contract.file", contractFile + ", " + paymentsFile);

        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(properties)) {
            producer.send(new ProducerRecord<>(topic, "o-1", Contracts.validOrder(contract,
                    UUID.randomUUID().toString()))).get();
            GenericRecord payment = new org.apache.avro.generic.GenericData.Record(paymentsContract.schema());
            payment.put("orderId", "o-1");
            payment.put("amount", 129.95);
            producer.send(new ProducerRecord<>(payments, "o-1", payment)).get();

            payment.put("amount", 0.0);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(payments, "o-2", payment)))
                    .isInstanceOfSatisfying(ContractRefusedException.class, e -> assertThat(e.violations())
                            .extracting(v -> v.rule()).containsExactly("amountPositive"));
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("retail.elsewhere.v1", "o-3", payment)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("No contract governs topic 'retail.elsewhere.v1'")
                    .hasMessageContaining(payments + "-value lists [" + payments + "]");
        }
        ConsumerRecord<byte[], byte[]> paid = Topics.read(kafka.bootstrapServers(), payments, 1,
                Duration.ofSeconds(30)).get(0);
        Lineage lineage = Topics.lineage(kafka.bootstrapServers(), paid);
        assertThat(lineage.subject()).isEqualTo(payments + "-value");
        assertThat(lineage.contractVersion()).isEqualTo("2.0.0");
        assertThat(Topics.lineage(kafka.bootstrapServers(), Topics.read(kafka.bootstrapServers(), topic, 1,
                Duration.ofSeconds(30)).get(0)).subject()).isEqualTo(contract.subject());

        assertThatThrownBy(() -> GovernedProducer.fromProperties(properties, new StringSerializer(), null))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("headwater.contract.file")
                .hasMessageContaining("one producer per contract, or GovernedSerializer");
    }
}
