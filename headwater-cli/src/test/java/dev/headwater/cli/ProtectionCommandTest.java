package dev.headwater.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code headwater protection}: a key store made, rotated and a subject shredded, as a platform team runs it. */
@HeadwaterTest
class ProtectionCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    /** Runs the command in this JVM: its environment variable is this test's (HEADWATER_TEST_MASTER_KEY). */
    private static String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Headwater.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as("exit of %s\n%s\n%s", String.join(" ", args), out, err).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void aKeyStoreIsCreatedRotatedAndASubjectShreddedWithWhatBecameUnreadableReported(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) throws Exception {
        String masterKey = run(0, "protection", "master-key")[0].strip();
        assertThat(java.util.Base64.getDecoder().decode(masterKey)).hasSize(32);

        Path keyStore = work.resolve("keys.json");
        String[] created = run(0, "protection", "create", "--keystore", keyStore.toString(), "--master-key-env",
                "HEADWATER_TEST_MASTER_KEY");
        assertThat(created[0]).contains("created key store " + keyStore);
        assertThat(run(0, "protection", "rotate", "--keystore", keyStore.toString(), "--master-key-env",
                "HEADWATER_TEST_MASTER_KEY")[0]).contains("2 kept");
        String[] missing = run(2, "protection", "rotate", "--keystore", keyStore.toString(), "--master-key-env",
                "NO_SUCH_VARIABLE_HW");
        assertThat(missing[1]).contains("Environment variable NO_SUCH_VARIABLE_HW is not set");

        String topic = "crm.customers.profile.v1";
        kafka.createTopic(topic, 1, (short) 1);
        Path contracts = Files.createDirectories(work.resolve("contracts"));
        String yaml = """
                subject: crm.customers.profile.v1-value
                topics: [crm.customers.profile.v1]
                version: 1.0.0
                owner: {team: team-crm}
                erasureSubject: customer
                schema: |
                  {"type":"record","name":"Profile","namespace":"dev.headwater.cli","fields":[
                   {"name":"customer","type":"string"},{"name":"email","type":["null","string"],"default":null}]}
                fields:
                  email: {classification: pii, protect: encrypt}
                """;
        Files.writeString(contracts.resolve("profile.yaml"), yaml);
        DataContract contract = DataContract.parse(yaml, "profile.yaml", contracts);
        LocalKeyStore keys = LocalKeyStore.open(keyStore, System.getenv("HEADWATER_TEST_MASTER_KEY"));
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .application("crm", "1").fieldProtection(TinkFieldProtection.of(keys)).build()) {
            for (int i = 0; i < 5; i++) {
                GenericRecord profile = new GenericData.Record(contract.schema());
                profile.put("customer", i < 3 ? "c-1" : "c-2");
                profile.put("email", "person" + i + "@example.com");
                producer.send(topic, "k" + i, profile).join();
            }
        }

        String[] sealed = run(0, "protection", "check", "--dir", contracts.toString(), "--bootstrap-servers",
                kafka.bootstrapServers(), "--registry", registry.url());
        assertThat(sealed[0]).contains(topic + ": 5 records, every protected field sealed or tokenized");

        String[] shredded = run(0, "protection", "shred", "--keystore", keyStore.toString(), "--master-key-env",
                "HEADWATER_TEST_MASTER_KEY", "--dir", contracts.toString(), "--bootstrap-servers",
                kafka.bootstrapServers(), "--subject", "c-1", "--output", "json");
        JsonNode report = JSON.readTree(shredded[0]);
        assertThat(report.path("keyDestroyed").asBoolean()).as(shredded[0]).isTrue();
        assertThat(report.path("unreadable").path(topic).asLong()).isEqualTo(3);
        assertThat(shredded[0]).doesNotContain("c-1").doesNotContain(System.getenv("HEADWATER_TEST_MASTER_KEY"));
        assertThat(keys.subjectKeyCount()).isEqualTo(1);

        // a producer that does not protect: the check fails naming the record and field, never the value
        try (var plain = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .valueSerializer(new dev.headwater.serde.AvroSerializer<>(
                        dev.headwater.registry.SchemaRegistryClient.builder().urls(registry.url()).build(),
                        dev.headwater.serde.AvroSerdeConfig.builder().urls(registry.url()).build(), false))
                .application("legacy", "0.1").build()) {
            GenericRecord profile = new GenericData.Record(contract.schema());
            profile.put("customer", "c-3");
            profile.put("email", "leaked@example.com");
            plain.send(topic, "k5", profile).join();
        }
        String[] leaked = run(1, "protection", "check", "--dir", contracts.toString(), "--bootstrap-servers",
                kafka.bootstrapServers(), "--registry", registry.url());
        assertThat(leaked[0]).contains(topic + "/0@5: field email is not sealed").doesNotContain("leaked@");
    }
}
