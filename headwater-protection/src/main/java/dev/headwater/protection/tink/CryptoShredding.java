package dev.headwater.protection.tink;

import dev.headwater.protection.FieldProtection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Crypto-shredding: the right to be forgotten without rewriting the log. A contract that names an
 * {@code erasureSubject} field has the encrypted fields of each record sealed with the key of that record's subject
 * (such as a customer); {@link #shred} destroys the subject's key, so every record about the subject, on every topic
 * and in every copy, can never be opened again, and reports how many records that made unreadable, per topic.
 * Consumers then read the contract's masks for those records; running consumers stop opening them within
 * {@link TinkFieldProtection#SUBJECT_KEY_TTL}.
 */
public final class CryptoShredding {

    private CryptoShredding() {
    }

    /**
     * What shredding a subject did.
     *
     * @param subjectId the subject's id (a token of its value; the value itself is never reported)
     * @param keyDestroyed whether there was a key to destroy
     * @param unreadable per topic, how many records were sealed with the destroyed key
     */
    public record Report(String subjectId, boolean keyDestroyed, Map<String, Long> unreadable) {

        /** @return the records made unreadable, on all topics */
        public long total() {
            return unreadable.values().stream().mapToLong(Long::longValue).sum();
        }

        /** @return one line per topic, for people */
        public String describe() {
            StringBuilder text = new StringBuilder("subject " + subjectId + ": key "
                    + (keyDestroyed ? "destroyed" : "not found (never made, or destroyed before)") + "\n");
            unreadable.forEach((topic, count) -> text.append("  ").append(topic).append(": ").append(count)
                    .append(" records unreadable\n"));
            return text.toString();
        }
    }

    /**
     * Destroys the key of a subject and counts the records it sealed.
     *
     * @param keys the keys (a {@link TinkFieldProtection} over a key service that stores subject keys)
     * @param subjectValue the subject's value, such as the customer id
     * @param topics the topics to count on (the contracts' topics that name this erasure subject)
     * @param kafka settings of a consumer that reads those topics (bootstrap servers, security)
     * @return the report
     */
    public static Report shred(FieldProtection keys, String subjectValue, Collection<String> topics,
            Map<String, ?> kafka) {
        Objects.requireNonNull(subjectValue, "subjectValue");
        String subjectId = keys.subjectId(subjectValue);
        boolean destroyed = keys.destroySubjectKey(subjectId);
        byte[] id = subjectId.getBytes(StandardCharsets.UTF_8);
        byte[] reference = new byte[1 + id.length];
        reference[0] = TinkFieldProtection.SUBJECT;
        System.arraycopy(id, 0, reference, 1, id.length);
        Map<String, Long> unreadable = new LinkedHashMap<>();
        for (String topic : topics) {
            unreadable.put(topic, count(topic, reference, kafka));
        }
        return new Report(subjectId, destroyed, unreadable);
    }

    private static long count(String topic, byte[] reference, Map<String, ?> kafka) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            List<TopicPartition> partitions = infos == null ? List.of()
                    : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long found = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(topic, record.partition()))) {
                        Header key = record.headers().lastHeader(FieldProtection.KEY_HEADER);
                        if (key != null && Arrays.equals(key.value(), reference)) {
                            found++;
                        }
                    }
                }
            }
            return found;
        }
    }
}
