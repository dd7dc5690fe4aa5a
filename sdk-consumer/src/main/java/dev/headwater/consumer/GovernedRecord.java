package dev.headwater.consumer;

import dev.headwater.lineage.Lineage;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/**
 * A consumed record with its typed key and value and its provenance.
 *
 * @param topic the topic it was read from
 * @param partition the partition
 * @param offset the offset
 * @param timestamp the record's Kafka timestamp, epoch milliseconds
 * @param key the deserialized key
 * @param value the deserialized value
 * @param headers the record's headers as consumed; treat them as read only
 * @param lineage the lineage read from the headers; empty for records produced without lineage headers
 * @param <K> the key type
 * @param <V> the value type
 */
public record GovernedRecord<K, V>(
        String topic,
        int partition,
        long offset,
        long timestamp,
        K key,
        V value,
        Headers headers,
        Optional<Lineage> lineage) {
}
