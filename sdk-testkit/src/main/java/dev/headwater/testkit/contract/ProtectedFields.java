package dev.headwater.testkit.contract;

import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.Protection;
import dev.headwater.protection.FieldProtection;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A contract test that no value of a protected field is in clear on a topic: every record is read from the start to
 * the end, decoded under its registered schema, and each field the contract encrypts must hold a sealed value (with the
 * record's {@code hw_key} header naming its key: at least a nonce and a tag long), each tokenized field a token; and,
 * when the test gives the clear values it wrote, none of them may appear in any record's key, value or headers.
 * Fails with an {@link AssertionError} naming the topic, partition, offset and field, never the value.
 */
public final class ProtectedFields {

    /** AES-GCM's nonce and tag: the least a sealed value adds to the clear bytes. */
    private static final int SEALED_OVERHEAD = 28;
    private static final int TOKEN_LENGTH = 22;

    private ProtectedFields() {
    }

    /**
     * @param bootstrapServers the cluster
     * @param registryUrl the schema registry
     * @param contract the contract whose protected fields are checked
     * @param topic the topic
     * @param clearValues values the test wrote into protected fields; none may appear in the topic's bytes
     * @return how many records were checked
     * @throws AssertionError listing every record and field found in clear
     */
    public static int assertNoneInClear(String bootstrapServers, String registryUrl, DataContract contract,
            String topic, Collection<String> clearValues) {
        return assertNoneInClear(Map.of("bootstrap.servers", bootstrapServers),
                SchemaRegistryClient.builder().urls(registryUrl).build(), contract, topic, clearValues);
    }

    /**
     * The same, with a cluster's and a registry's full settings (security included), as a pipeline step runs it.
     *
     * @param kafka consumer settings: bootstrap servers and security
     * @param registry the schema registry client
     * @param contract the contract whose protected fields are checked
     * @param topic the topic
     * @param clearValues values the test wrote into protected fields; none may appear in the topic's bytes
     * @return how many records were checked
     * @throws AssertionError listing every record and field found in clear
     */
    public static int assertNoneInClear(Map<String, ?> kafka, SchemaRegistryClient registry, DataContract contract,
            String topic, Collection<String> clearValues) {
        AvroDeserializer<Object> values = new AvroDeserializer<>(registry, AvroSerdeConfig.builder()
                .urls(registry.urls().get(0).toString()).build(), false);
        List<String> problems = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, topic);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String where = topic + "/" + record.partition() + "@" + record.offset();
            for (String clear : clearValues) {
                if (contains(record, clear.getBytes(StandardCharsets.UTF_8))) {
                    problems.add(where + ": a clear value the test wrote is in the record's bytes");
                }
            }
            if (record.value() == null) {
                continue;
            }
            Object value = values.deserialize(topic, record.headers(), record.value());
            if (!(value instanceof IndexedRecord decoded)) {
                continue;
            }
            Header key = record.headers().lastHeader(FieldProtection.KEY_HEADER);
            for (Map.Entry<String, FieldInfo> field : contract.fields().entrySet()) {
                org.apache.avro.Schema.Field schemaField = decoded.getSchema().getField(field.getKey());
                Object v = schemaField == null ? null : decoded.get(schemaField.pos());
                if (v == null) {
                    continue;
                }
                Protection protection = field.getValue().protection();
                if (protection == Protection.ENCRYPT && (key == null || sealedLength(v) < SEALED_OVERHEAD)) {
                    problems.add(where + ": field " + field.getKey() + " is not sealed (" + (key == null
                            ? "no " + FieldProtection.KEY_HEADER + " header" : "too short to be a sealed value")
                            + ")");
                } else if (protection == Protection.TOKEN && !isToken(v.toString())) {
                    problems.add(where + ": field " + field.getKey() + " is not a token");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Protected values in clear on topic " + topic + " (contract "
                    + contract.subject() + "):\n  " + String.join("\n  ", problems));
        }
        return records.size();
    }

    private static int sealedLength(Object value) {
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining();
        }
        try {
            return Base64.getUrlDecoder().decode(value.toString()).length;
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static boolean isToken(String value) {
        return value.length() == TOKEN_LENGTH && value.chars().allMatch(c -> Character.isLetterOrDigit(c)
                || c == '-' || c == '_');
    }

    private static boolean contains(ConsumerRecord<byte[], byte[]> record, byte[] clear) {
        if (indexOf(record.key(), clear) || indexOf(record.value(), clear)) {
            return true;
        }
        for (Header header : record.headers()) {
            if (indexOf(header.value(), clear)) {
                return true;
            }
        }
        return false;
    }

    private static boolean indexOf(byte[] bytes, byte[] part) {
        if (bytes == null || part.length == 0) {
            return false;
        }
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, ?> kafka, String topic) {
        Map<String, Object> settings = new java.util.HashMap<>(kafka);
        settings.put("enable.auto.commit", false);
        settings.remove("group.id");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read topic " + topic + " to its end " + end);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
                        records.add(record);
                    }
                }
            }
            return records;
        }
    }
}
