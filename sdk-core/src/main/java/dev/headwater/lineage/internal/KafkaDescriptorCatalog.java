package dev.headwater.lineage.internal;

import dev.headwater.internal.ClientSettings;
import dev.headwater.lineage.LineageDescriptor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds lineage descriptors in the descriptor topic. An internal consumer, assigned every partition of the topic (no
 * group), reads it from the start on the first lookup that misses the cache and then only what was added since, up to
 * the end offsets of that moment: a descriptor is published (and acknowledged) before any record refers to it without
 * carrying it, so one such read finds it. An id still unknown after a read is not looked for again for
 * {@link #RETRY_AFTER}. Thread safe: lookups that miss are serialised. Internal: not for users.
 */
public final class KafkaDescriptorCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaDescriptorCatalog.class);
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final Map<String, Object> settings;
    private final String topic;
    private final Duration timeout;
    private final Map<Long, LineageDescriptor> known = new ConcurrentHashMap<>();
    private final Map<Long, Long> missedAt = new ConcurrentHashMap<>();
    private KafkaConsumer<byte[], byte[]> reader;
    private List<TopicPartition> partitions;
    private boolean warned;
    private volatile boolean closed;
    private volatile KafkaConsumer<byte[], byte[]> current;

    /**
     * @param clientSettings the application's client settings, inherited by the internal consumer
     * @param topic the descriptor topic
     * @param timeout how long one read of the topic may take
     */
    public KafkaDescriptorCatalog(Map<String, ?> clientSettings, String topic, Duration timeout) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.settings = ClientSettings.derive(clientSettings, ClientSettings.Kind.CONSUMER,
                "headwater-lineage-reader-" + UUID.randomUUID().toString().substring(0, 8), Map.of(
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    }

    /**
     * @param descriptorId the id a record carries
     * @return the descriptor, or empty when unknown or unreadable now
     */
    public Optional<LineageDescriptor> find(long descriptorId) {
        LineageDescriptor descriptor = known.get(descriptorId);
        if (descriptor != null) {
            return Optional.of(descriptor);
        }
        Long missed = missedAt.get(descriptorId);
        if (missed != null && System.nanoTime() - missed < RETRY_AFTER.toNanos()) {
            return Optional.empty();
        }
        synchronized (this) {
            descriptor = known.get(descriptorId);
            if (descriptor == null && !closed) {
                catchUp();
                descriptor = known.get(descriptorId);
            }
        }
        if (descriptor == null) {
            missedAt.put(descriptorId, System.nanoTime());
            return Optional.empty();
        }
        missedAt.remove(descriptorId);
        return Optional.of(descriptor);
    }

    /**
     * @param descriptorId the id
     * @param descriptor a descriptor a record carried inline
     */
    public void learn(long descriptorId, LineageDescriptor descriptor) {
        known.putIfAbsent(descriptorId, descriptor);
    }

    /** Reads the topic up to its end offsets of now, remembering every descriptor on it. */
    private void catchUp() {
        try {
            if (reader == null) {
                reader = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                current = reader;
            }
            if (partitions == null) {
                List<PartitionInfo> infos = reader.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    warnOnce("the topic does not exist");
                    return;
                }
                partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                reader.assign(partitions);
                reader.seekToBeginning(partitions);
            }
            Map<TopicPartition, Long> end = reader.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
                    remember(record);
                }
            }
        } catch (WakeupException e) {
            // closed while reading: nothing more to find
        } catch (KafkaException e) {
            warnOnce(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (reader.position(partition.getKey(), timeout) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void remember(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        try {
            long id = CompactLineage.parseHex(new String(record.key(), StandardCharsets.US_ASCII));
            known.put(id, CompactLineage.readDescriptor(record.value(), 0, record.value().length));
        } catch (IllegalArgumentException e) {
            log.debug("Skipping a record of lineage descriptor topic '{}' at {}-{}@{} that is not a descriptor: {}",
                    topic, record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    private void warnOnce(String why) {
        if (!warned) {
            warned = true;
            log.warn("Cannot read lineage descriptors from topic '{}' ({}). Records of lineage format 2 that do "
                    + "not carry their descriptor yield only their event id, time, correlation, causation and trace "
                    + "context. Create the topic (dev.headwater.pipeline.TenantProvisioner.provisionLineageTopic) or grant this client "
                    + "read access to it.", topic, why);
        }
    }

    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> reading = current;
        if (reading != null) {
            reading.wakeup(); // ends a read in progress, so that close does not wait for it
        }
        synchronized (this) {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
    }
}
