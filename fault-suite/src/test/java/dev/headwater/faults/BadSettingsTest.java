package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.HeadwaterException;
import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings that surprised users: each is refused naming what is wrong, or works as a plain Kafka client would. */
@HeadwaterTest
class BadSettingsTest {

    @Test
    void headwaterKeysOfAConsumerAreReadByFromPropertiesAndRefusedAsKafkaProperties(EmbeddedKafkaCluster kafka,
            @TempDir Path dir) throws Exception {
        String topic = Faults.topic("settings");
        kafka.createTopic(topic, 1, (short) 1);
        Path policy = dir.resolve("retail.yaml");
        Files.writeString(policy, """
                tenant: retail
                owns: ["{tenant}.{domain}.{dataset}.v{major}", "{tenant}.{domain}.{dataset}.v{major}.dlq"]
                """);
        try (var consumer = GovernedConsumer.<String, String>fromProperties(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "props-" + UUID.randomUUID(),
                "headwater.topics", topic, "headwater.tenant.policy.file", policy.toString(),
                "headwater.dead.letter.topic", topic + ".dlq"),
                new StringDeserializer(), new StringDeserializer(), r -> { })) {
            assertThat(consumer.deadLetterTopic()).contains(topic + ".dlq");
        }
        assertThatThrownBy(() -> GovernedConsumer.<String, String>fromProperties(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "g", "headwater.topics",
                "finance.ledger.entries.v1", "headwater.tenant.policy.file", policy.toString()),
                new StringDeserializer(), new StringDeserializer(), r -> { }))
                .isInstanceOf(GuardrailViolationException.class);
        assertThatThrownBy(() -> GovernedConsumer.<String, String>fromProperties(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "g", "headwater.topics", topic,
                "headwater.contract.fiel", "orders.yaml"), new StringDeserializer(), new StringDeserializer(),
                r -> { }))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'headwater.contract.fiel' is not a "
                        + "Headwater consumer setting").hasMessageContaining("headwater.contract.file");
        assertThatThrownBy(() -> GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "g",
                        "headwater.contract.file", "orders.yaml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fromProperties");
        Figures.refused("headwater.* keys given to a consumer", "read by fromProperties with the producer's "
                + "validation; refused, with the route to use, when given as Kafka properties");
    }

    @Test
    void aProducerWithAcksOneStartsAndSendsAsAPlainProducerWouldAndTwoOfOneApplicationHaveTheirOwnClientIds(
            EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Faults.topic("settings");
        kafka.createTopic(topic, 1, (short) 1);
        try (var first = producer(kafka, Map.of("acks", "1")); var second = producer(kafka, Map.of("acks", "1"))) {
            SendResult sent = first.send(topic, "k", "v").join();
            assertThat(sent.sent()).isTrue();
            assertThat(second.send(topic, "k", "v").join().sent()).isTrue();
            // each registers its metrics under a client id of its own: none replaces the other's in JMX
            var beans = java.lang.management.ManagementFactory.getPlatformMBeanServer().queryNames(
                    new javax.management.ObjectName("kafka.producer:type=producer-metrics,client-id=payments-*"),
                    null);
            assertThat(beans).extracting(b -> b.getKeyProperty("client-id")).doesNotHaveDuplicates()
                    .hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void topicNamesKafkaRefusesAreRefusedByTheGuardrailNamingTheLimit(EmbeddedKafkaCluster kafka) {
        TenantPolicy retail = TenantPolicy.builder("retail").owns(List.of("{tenant}.*")).build();
        String tooLong = "retail." + "x".repeat(250);
        try (var producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application("payments", "1").tenantPolicy(retail).build()) {
            assertThatThrownBy(() -> producer.send(tooLong, "k", "v").join()).cause()
                    .isInstanceOf(GuardrailViolationException.class).hasMessageContaining("1 to 249 characters");
        }
    }

    @Test
    void aTenantPolicyNumberOutOfRangeIsRefusedNotTruncated(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("retail.yaml");
        Files.writeString(policy, """
                tenant: retail
                owns: ["{tenant}.{domain}.{dataset}.v{major}"]
                topics:
                  maxPartitions: 4294967308
                """);
        assertThatThrownBy(() -> TenantPolicy.load(policy, null)).isInstanceOf(HeadwaterException.class)
                .hasMessageContaining("'topics.maxPartitions' must be a whole number from 1 to 2147483647, was "
                        + "'4294967308'").hasMessageContaining(policy + ":4: ");
        Figures.refused("bad settings (tenant-policy numbers out of range, headwater.* keys in the wrong place, "
                + "topic names over 249 characters, retries longer than max.poll.interval.ms)", "refused naming key, "
                + "value, file and line or the limit; acks=1 starts as in a plain producer");
    }

    private static GovernedProducer<String, String> producer(EmbeddedKafkaCluster kafka, Map<String, Object> extra) {
        Map<String, Object> settings = new java.util.HashMap<>(extra);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        return GovernedProducer.<String, String>builder().kafkaProperties(settings)
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application("payments", "1").build();
    }
}
