package dev.headwater.protection;

import dev.headwater.SharedResources;
import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.GovernedRecord;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.GovernedSerializer;
import dev.headwater.protection.internal.FieldProtector;
import dev.headwater.protection.tink.CryptoShredding;
import dev.headwater.protection.tink.KeyService;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import dev.headwater.support.Contracts;
import dev.headwater.support.Polling;
import dev.headwater.support.TestTelemetry;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import dev.headwater.testkit.contract.ProtectedFields;
import com.google.crypto.tink.prf.PrfSet;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fields a contract protects, end to end through a real broker: sealed where they are born, never in clear on disk,
 * opened by consumers with the key, masked for the others, readable across a key rotation, retried through a key
 * service outage.
 */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class ProtectedFieldsTest {

    private static final String MASTER = System.getenv("HEADWATER_TEST_MASTER_KEY");
    private static final int RECORDS = 20;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk otel;
    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private String topic;
    private DataContract contract;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path directory;

    @BeforeEach
    void setUp(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry) throws IOException {
        this.kafka = kafka;
        this.registry = registry;
        otel = TestTelemetry.sdk(spans, metrics);
        topic = Topics.unique("retail.orders.protected");
        String yaml = Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1", topic)
                .replace("email: {doc: \"Customer's email address\", classification: pii}",
                        "email: {doc: \"Customer's email address\", classification: pii, protect: encrypt, "
                        + "mask: \"redacted\"}")
                .replace("fields:\n", "fields:\n  customer: {doc: \"Customer id\", classification: pii, "
                        + "protect: token}\n");
        contract = DataContract.parse(yaml, "orders.yaml", Contracts.ORDERS.toAbsolutePath().getParent());
        assertThat(FieldProtector.of(contract, FieldProtection.NONE).describe())
                .containsExactlyInAnyOrder("email (encrypt)", "customer (token)");
        kafka.createTopic(topic, 1, (short) 1);
    }

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    private String email(int i) {
        return "p" + run + "-" + i + "@example.com";
    }

    private String customer(int i) {
        return "cust" + run + "-" + i;
    }

    private GenericRecord order(int i) {
        GenericRecord order = Contracts.validOrder(contract, UUID.randomUUID().toString());
        order.put("email", email(i));
        order.put("customer", customer(i));
        return order;
    }

    private GovernedProducer<String, GenericRecord> producer(FieldProtection protection) {
        return GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .failurePolicy(FailurePolicy.PER_RULE).application("orders-service", "1.4.0").tenant("retail")
                .fieldProtection(protection).openTelemetry(otel).sharedResources(SharedResources.create()).build();
    }

    /** Reads the topic with a governed consumer until every record is handled; returns them in order. */
    private List<GovernedRecord<String, GenericRecord>> readAll(FieldProtection protection, int expected) {
        List<GovernedRecord<String, GenericRecord>> handled = new ArrayList<>();
        var consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "payments-" + UUID.randomUUID(), "auto.offset.reset", "earliest"))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(contract)
                .topics(topic).tenant("payments").openTelemetry(otel).fieldProtection(protection)
                .handler(handled::add).build();
        try {
            Polling.pollUntil(consumer, () -> handled.size() >= expected, Duration.ofSeconds(60));
        } finally {
            consumer.close();
        }
        assertThat(handled).as("records handled").hasSize(expected);
        return handled;
    }

    private Path keysFile;

    private LocalKeyStore keyStore() {
        keysFile = directory.resolve("keys-" + UUID.randomUUID() + ".json");
        return LocalKeyStore.create(keysFile, MASTER);
    }

    @Test
    void protectedValuesAreNeverInClearOnDiskAndAReaderWithTheKeyReadsExactlyWhatWasSentAcrossARotation()
            throws Exception {
        LocalKeyStore keys = keyStore();
        // asks the key store before every record whether its key rotated, so the rotation takes effect at once
        TinkFieldProtection protection = new TinkFieldProtection(keys, Duration.ofHours(1), Duration.ZERO, false);
        try (var producer = producer(protection)) {
            for (int i = 0; i < RECORDS; i++) {
                if (i == RECORDS / 2) {
                    keys.rotate();
                }
                producer.send(topic, "order-" + i, order(i)).join();
            }
        }

        Set<String> clear = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
            clear.add(email(i));
            clear.add(customer(i));
        }
        assertThat(clearValuesOnDisk(clear)).as("clear values of protected fields in the brokers' files").isEmpty();
        assertThat(clearValuesOnDisk(Set.of("SKU-ABC-123"))).as("the scan reads the log segments").isNotEmpty();
        assertThat(ProtectedFields.assertNoneInClear(kafka.bootstrapServers(), registry.url(), contract, topic, clear))
                .as("records checked by the testkit").isEqualTo(RECORDS);

        List<GovernedRecord<String, GenericRecord>> read = readAll(protection, RECORDS);
        Set<ByteBuffer> dataKeys = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
            GenericRecord value = read.get(i).value();
            assertThat(value.get("email").toString()).isEqualTo(email(i));
            assertThat(value.get("customer").toString()).isEqualTo(protection.token(customer(i),
                    FieldProtector.associatedData(contract.subject(), "customer")))
                    .isNotEqualTo(customer(i));
            dataKeys.add(ByteBuffer.wrap(read.get(i).headers().lastHeader(FieldProtection.KEY_HEADER)
                    .value()));
        }
        assertThat(dataKeys).as("data keys: one before the rotation, one after").hasSize(2);
        assertThat(keys.keyEncryptionKeyCount()).isEqualTo(2);
        assertThat(maskedFields()).isZero();
    }

    @Test
    void aReaderWithoutTheKeyReadsTheMasksIsCountedAndNothingIsDeadLettered() {
        try (var producer = producer(TinkFieldProtection.of(keyStore()))) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(topic, "order-" + i, order(i)).join();
            }
        }
        // a reader with a key store of its own, and one with no keys at all
        for (FieldProtection reader : List.of(TinkFieldProtection.of(keyStore()), FieldProtection.NONE)) {
            for (GovernedRecord<String, GenericRecord> record : readAll(reader, RECORDS)) {
                assertThat(record.value().get("email").toString()).isEqualTo("redacted");
                assertThat(record.value().get("customer").toString()).hasSize(22).doesNotContain("cust");
            }
        }
        assertThat(maskedFields()).isEqualTo(2L * RECORDS);
        assertThat(endOffset(contract.deadLetterTopic())).as("dead letters").isZero();
    }

    @Test
    void whenTheKeyServiceIsDownRecordsAreReadAgainNeverDeadLettered() {
        LocalKeyStore keys = keyStore();
        try (var producer = producer(TinkFieldProtection.of(keys))) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(topic, "order-" + i, order(i)).join();
            }
        }
        FlakyKeys flaky = new FlakyKeys(keys, 3);
        List<GovernedRecord<String, GenericRecord>> read = readAll(TinkFieldProtection.of(flaky), RECORDS);

        assertThat(flaky.refused.get()).isEqualTo(3);
        for (int i = 0; i < RECORDS; i++) {
            assertThat(read.get(i).value().get("email").toString()).isEqualTo(email(i));
        }
        // the records of a poll are prepared together: the three refusals may fall in one poll, read again once
        assertThat(sum("headwater.consumer.transient.retries")).isGreaterThanOrEqualTo(1);
        assertThat(maskedFields()).isZero();
        assertThat(endOffset(contract.deadLetterTopic())).as("dead letters").isZero();
    }

    @Test
    void aPlainProducerWithTheGovernedSerializerSealsFromItsSettingsAlone() throws Exception {
        Path file = directory.resolve("serializer-keys.json");
        LocalKeyStore keys = LocalKeyStore.create(file, MASTER);
        Path contractFile = directory.resolve("orders.yaml");
        Files.writeString(contractFile, Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1", topic)
                .replace("email: {doc: \"Customer's email address\", classification: pii}",
                        "email: {doc: \"Customer's email address\", classification: pii, protect: encrypt, "
                        + "mask: \"redacted\"}")
                .replace("fields:\n", "fields:\n  customer: {doc: \"Customer id\", classification: pii, "
                        + "protect: token}\n")
                .replace("schemaFile: orders.avsc", "schemaFile: "
                        + Contracts.ORDERS.toAbsolutePath().getParent().resolve("orders.avsc")));
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("key.serializer", StringSerializer.class);
        settings.put("value.serializer", GovernedSerializer.class);
        settings.put("schema.registry.url", registry.url());
        settings.put("headwater.application.name", "orders-batch");
        settings.put("headwater.contract.file", contractFile.toString());
        settings.put("headwater.protection.keystore", file.toString());
        settings.put("headwater.protection.master.key.env", "HEADWATER_TEST_MASTER_KEY");
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(settings)) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, "order-" + i, order(i))).get();
            }
        }
        assertThat(clearValuesOnDisk(Set.of(email(0), email(1), email(2), customer(0)))).isEmpty();
        List<GovernedRecord<String, GenericRecord>> read = readAll(TinkFieldProtection.of(keys), 3);
        assertThat(read).extracting(r -> r.value().get("email").toString())
                .containsExactly(email(0), email(1), email(2));

        settings.remove("headwater.protection.keystore");
        settings.remove("headwater.protection.master.key.env");
        assertThatThrownBy(() -> new KafkaProducer<>(settings).close())
                .hasStackTraceContaining("nothing is written in clear instead");
    }

    @Test
    void theInterceptorOpensWithItsKeysAndWhenTheKeyStoreCannotBeReadPassesTheRecordSealedAndSaysWhy()
            throws Exception {
        LocalKeyStore keys = keyStore();
        try (var producer = producer(TinkFieldProtection.of(keys))) {
            for (int i = 0; i < 2; i++) {
                producer.send(topic, "order-" + i, order(i)).join();
            }
        }
        Path contractFile = directory.resolve("interceptor-orders.yaml");
        Files.writeString(contractFile, yamlOf(contract).replace("schemaFile: orders.avsc", "schemaFile: "
                + Contracts.ORDERS.toAbsolutePath().getParent().resolve("orders.avsc")));
        for (boolean storeReadable : new boolean[] {true, false}) {
            Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "group.id", "plain-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
                    "interceptor.classes", dev.headwater.consumer.GovernedConsumerInterceptor.class.getName(),
                    "headwater.contract.file", contractFile.toString(),
                    "headwater.protection.keystore", keysFile.toString(),
                    "headwater.protection.master.key.env", "HEADWATER_TEST_MASTER_KEY"));
            Path moved = directory.resolve("moved-keys.json");
            List<org.apache.kafka.clients.consumer.ConsumerRecord<String, Object>> records = new ArrayList<>();
            var client = dev.headwater.registry.SchemaRegistryClient.builder().urls(registry.url()).build();
            try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new dev.headwater.serde.AvroDeserializer<>(client, dev.headwater.serde.AvroSerdeConfig.builder()
                            .urls(registry.url()).build(), false))) {
                if (!storeReadable) {
                    Files.move(keysFile, moved); // the key service is down once the consumer is running
                }
                consumer.subscribe(List.of(topic));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.size() < 2 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
            } finally {
                if (!storeReadable) {
                    Files.move(moved, keysFile);
                }
            }
            assertThat(records).hasSize(2);
            for (int i = 0; i < 2; i++) {
                GenericRecord value = (GenericRecord) records.get(i).value();
                var unopened = records.get(i).headers().lastHeader(
                        dev.headwater.consumer.GovernedConsumerInterceptor.UNOPENED_HEADER);
                if (storeReadable) {
                    assertThat(value.get("email").toString()).isEqualTo(email(i));
                    assertThat(unopened).isNull();
                } else {
                    assertThat(value.get("email").toString()).isNotEqualTo(email(i)).isNotEqualTo("redacted");
                    assertThat(new String(unopened.value(), StandardCharsets.UTF_8)).contains("cannot be read now");
                }
            }
        }
    }

    @Test
    void theTestkitsCheckFailsOnAProducerThatWritesProtectedFieldsInClear() {
        try (var producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .valueSerializer(new dev.headwater.serde.AvroSerializer<>(
                        dev.headwater.registry.SchemaRegistryClient.builder().urls(registry.url()).build(),
                        dev.headwater.serde.AvroSerdeConfig.builder().urls(registry.url()).build(), false))
                .application("legacy", "0.1").build()) {
            producer.send(topic, "order-0", order(0)).join();
        }
        assertThatThrownBy(() -> ProtectedFields.assertNoneInClear(kafka.bootstrapServers(), registry.url(),
                contract, topic, List.of(email(0))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(topic + "/0@0: a clear value the test wrote is in the record's bytes")
                .hasMessageContaining("field email is not sealed (no hw_key header)")
                .hasMessageContaining("field customer is not a token")
                .hasMessageNotContaining(email(0));
    }

    @Test
    void noKeyMaterialNorClearValueIsLoggedOrPrinted() throws Exception {
        LocalKeyStore keys = keyStore();
        TinkFieldProtection protection = TinkFieldProtection.of(keys);
        assertThat(protection.toString()).doesNotContain(MASTER).startsWith("TinkFieldProtection{LocalKeyStore{");
        assertThat(protection.dataKey().toString()).startsWith("DataKey{wrapped by ");
        GenericRecord broken = order(0);
        broken.put("amount", -5.0); // breaks an ERROR rule: the refusal names the rule, not the protected values
        try (var producer = producer(protection)) {
            assertThatThrownBy(() -> producer.send(topic, "order-x", broken).join())
                    .hasMessageContaining("amountInRange").hasMessageNotContaining(email(0))
                    .hasMessageNotContaining(customer(0));
        }
    }

    @Test
    void shreddingASubjectMakesEveryRecordOfItUnreadableAndNoOtherAndReportsHowMany() {
        DataContract byCustomer = DataContract.parse(yamlOf(contract).replace("subject: ",
                "erasureSubject: customer\nsubject: "), "orders.yaml", Contracts.ORDERS.toAbsolutePath().getParent());
        contract = byCustomer;
        LocalKeyStore keys = keyStore();
        TinkFieldProtection protection = TinkFieldProtection.of(keys);
        try (var producer = producer(protection)) {
            for (int i = 0; i < 9; i++) {
                GenericRecord order = order(i);
                order.put("customer", customer(i % 3)); // three customers, three orders each
                producer.send(topic, "order-" + i, order).join();
            }
        }
        assertThat(keys.subjectKeyCount()).isEqualTo(3);

        CryptoShredding.Report report = CryptoShredding.shred(protection, customer(1), List.of(topic),
                Map.of("bootstrap.servers", kafka.bootstrapServers()));

        assertThat(report.keyDestroyed()).isTrue();
        assertThat(report.unreadable()).containsExactly(Map.entry(topic, 3L));
        assertThat(report.subjectId()).doesNotContain(customer(1));
        assertThat(keys.subjectKeyCount()).isEqualTo(2);
        List<GovernedRecord<String, GenericRecord>> read = readAll(TinkFieldProtection.of(
                LocalKeyStore.open(keysFile, MASTER)), 9);
        for (int i = 0; i < 9; i++) {
            assertThat(read.get(i).value().get("email").toString()).as("order " + i)
                    .isEqualTo(i % 3 == 1 ? "redacted" : email(i));
            assertThat(read.get(i).headers().lastHeader(FieldProtection.KEY_HEADER).value())
                    .as("a subject's key reference: a version byte and the subject's id").hasSize(23);
        }
        assertThat(maskedFields()).isEqualTo(3);
        assertThat(endOffset(contract.deadLetterTopic())).as("dead letters").isZero();
    }

    private static String yamlOf(DataContract contract) {
        try {
            return Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1",
                    contract.topics().get(0))
                    .replace("email: {doc: \"Customer's email address\", classification: pii}",
                            "email: {doc: \"Customer's email address\", classification: pii, protect: encrypt, "
                            + "mask: \"redacted\"}")
                    .replace("fields:\n", "fields:\n  customer: {doc: \"Customer id\", classification: pii, "
                            + "protect: token}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void nothingLoggedAtDebugHoldsTheMasterKeyOrAClearValue() throws Exception {
        Path contractFile = directory.resolve("orders.yaml");
        Files.writeString(contractFile, yamlOf(contract).replace("schemaFile: orders.avsc", "schemaFile: "
                + Contracts.ORDERS.toAbsolutePath().getParent().resolve("orders.avsc")));
        String email = "debug-" + run + "@example.com";
        Path output = directory.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-cp", System.getProperty("java.class.path"),
                ProtectedRoundTripInAnotherJvm.class.getName(), kafka.bootstrapServers(), registry.url(), topic,
                contractFile.toString(), email).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String logged = Files.readString(output);
        assertThat(child.exitValue()).as(logged).isZero();
        assertThat(logged).contains("read 8").contains("DEBUG"); // it ran, and logged at DEBUG
        assertThat(logged).doesNotContain(MASTER).doesNotContain(email).doesNotContain("secret-customer");
    }

    private long maskedFields() {
        return sum("headwater.consumer.fields.masked");
    }

    private long sum(String metric) {
        long total = 0;
        for (MetricData data : metrics.collectAllMetrics()) {
            if (data.getName().equals(metric)) {
                for (LongPointData point : data.getLongSumData().getPoints()) {
                    total += point.getValue();
                }
            }
        }
        return total;
    }

    private long endOffset(String deadLetterTopic) {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(5));
            if (partitions == null || partitions.isEmpty()) {
                return 0;
            }
            return consumer.endOffsets(partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList()).values().stream().mapToLong(Long::longValue).sum();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return 0; // no such topic
        }
    }

    /** Every value of {@code values} found, as UTF-8, in a file under the brokers' data directory. */
    private Set<String> clearValuesOnDisk(Set<String> values) throws IOException {
        Set<String> found = new HashSet<>();
        try (Stream<Path> files = Files.walk(kafka.dataDirectory())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (IOException | UncheckedIOException e) {
                    continue; // removed while walking (a rolled or deleted segment)
                }
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                for (String value : values) {
                    if (text.contains(new String(value.getBytes(StandardCharsets.UTF_8),
                            StandardCharsets.ISO_8859_1))) {
                        found.add(value);
                    }
                }
            }
        }
        return found;
    }

    /** A key service that does not answer the first {@code failures} requests to unwrap. */
    private static final class FlakyKeys implements KeyService {
        private final KeyService keys;
        private final AtomicInteger failures;
        final AtomicInteger refused = new AtomicInteger();

        FlakyKeys(KeyService keys, int failures) {
            this.keys = keys;
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public String currentKeyId() {
            return keys.currentKeyId();
        }

        @Override
        public byte[] wrap(byte[] dataKey, byte[] context) {
            return keys.wrap(dataKey, context);
        }

        @Override
        public byte[] unwrap(byte[] wrapped, byte[] context) {
            if (failures.getAndDecrement() > 0) {
                refused.incrementAndGet();
                throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "the key service is down",
                        null);
            }
            return keys.unwrap(wrapped, context);
        }

        @Override
        public PrfSet tokenKeys() {
            return keys.tokenKeys();
        }
    }
}
