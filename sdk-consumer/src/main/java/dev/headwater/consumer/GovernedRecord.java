package dev.headwater.consumer;

import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageDescriptors;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/**
 * A consumed record with its typed key and value and its provenance. The lineage is read from the headers on first
 * use, so a handler that does not ask for it does not pay for it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GovernedRecord<K, V> {

    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final K key;
    private final V value;
    private final Headers headers;
    private final LineageDescriptors descriptors;
    private Optional<Lineage> lineage;

    /**
     * Creates a record.
     *
     * @param topic the topic it was read from
     * @param partition the partition
     * @param offset the offset
     * @param timestamp the record's Kafka timestamp, epoch milliseconds
     * @param key the deserialized key
     * @param value the deserialized value
     * @param headers the record's headers as consumed; treat them as read only
     */
    public GovernedRecord(String topic, int partition, long offset, long timestamp, K key, V value, Headers headers) {
        this(topic, partition, offset, timestamp, key, value, headers, LineageDescriptors.none());
    }

    /**
     * Creates a record whose lineage finds format 2 descriptors through a finder.
     *
     * @param topic the topic it was read from
     * @param partition the partition
     * @param offset the offset
     * @param timestamp the record's Kafka timestamp, epoch milliseconds
     * @param key the deserialized key
     * @param value the deserialized value
     * @param headers the record's headers as consumed; treat them as read only
     * @param descriptors finds the lineage descriptors of format 2 records
     */
    public GovernedRecord(String topic, int partition, long offset, long timestamp, K key, V value, Headers headers,
            LineageDescriptors descriptors) {
        this.descriptors = Objects.requireNonNull(descriptors, "descriptors");
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headers = headers;
    }

    /** @return the topic it was read from */
    public String topic() {
        return topic;
    }

    /** @return the partition */
    public int partition() {
        return partition;
    }

    /** @return the offset */
    public long offset() {
        return offset;
    }

    /** @return the record's Kafka timestamp, epoch milliseconds */
    public long timestamp() {
        return timestamp;
    }

    /** @return the deserialized key */
    public K key() {
        return key;
    }

    /** @return the deserialized value */
    public V value() {
        return value;
    }

    /** @return the record's headers as consumed; treat them as read only */
    public Headers headers() {
        return headers;
    }

    /**
     * Returns the record's lineage, read on first call (not thread safe: call it from the handler's thread). For a
     * record of lineage format 2 the producer's descriptor is found on the descriptor topic the first time one of its
     * records asks, which may take a moment; then from a cache.
     *
     * @return the lineage; empty for records produced without lineage
     */
    public Optional<Lineage> lineage() {
        if (lineage == null) {
            lineage = Lineage.read(headers, timestamp, descriptors);
        }
        return lineage;
    }

    @Override
    public String toString() {
        return "GovernedRecord{" + topic + "-" + partition + "@" + offset + ", key=" + key + "}";
    }
}
