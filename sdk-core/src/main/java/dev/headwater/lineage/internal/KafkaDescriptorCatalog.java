package dev.headwater.lineage.internal;

import dev.headwater.internal.ClientSettings;
import dev.headwater.lineage.LineageDescriptor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * Finds lineage descriptors in the descriptor topic without ever holding the caller for long. An internal consumer,
 * assigned every partition of the topic (no group) and used by a thread of its own, reads the topic from the start when
 * the catalog starts (as the consumer using it is built) and then, on a lookup that misses the cache, only what was
 * added since, up to the end offsets of that moment: a
 * descriptor is published (and acknowledged) before any record refers to it without carrying it, so one such read
 * finds it. A lookup that misses waits for the read at most {@link #LOOKUP_WAIT} ({@link #FIRST_LOOKUP_WAIT} for the
 * first read, once), and only the first lookup of a read waits at all: while the topic is slow or unavailable, records are handled with what they carry (event id, time,
 * trace context) and their lineage says it is incomplete. An id still unknown after a read is not looked for again for
 * {@link #RETRY_AFTER}. Descriptors are cached, the most recently used {@link #CAPACITY} of them; a later descriptor
 * for an id (read from the topic or carried inline) replaces an earlier one, and a tombstone removes it. Thread safe.
 * Internal: not for users.
 */
public final class KafkaDescriptorCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaDescriptorCatalog.class);
    /** How long an id still unknown after a read is not looked for again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    /** The longest a lookup waits for a read of the topic. */
    static final Duration LOOKUP_WAIT = Duration.ofMillis(200);
    /**
     * The longest a lookup waits for the first read, which starts when the catalog does ({@link #start()}) and
     * includes connecting: once in a catalog's life.
     */
    static final Duration FIRST_LOOKUP_WAIT = Duration.ofSeconds(2);
    /** How many descriptors are cached at the most. */
    static final int CAPACITY = 10_000;

    private final Map<String, Object> settings;
    private final String topic;
    private final Duration timeout;
    private final Map<Long, LineageDescriptor> known = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, LineageDescriptor> eldest) {
                    return size() > CAPACITY;
                }
            });
    private final Map<Long, Long> missedAt = new ConcurrentHashMap<>();
    /** Ids looked for while the read in progress runs: those it does not find are missed. */
    private final Set<Long> asked = ConcurrentHashMap.newKeySet();
    private final ExecutorService readerThread;
    private volatile KafkaConsumer<byte[], byte[]> reader;
    private List<TopicPartition> partitions;
    private volatile boolean warned;
    /** Why the last read found nothing, or null: told (once) when a record's descriptor is not found for it. */
    private volatile String problem;
    private volatile boolean closed;
    /** The read in progress, or the last one; guarded by this. */
    private CompletableFuture<Void> reading = CompletableFuture.completedFuture(null);
    /** Whether a lookup already waited for {@link #reading} in vain: later lookups do not wait for it. */
    private boolean slow;
    /** Whether a read of the topic ended (found or not): lookups then wait {@link #LOOKUP_WAIT} at the most. */
    private volatile boolean readOnce;

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
        this.readerThread = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "headwater-lineage-reader");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the first read of the topic now, in the background, so that it is done (or nearly) when the first record
     * that refers to a descriptor arrives.
     *
     * @return this catalog
     */
    public KafkaDescriptorCatalog start() {
        synchronized (this) {
            if (reading.isDone() && !closed && !readOnce) {
                reading = CompletableFuture.runAsync(this::catchUp, readerThread);
            }
        }
        return this;
    }

    /**
     * @param descriptorId the id a record carries
     * @return the descriptor, or empty when it is unknown or cannot be read now
     */
    public Optional<LineageDescriptor> find(long descriptorId) {
        LineageDescriptor descriptor = known.get(descriptorId);
        if (descriptor != null || closed) {
            return Optional.ofNullable(descriptor);
        }
        Long missed = missedAt.get(descriptorId);
        if (missed != null && System.nanoTime() - missed < RETRY_AFTER.toNanos()) {
            return Optional.empty();
        }
        asked.add(descriptorId);
        CompletableFuture<Void> read;
        boolean wait;
        synchronized (this) {
            if (reading.isDone()) {
                reading = CompletableFuture.runAsync(this::catchUp, readerThread);
                slow = false;
            }
            read = reading;
            wait = !slow;
        }
        if (wait) {
            try {
                read.get((readOnce ? LOOKUP_WAIT : FIRST_LOOKUP_WAIT).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                synchronized (this) {
                    if (read == reading) {
                        slow = true; // the others do not wait for this read: it completes their lineage later
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // the read failed: logged by it; the descriptor is unknown for now
            }
        }
        descriptor = known.get(descriptorId);
        String why = problem;
        if (descriptor == null && why != null) {
            warnOnce(why); // said when a record needs a descriptor, not when the topic is merely missing
        }
        return Optional.ofNullable(descriptor);
    }

    /**
     * @param descriptorId the id
     * @param descriptor a descriptor a record carried inline; it replaces an earlier one of the id
     */
    public void learn(long descriptorId, LineageDescriptor descriptor) {
        known.put(descriptorId, descriptor);
        missedAt.remove(descriptorId);
    }

    /** Reads the topic up to its end offsets of now, on the reader thread, remembering every descriptor on it. */
    private void catchUp() {
        try {
            if (closed) {
                return;
            }
            if (reader == null) {
                reader = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            if (partitions == null) {
                List<PartitionInfo> infos = reader.partitionsFor(topic, timeout);
                if (infos == null || infos.isEmpty()) {
                    problem = "the topic does not exist";
                    return;
                }
                partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                reader.assign(partitions);
                reader.seekToBeginning(partitions);
            }
            Map<TopicPartition, Long> end = reader.endOffsets(partitions, timeout);
            problem = null;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
                    remember(record);
                }
            }
        } catch (WakeupException e) {
            // closed while reading: nothing more to find
        } catch (KafkaException e) {
            partitions = null; // the topic may have been deleted or re-created: the next read looks it up again
            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            readOnce = true;
            long now = System.nanoTime();
            for (Long id : asked) {
                if (!known.containsKey(id)) {
                    missedAt.put(id, now);
                }
            }
            asked.clear();
            if (missedAt.size() > CAPACITY) {
                missedAt.values().removeIf(at -> now - at >= RETRY_AFTER.toNanos());
            }
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
        if (record.key() == null) {
            return;
        }
        try {
            long id = CompactLineage.parseHex(new String(record.key(), StandardCharsets.US_ASCII));
            if (record.value() == null) {
                known.remove(id); // a tombstone: the descriptor is gone
            } else {
                known.put(id, CompactLineage.readDescriptor(record.value(), 0, record.value().length));
            }
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
                    + "context. Create the topic (TenantProvisioner.provisionLineageTopic in headwater-pipeline) or "
                    + "grant this client read access to it.", topic, why);
        }
    }

    /** Ends a read in progress and closes the internal consumer, on the thread that uses it. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        KafkaConsumer<byte[], byte[]> reading = reader;
        if (reading != null) {
            reading.wakeup(); // ends a read in progress, so that closing does not wait for it
        }
        readerThread.execute(() -> {
            if (reader != null) {
                reader.close(Duration.ofSeconds(5));
                reader = null;
            }
        });
        readerThread.shutdown();
        try {
            readerThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
