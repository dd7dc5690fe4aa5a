package dev.headwater.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.contract.DataContract;
import dev.headwater.support.Contracts;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedProducerFromPropertiesTest {

    @Test
    void oneKafkaStylePropertiesMapConfiguresContractTenantRegistryAndPolicy(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry, @TempDir Path work) throws Exception {
        String tenant = "p" + UUID.randomUUID().toString().substring(0, 6);
        String topic = tenant + ".orders.placed.v1";
        Path contractFile = work.resolve("orders.yaml");
        Files.writeString(contractFile, Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1", topic)
                .replace("schemaFile: orders.avsc", "schemaFile: " + Contracts.ORDERS.toAbsolutePath()
                        .resolveSibling("orders.avsc")));
        Path policyFile = work.resolve("tenant.yaml");
        Files.writeString(policyFile, "tenant: " + tenant + "\nowns: [\"{tenant}.*\"]\n");
        DataContract contract = DataContract.load(contractFile);
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(contract.deadLetterTopic(), 1, (short) 1);

        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.fromProperties(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "linger.ms", "1",
                "schema.registry.url", registry.url(),
                "headwater.application.name", "orders-service",
                "headwater.application.version", "3.0.0",
                "headwater.contract.file", contractFile.toString(),
                "headwater.tenant.policy.file", policyFile.toString(),
                "headwater.failure.policy", "DLQ"), new StringSerializer(), null)) {
            SendResult bad = producer.send(topic, "k", Contracts.validOrder(contract, "not-a-uuid")).join();
            assertThat(bad.deadLettered()).as("ERROR rule dead-lettered by policy DLQ").isTrue();
            assertThatThrownBy(() -> producer.send(Topics.unique("other"), "k",
                    Contracts.validOrder(contract, UUID.randomUUID().toString())).join())
                    .hasMessageContaining("Tenant '" + tenant + "' may not write");
        }
    }

    @Test
    void aBadOrUnknownHeadwaterKeyIsNamed() {
        assertThatThrownBy(() -> GovernedProducer.fromProperties(Map.of("bootstrap.servers", "localhost:1",
                "headwater.application.name", "a", "headwater.failure.policy", "SOMETIMES"),
                new StringSerializer(), new StringSerializer()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("headwater.failure.policy")
                .hasMessageContaining("SOMETIMES");
        assertThatThrownBy(() -> GovernedProducer.fromProperties(Map.of("bootstrap.servers", "localhost:1",
                "headwater.aplication.name", "a"), new StringSerializer(), new StringSerializer()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("headwater.aplication.name")
                .hasMessageContaining("is not a Headwater producer setting");
        assertThatThrownBy(() -> GovernedProducer.fromProperties(Map.of("bootstrap.servers", "localhost:1"),
                new StringSerializer(), new StringSerializer()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("headwater.application.name");
    }
}
