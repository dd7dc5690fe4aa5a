package dev.headwater.consumer;

import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka consumer that runs the poll loop for the application: poll, deserialize, hand each record with its lineage to
 * the {@link RecordHandler}, and commit. Offsets are committed only for records whose handling finished (handled or
 * dead-lettered), so processing is at-least-once and no record is skipped.
 *
 * <p>A record that cannot be deserialized or handled goes to the dead-letter topic, when one is set, with its original
 * key, value and headers byte for byte plus {@link DeadLetterHeaders}; then the loop goes on. Without a dead-letter topic
 * the loop stops with a {@link ConsumerStoppedException} and the record stays uncommitted.
 *
 * <p>Thread safety: {@link #run()} and {@link #pollOnce(Duration)} must be called from one thread;
 * {@link #close()} may be called from any thread and makes a running loop finish the record in hand, commit and return.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GovernedConsumer<K, V> implements AutoCloseable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final RecordHandler<K, V> handler;
    private final String deadLetterTopic;
    private final String groupId;
    private final Map<String, Object> producerProperties;
    private final Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private Producer<byte[], byte[]> deadLetterProducer;
    private boolean closed;

    private GovernedConsumer(Builder<K, V> builder) {
        this.keyDeserializer = builder.keyDeserializer;
        this.valueDeserializer = builder.valueDeserializer;
        this.handler = builder.handler;
        this.deadLetterTopic = builder.deadLetterTopic;
        Map<String, Object> kafka = new HashMap<>(builder.kafkaProperties);
        kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        kafka.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.groupId = String.valueOf(kafka.get(ConsumerConfig.GROUP_ID_CONFIG));
        this.producerProperties = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, groupId + "-dead-letters");
        this.consumer = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(builder.topics, new CommitOnRevoke());
    }

    /**
     * Returns a builder.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return a new builder
     */
    public static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /**
     * Runs the poll loop until {@link #close()} is called from another thread, then commits and closes the consumer.
     *
     * @throws ConsumerStoppedException when a record fails and there is no dead-letter topic
     */
    public void run() {
        try {
            while (!closing.get()) {
                pollOnce(POLL_TIMEOUT);
            }
        } finally {
            closeNow();
        }
    }

    /**
     * Polls once, handles every record returned (in order, per partition) and commits their offsets.
     *
     * @param timeout how long to wait for records
     * @return how many records finished: handled or dead-lettered
     * @throws ConsumerStoppedException when a record fails and there is no dead-letter topic
     */
    public int pollOnce(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return 0;
        }
        int done = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                process(record);
                finished.put(new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1));
                done++;
            }
        } finally {
            commitFinished();
        }
        return done;
    }

    private void process(ConsumerRecord<byte[], byte[]> raw) {
        GovernedRecord<K, V> record;
        try {
            record = deserialize(raw);
        } catch (RuntimeException e) {
            deadLetterOrStop(raw, "DESERIALIZATION", e);
            return;
        }
        Lineage lineage = record.lineage().orElse(null);
        String causation = raw.topic() + "/" + raw.partition() + "/" + raw.offset();
        String correlation = lineage == null ? causation
                : lineage.correlationId().isEmpty() ? lineage.eventId() : lineage.correlationId();
        try (LineageContext.Scope ignored = new LineageContext(correlation, causation).makeCurrent()) {
            handler.handle(record);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            deadLetterOrStop(raw, "HANDLER", e);
        }
    }

    private GovernedRecord<K, V> deserialize(ConsumerRecord<byte[], byte[]> raw) {
        Headers headers = raw.headers();
        K key = keyDeserializer.deserialize(raw.topic(), headers, raw.key());
        V value = valueDeserializer.deserialize(raw.topic(), headers, raw.value());
        return new GovernedRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), key, value,
                new RecordHeaders(headers.toArray()), Lineage.from(headers));
    }

    private void deadLetterOrStop(ConsumerRecord<byte[], byte[]> raw, String reason, Exception error) {
        String where = "topic '" + raw.topic() + "' partition " + raw.partition() + " offset " + raw.offset();
        if (deadLetterTopic == null) {
            throw new ConsumerStoppedException("Record at " + where + " failed (" + reason + "): " + error.getMessage()
                    + ". The consumer stopped without committing it; set deadLetterTopic(...) to set such records "
                    + "aside instead.", error);
        }
        Headers headers = new RecordHeaders(raw.headers().toArray());
        DeadLetterRecords.put(headers, DeadLetterHeaders.REASON, reason);
        DeadLetterRecords.put(headers, DeadLetterHeaders.ERROR_CLASS, error.getClass().getName());
        DeadLetterRecords.put(headers, DeadLetterHeaders.ERROR_MESSAGE, String.valueOf(error.getMessage()));
        DeadLetterRecords.put(headers, DeadLetterHeaders.SOURCE_TOPIC, raw.topic());
        DeadLetterRecords.put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(raw.partition()));
        DeadLetterRecords.put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(raw.offset()));
        DeadLetterRecords.put(headers, DeadLetterHeaders.CONSUMER_GROUP, groupId);
        DeadLetterRecords.put(headers, DeadLetterHeaders.TIME, Instant.now().toString());
        try {
            deadLetters().send(new ProducerRecord<>(deadLetterTopic, null, raw.key(), raw.value(), headers)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsumerStoppedException("Interrupted while dead-lettering the record at " + where, e);
        } catch (ExecutionException e) {
            throw new ConsumerStoppedException("Could not write the record at " + where + " to dead-letter topic '"
                    + deadLetterTopic + "': " + e.getCause().getMessage() + ". It was not committed.", e.getCause());
        }
    }

    private Producer<byte[], byte[]> deadLetters() {
        if (deadLetterProducer == null) {
            deadLetterProducer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(),
                    new ByteArraySerializer());
        }
        return deadLetterProducer;
    }

    private void commitFinished() {
        if (!finished.isEmpty()) {
            consumer.commitSync(Map.copyOf(finished));
            finished.clear();
        }
    }

    /**
     * Stops the loop. Called from another thread while {@link #run()} is running, it wakes the consumer up; the loop
     * finishes the record in hand, commits and closes. Called when no loop runs, it commits and closes now.
     */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            consumer.wakeup();
        }
    }

    /**
     * Closes the consumer from the thread that polls it: commits what finished and releases the connections. Use it
     * after {@link #pollOnce(Duration)}; {@link #run()} does it itself.
     */
    public void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        closing.set(true);
        try {
            commitFinished();
        } catch (WakeupException e) {
            commitFinished();
        } finally {
            consumer.close();
            if (deadLetterProducer != null) {
                deadLetterProducer.close();
            }
        }
    }

    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitFinished();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    /**
     * Builds a {@link GovernedConsumer}. Not thread safe.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private Map<String, Object> kafkaProperties = Map.of();
        private Deserializer<K> keyDeserializer;
        private Deserializer<V> valueDeserializer;
        private List<String> topics = List.of();
        private RecordHandler<K, V> handler;
        private String deadLetterTopic;

        private Builder() {
        }

        /**
         * Sets the Kafka consumer properties; {@code bootstrap.servers} and {@code group.id} are required. Auto commit
         * is always off: the consumer commits what it finished.
         *
         * @param properties Kafka consumer configuration
         * @return this builder
         */
        public Builder<K, V> kafkaProperties(Map<String, ?> properties) {
            this.kafkaProperties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
            return this;
        }

        /** @param deserializer deserializes keys @return this builder */
        public Builder<K, V> keyDeserializer(Deserializer<K> deserializer) {
            this.keyDeserializer = Objects.requireNonNull(deserializer, "keyDeserializer");
            return this;
        }

        /** @param deserializer deserializes values @return this builder */
        public Builder<K, V> valueDeserializer(Deserializer<V> deserializer) {
            this.valueDeserializer = Objects.requireNonNull(deserializer, "valueDeserializer");
            return this;
        }

        /** @param topics the topics to subscribe to @return this builder */
        public Builder<K, V> topics(String... topics) {
            this.topics = List.of(topics);
            return this;
        }

        /** @param handler handles each record @return this builder */
        public Builder<K, V> handler(RecordHandler<K, V> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Sets aside records that fail in this topic instead of stopping.
         *
         * @param topic the dead-letter topic
         * @return this builder
         */
        public Builder<K, V> deadLetterTopic(String topic) {
            this.deadLetterTopic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /**
         * Builds the consumer and subscribes it.
         *
         * @return a new consumer
         * @throws IllegalArgumentException naming the missing setting when one is required
         */
        public GovernedConsumer<K, V> build() {
            for (String key : List.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG)) {
                if (!kafkaProperties.containsKey(key)) {
                    throw new IllegalArgumentException("Kafka property '" + key + "' is required: pass it in "
                            + "kafkaProperties(...)");
                }
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("GovernedConsumer setting 'topics' is required: call topics(...)");
            }
            if (keyDeserializer == null || valueDeserializer == null || handler == null) {
                throw new IllegalArgumentException("GovernedConsumer settings 'keyDeserializer', 'valueDeserializer' "
                        + "and 'handler' are required");
            }
            return new GovernedConsumer<>(this);
        }
    }

}
