package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.serde.SubjectNameStrategy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Poison pills of every kind on one partition, among good records: each is dead-lettered with its reason (one too
 * large to dead-letter whole as a pointer), the good ones are handled, and a restart in the same group reads nothing
 * again: the partition never sticks.
 */
@HeadwaterTest
class PoisonPillTest {

    /** A schema registered under another subject with the contract's record name and a field of another type. */
    private static final Schema FOREIGN = new Schema.Parser().parse(Faults.PAYMENT.toString()
            .replace("{\"name\":\"amount\",\"type\":\"double\"}", "{\"name\":\"amount\",\"type\":\"string\"}"));

    @Test
    void everyPoisonPillIsDeadLetteredWithItsReasonAndThePartitionNeverSticks(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) throws Exception {
        String topic = Faults.topic("poison");
        DataContract contract = Faults.contract(topic);
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(contract.deadLetterTopic(), 1, (short) 1);
        Map<String, String> expectedReason = new HashMap<>();
        List<String> good = new ArrayList<>();
        try (var governed = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .application("payments-service", "1.0").build();
                var raw = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                        "max.request.size", 2_000_000), new ByteArraySerializer(), new ByteArraySerializer())) {
            good.add(governed.send(topic, "good-1", Faults.payment("g1", 10, "EUR")).join().eventId());
            byte[] valid = AvroFor.contract(registry, topic, Faults.payment("x", 10, "EUR"));
            send(raw, topic, "bad-magic", new byte[] {7, 0, 0, 0, 1, 2, 3});
            expectedReason.put("bad-magic", "DESERIALIZATION");
            send(raw, topic, "truncated", java.util.Arrays.copyOf(valid, valid.length - 3));
            expectedReason.put("truncated", "DESERIALIZATION");
            send(raw, topic, "unknown-id", new byte[] {0, 0, 0, (byte) 0x7f, (byte) 0xff, 2, 'x'});
            expectedReason.put("unknown-id", "DESERIALIZATION");
            send(raw, topic, "foreign-schema", AvroFor.foreign(registry, topic));
            expectedReason.put("foreign-schema", "CONTRACT_VIOLATION");
            send(raw, topic, "breaks-a-rule", AvroFor.contract(registry, topic, Faults.payment("r", -1, "EUR")));
            expectedReason.put("breaks-a-rule", "CONTRACT_VIOLATION");
            send(raw, topic, "handler-fails", AvroFor.contract(registry, topic, Faults.payment("h", 10, "EUR")));
            expectedReason.put("handler-fails", "HANDLER");
            byte[] huge = new byte[200_000]; // over the dead-letter producer's max.request.size below
            huge[0] = 9;
            send(raw, topic, "too-large", huge);
            expectedReason.put("too-large", "DESERIALIZATION");
            good.add(governed.send(topic, "good-2", Faults.payment("g2", 20, "USD")).join().eventId());
        }
        int in = good.size() + expectedReason.size();

        Set<String> handled = ConcurrentHashMap.newKeySet();
        String group = "poison-" + UUID.randomUUID();
        try (var consumer = consumer(kafka, registry, contract, topic, group, handled)) {
            Faults.pollUntil(consumer, () -> handled.size() >= good.size(), Duration.ofSeconds(30));
        }
        List<ConsumerRecord<byte[], byte[]>> deadLetters = Faults.read(kafka.bootstrapServers(),
                contract.deadLetterTopic(), expectedReason.size(), Duration.ofSeconds(30));
        assertThat(handled).containsExactlyInAnyOrder("good-1", "good-2");
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> dead : deadLetters) {
            reasons.put(new String(dead.key(), StandardCharsets.UTF_8), Faults.header(dead, DeadLetterHeaders.REASON));
            assertThat(Faults.header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
            assertThat(Faults.header(dead, DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
        }
        assertThat(reasons).isEqualTo(expectedReason);
        ConsumerRecord<byte[], byte[]> pointer = deadLetters.stream()
                .filter(d -> new String(d.key(), StandardCharsets.UTF_8).equals("too-large")).findFirst().orElseThrow();
        assertThat(Faults.header(pointer, DeadLetterHeaders.VALUE_OMITTED)).contains("too large to dead-letter whole");
        assertThat(new String(pointer.value(), StandardCharsets.UTF_8))
                .isEqualTo(topic + "/0/" + Faults.header(pointer, DeadLetterHeaders.SOURCE_OFFSET));
        ConsumerRecord<byte[], byte[]> foreign = deadLetters.stream()
                .filter(d -> new String(d.key(), StandardCharsets.UTF_8).equals("foreign-schema")).findFirst()
                .orElseThrow();
        assertThat(Faults.header(foreign, DeadLetterHeaders.VIOLATIONS))
                .contains("amount must be a number (the contract's type is double), was text");
        assertThat(Faults.header(foreign, DeadLetterHeaders.RULES)).isEqualTo("amountPositive");

        // a restart in the same group finds everything committed: nothing is handled or dead-lettered again
        Set<String> again = ConcurrentHashMap.newKeySet();
        try (var restarted = consumer(kafka, registry, contract, topic, group, again)) {
            Faults.pollUntil(restarted, () -> false, Duration.ofSeconds(3));
        }
        assertThat(again).isEmpty();
        assertThat(Faults.read(kafka.bootstrapServers(), contract.deadLetterTopic(), expectedReason.size() + 1,
                Duration.ofSeconds(3))).hasSize(expectedReason.size());
        Figures.record("poison pills of every kind among good records on one partition (bad magic byte, truncated "
                + "Avro, unknown schema id, a foreign schema with another field type, a rule broken on read, a "
                + "failing handler, a record too large to dead-letter whole), then a restart", in, handled.size(),
                deadLetters.size(), in - handled.size() - deadLetters.size(), again.size(),
                "each dead letter carries its reason; the over-size one as a pointer; the restart reads nothing again");
    }

    private static GovernedConsumer<String, GenericRecord> consumer(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry, DataContract contract, String topic, String group, Set<String> handled) {
        return GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group,
                        "max.partition.fetch.bytes", 1_048_576))
                .deadLetterProducerProperties(Map.of("max.request.size", 100_000))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(contract)
                .topics(topic).handler(record -> {
                    if (record.key().equals("handler-fails")) {
                        throw new IllegalStateException("payment service refused " + record.key());
                    }
                    handled.add(record.key());
                }).build();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    /** Wire-format bytes written with Headwater's serializer, as another application would. */
    private static final class AvroFor {
        static byte[] contract(EmbeddedSchemaRegistry registry, String topic, GenericRecord value) {
            return serializer(registry, SubjectNameStrategy.TOPIC_NAME).serialize(topic, value);
        }

        /** A record of {@link #FOREIGN}, registered under {topic}-{record name}: the same names, amount as text. */
        static byte[] foreign(EmbeddedSchemaRegistry registry, String topic) {
            GenericRecord record = new GenericData.Record(FOREIGN);
            record.put("id", "f");
            record.put("amount", "12.50");
            record.put("currency", "EUR");
            return serializer(registry, SubjectNameStrategy.TOPIC_RECORD_NAME).serialize(topic, record);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static org.apache.kafka.common.serialization.Serializer<GenericRecord> serializer(
                EmbeddedSchemaRegistry registry, SubjectNameStrategy strategy) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
            return (org.apache.kafka.common.serialization.Serializer) new AvroSerializer<>(client,
                    AvroSerdeConfig.builder().urls(registry.url()).subjectNameStrategy(false, strategy).build(),
                    false);
        }
    }
}
