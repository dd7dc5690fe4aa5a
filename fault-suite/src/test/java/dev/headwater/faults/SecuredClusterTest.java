package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * On a cluster that only speaks SASL/PLAIN, every internal client (the dead-letter producer, the lineage descriptor
 * publisher and reader) connects with the application's security settings: dead letters are written at once, and the
 * lineage of a record is complete.
 */
class SecuredClusterTest {

    @Test
    void internalClientsInheritTheApplicationsSecuritySettings() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().port(port)
                .saslPlainUser("alice", "alice-pw").build().start()) {
            Map<String, Object> secured = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
                            + "password=\"alice-pw\";"));
            try (var plaintext = org.apache.kafka.clients.admin.Admin.create(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(), "default.api.timeout.ms", 3000,
                    "request.timeout.ms", 2000))) {
                assertThat(plaintext.listTopics().names()).as("a client without SASL is refused")
                        .failsWithin(Duration.ofSeconds(10));
            }
            String topic = Faults.topic("secured");
            kafka.createTopic(topic, 1, (short) 1);
            kafka.createTopic(topic + ".dlq", 1, (short) 1);
            List<String> keys = new ArrayList<>();
            try (var producer = GovernedProducer.<String, String>builder().kafkaProperties(secured)
                    .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                    .application("secured-service", "1.0").tenant("retail").build()) {
                for (int i = 0; i < 20; i++) {
                    String key = (i % 4 == 0 ? "poison-" : "ok-") + i;
                    keys.add(key);
                    producer.send(topic, key, "v").join();
                }
            }
            Set<String> handled = ConcurrentHashMap.newKeySet();
            Map<String, Object> consumerSettings = new HashMap<>(secured);
            consumerSettings.put("group.id", "secured-" + UUID.randomUUID());
            long start = System.nanoTime();
            try (var consumer = GovernedConsumer.<String, String>builder().kafkaProperties(consumerSettings)
                    .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                    .topics(topic).deadLetterTopic(topic + ".dlq").handler(record -> {
                        if (record.key().startsWith("poison")) {
                            throw new IllegalStateException("refused " + record.key());
                        }
                        handled.add(record.key());
                    }).build()) {
                Faults.pollUntil(consumer, () -> handled.size() == 15, Duration.ofSeconds(60));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            List<ConsumerRecord<byte[], byte[]>> deadLetters = read(secured, topic + ".dlq", 5);
            List<ConsumerRecord<byte[], byte[]>> records = read(secured, topic, 20);

            assertThat(handled).hasSize(15);
            assertThat(deadLetters).hasSize(5).allSatisfy(d ->
                    assertThat(Faults.header(d, DeadLetterHeaders.REASON)).isEqualTo("HANDLER"));
            assertThat(millis).as("ms to handle 15 and dead-letter 5").isLessThan(30_000);
            try (LineageDescriptors descriptors = LineageDescriptors.fromKafka(secured)) {
                Lineage lineage = Lineage.from(records.get(19), descriptors).orElseThrow();
                assertThat(lineage.complete()).isTrue();
                assertThat(lineage.application()).isEqualTo("secured-service");
            }
            Figures.record("SASL_PLAINTEXT-only cluster: handler refuses 5 of 20, dead letters written by the internal "
                    + "producer", 20, handled.size(), deadLetters.size(), 20 - handled.size() - deadLetters.size(), 0,
                    "done in " + millis + " ms; the lineage descriptor published and read over SASL too");
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(Map<String, Object> secured, String topic, int expected) {
        Map<String, Object> settings = new HashMap<>(secured);
        settings.put("group.id", "reader-" + UUID.randomUUID());
        settings.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var reader = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
