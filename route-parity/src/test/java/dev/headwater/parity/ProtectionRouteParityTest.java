package dev.headwater.parity;

import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.internal.FieldProtector;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Field protection on every producing route: each route, configured the way its users configure it (the builder's
 * settings, a serializer's properties, Spring Boot's {@code headwater.protection.*}), writes a contract's encrypted
 * field sealed, with the same kind of {@code hw_key} header, and a reader with the key store opens it to the value sent.
 */
@HeadwaterTest
class ProtectionRouteParityTest {

    private static final String MASTER_ENV = "HEADWATER_TEST_MASTER_KEY";
    private static final java.time.Duration MINUTE = java.time.Duration.ofSeconds(60);

    @Test
    void everyProducingRouteSealsTheProtectedFieldAndAReaderWithTheKeyOpensIt(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry, @TempDir Path dir) {
        Path keyStore = dir.resolve("keys.json");
        LocalKeyStore keys = LocalKeyStore.create(keyStore, System.getenv(MASTER_ENV));
        TinkFieldProtection reader = TinkFieldProtection.of(keys);
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        AvroDeserializer<Object> values = new AvroDeserializer<>(client, AvroSerdeConfig.builder()
                .urls(registry.url()).build(), false);
        Map<String, String> protection = Map.of("keystore", keyStore.toString(), "master.key.env", MASTER_ENV);
        for (WriteRoute.Kind kind : WriteRoute.Kind.values()) {
            String tenant = kind.tenant() + "p";
            List<String> cases = List.of("protected");
            String topic = Parity.topic(tenant, "protected");
            kafka.createTopic(topic, 1, (short) 1);
            kafka.createTopic(Parity.deadLetterTopic(tenant), 1, (short) 1);
            String yaml = Parity.protectedContractYaml(tenant, cases);
            var contract = dev.headwater.contract.DataContract.parse(yaml, tenant + ".yaml", null);
            String policy = Parity.policyYaml(tenant, null, null);
            String note = "90210" + kind.ordinal() + "777";
            try (Parity.Telemetry telemetry = new Parity.Telemetry();
                    WriteRoute route = kind.open(new WriteRoute.Setup(kafka.bootstrapServers(), registry.url(),
                            contract, Parity.write(dir, tenant + "-contract.yaml", yaml), Parity.policy(policy),
                            Parity.write(dir, tenant + "-policy.yaml", policy), telemetry.sdk, protection))) {
                assertThat(route.send(topic, "k", payment(contract, note), List.of())).as(kind + " sends").isNull();
            }

            List<ConsumerRecord<byte[], byte[]>> written = Parity.readAll(kafka.bootstrapServers(), topic);
            assertThat(written).as(kind + " records").hasSize(1);
            ConsumerRecord<byte[], byte[]> record = written.get(0);
            assertThat(new String(record.value(), StandardCharsets.ISO_8859_1)).as(kind + " value bytes")
                    .doesNotContain(note).contains("EUR");
            Header key = record.headers().lastHeader(FieldProtection.KEY_HEADER);
            assertThat(key).as(kind + " hw_key header").isNotNull();
            assertThat(key.value()).as(kind + " hw_key bytes").hasSize(66);

            Object value = values.deserialize(topic, record.headers(), record.value());
            assertThat(((GenericRecord) value).get("note").toString()).isNotEqualTo(note);
            FieldProtector.of(contract, reader).reveal(value, record.headers(), (field, reason) -> {
                throw new AssertionError(kind + ": " + field + " masked, " + reason);
            });
            assertThat(((GenericRecord) value).get("note").toString()).as(kind + " opened").isEqualTo(note);
        }
    }

    @Test
    void everyConsumingRouteOpensTheProtectedFieldWithTheKeyAndReadsTheMaskWithout(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry, @TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("keys.json");
        LocalKeyStore keys = LocalKeyStore.create(keyStore, System.getenv(MASTER_ENV));
        Map<String, String> protection = Map.of("keystore", keyStore.toString(), "master.key.env", MASTER_ENV);
        for (ReadRoute.Kind kind : ReadRoute.Kind.values()) {
            String tenant = kind.tenant() + "p";
            String topic = Parity.topic(tenant, "protected");
            kafka.createTopic(topic, 1, (short) 1);
            kafka.createTopic(Parity.deadLetterTopic(tenant), 1, (short) 1);
            String yaml = Parity.protectedContractYaml(tenant, List.of("protected"));
            var contract = dev.headwater.contract.DataContract.parse(yaml, tenant + ".yaml", null);
            String policy = Parity.policyYaml(tenant, null, null);
            String note = "31337" + kind.ordinal() + "555";
            writeProtected(kafka, registry, contract, keys, topic, note);
            Path contractFile = Parity.write(dir, tenant + "-contract.yaml", yaml);
            Path policyFile = Parity.write(dir, tenant + "-policy.yaml", policy);
            for (boolean withKeys : new boolean[] {true, false}) {
                List<String> lines;
                try (Parity.Telemetry telemetry = new Parity.Telemetry();
                        ReadRoute route = kind.open(new ReadRoute.Setup(kafka.bootstrapServers(), registry.url(),
                                contract, contractFile, Parity.policy(policy), policyFile, telemetry.sdk,
                                List.of(topic), "g-" + java.util.UUID.randomUUID(),
                                withKeys ? protection : Map.of()))) {
                    Parity.await(kind + " hands the record over",
                            () -> !route.seen().getOrDefault(topic, List.of()).isEmpty(), MINUTE);
                    lines = List.copyOf(route.seen().getOrDefault(topic, List.of()));
                }
                assertThat(lines).as(kind + (withKeys ? " with" : " without") + " keys").singleElement()
                        .asString().startsWith("handled key=k")
                        .contains(withKeys ? "\"note\": \"" + note + "\"" : "\"note\": \"0\"")
                        .doesNotContain("flagged");
            }
        }
    }

    @Test
    void whenTheKeyStoreCannotBeReadTheConsumingRoutesThatCanReadAgainWaitAndDeadLetterNothing(
            EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry, @TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("keys.json");
        LocalKeyStore keys = LocalKeyStore.create(keyStore, System.getenv(MASTER_ENV));
        Map<String, String> protection = Map.of("keystore", keyStore.toString(), "master.key.env", MASTER_ENV);
        for (ReadRoute.Kind kind : List.of(ReadRoute.Kind.GOVERNED_CONSUMER, ReadRoute.Kind.SPRING_LISTENER)) {
            String tenant = kind.tenant() + "o";
            String topic = Parity.topic(tenant, "outage");
            kafka.createTopic(topic, 1, (short) 1);
            kafka.createTopic(Parity.deadLetterTopic(tenant), 1, (short) 1);
            String yaml = Parity.protectedContractYaml(tenant, List.of("outage"));
            var contract = dev.headwater.contract.DataContract.parse(yaml, tenant + ".yaml", null);
            String policy = Parity.policyYaml(tenant, null, null);
            String note = "42424" + kind.ordinal();
            writeProtected(kafka, registry, contract, keys, topic, note);
            Path away = dir.resolve("away.json");
            try (Parity.Telemetry telemetry = new Parity.Telemetry();
                    ReadRoute route = kind.open(new ReadRoute.Setup(kafka.bootstrapServers(), registry.url(),
                            contract, Parity.write(dir, tenant + "-contract.yaml", yaml), Parity.policy(policy),
                            Parity.write(dir, tenant + "-policy.yaml", policy), telemetry.sdk, List.of(topic),
                            "g-" + java.util.UUID.randomUUID(), protection))) {
                java.nio.file.Files.move(keyStore, away); // the key service goes down before the record is read
                Parity.await(kind + " reads the record again while the keys are away",
                        () -> retries(telemetry) > 0, MINUTE);
                assertThat(route.seen().getOrDefault(topic, List.of())).as(kind + " while the keys are away")
                        .isEmpty();
                java.nio.file.Files.move(away, keyStore);
                Parity.await(kind + " handles the record once the keys are back",
                        () -> !route.seen().getOrDefault(topic, List.of()).isEmpty(), MINUTE);
                assertThat(route.seen().getOrDefault(topic, List.of())).as(kind + " once they are back")
                        .singleElement().asString().contains("\"note\": \"" + note + "\"");
            }
            assertThat(Parity.readAll(kafka.bootstrapServers(), Parity.deadLetterTopic(tenant)))
                    .as(kind + " dead letters").isEmpty();
        }
    }

    private static long retries(Parity.Telemetry telemetry) {
        return telemetry.metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals("headwater.consumer.transient.retries"))
                .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(p -> p.getValue()).sum();
    }

    /** Writes one payment whose note is sealed, through a governed producer with the keys. */
    private static void writeProtected(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry,
            dev.headwater.contract.DataContract contract, LocalKeyStore keys, String topic, String note) {
        try (var producer = dev.headwater.producer.GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new org.apache.kafka.common.serialization.StringSerializer())
                .schemaRegistry(registry.url()).contract(contract).application(Parity.APPLICATION, "")
                .fieldProtection(TinkFieldProtection.of(keys)).build()) {
            producer.send(topic, "k", payment(contract, note)).join();
        }
    }

    private static GenericRecord payment(dev.headwater.contract.DataContract contract, String note) {
        GenericRecord payment = new GenericData.Record(contract.schema());
        payment.put("id", "p-1");
        payment.put("amount", 12.5);
        payment.put("currency", "EUR");
        payment.put("note", note);
        return payment;
    }
}
