package dev.headwater.producer;

import dev.headwater.HeadwaterException;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.LineageStamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka producer that governs every record it sends: the record is serialized, stamped with lineage headers (see
 * {@link dev.headwater.lineage.LineageHeaders}) and sent, and the caller always learns what became of it.
 *
 * <pre>{@code
 * try (GovernedProducer<String, Order> producer = GovernedProducer.<String, Order>builder()
 *         .kafkaProperties(Map.of("bootstrap.servers", "localhost:9092"))
 *         .keySerializer(new StringSerializer())
 *         .valueSerializer(orderSerializer)
 *         .application("orders-service", "1.4.0")
 *         .build()) {
 *     producer.send("retail.orders.placed.v1", order.id(), order).join();
 * }
 * }</pre>
 *
 * <p>Defaults differ from a plain {@link KafkaProducer} where safety asks for it: {@code acks=all} and idempotence on,
 * unless the given Kafka properties say otherwise. Thread safe, like {@link KafkaProducer}: share one per application.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GovernedProducer<K, V> implements AutoCloseable {

    private final Producer<byte[], byte[]> delegate;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final LineageStamp lineage;

    private GovernedProducer(Builder<K, V> builder) {
        this.keySerializer = builder.keySerializer;
        this.valueSerializer = builder.valueSerializer;
        this.lineage = LineageStamp.builder(builder.application).applicationVersion(builder.applicationVersion)
                .tenant(builder.tenant).build();
        Map<String, Object> kafka = new HashMap<>(builder.kafkaProperties);
        kafka.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        kafka.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        kafka.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, builder.application);
        this.delegate = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
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
     * Sends a record to a topic, letting Kafka choose the partition.
     *
     * @param topic the topic
     * @param key the key, may be null
     * @param value the value, may be null (a tombstone)
     * @return a future completed with the result once the broker acknowledged the record, or completed exceptionally
     *     with a {@link HeadwaterException} (or the Kafka exception) when the record was refused or failed
     */
    public CompletableFuture<SendResult> send(String topic, K key, V value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /**
     * Sends a record. The record's own headers are kept; lineage headers it already carries are not overwritten.
     *
     * @param record the record
     * @return a future completed with the result, or exceptionally with the reason the record was not written; never
     *     dropped silently
     */
    public CompletableFuture<SendResult> send(ProducerRecord<K, V> record) {
        Objects.requireNonNull(record, "record");
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        try {
            Headers headers = new RecordHeaders(record.headers().toArray());
            byte[] key = serialize(keySerializer, record.topic(), headers, record.key(), "key");
            byte[] value = serialize(valueSerializer, record.topic(), headers, record.value(), "value");
            LineageContext context = LineageContext.current().orElse(null);
            String eventId = lineage.stamp(headers,
                    context == null ? null : context.correlationId(),
                    context == null ? null : context.causationId());
            delegate.send(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), key, value,
                    headers), (metadata, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(new SendResult(SendResult.Outcome.SENT, metadata.topic(),
                                    metadata.partition(), metadata.offset(), eventId));
                        }
                    });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Sends a record and calls back when its fate is known, on the producer's I/O thread or, for a record refused
     * before sending, on the calling thread. Keep the callback short.
     *
     * @param record the record
     * @param callback receives the result, or the reason the record was not written
     */
    public void send(ProducerRecord<K, V> record, BiConsumer<SendResult, Throwable> callback) {
        Objects.requireNonNull(callback, "callback");
        send(record).whenComplete(callback);
    }

    /** Sends every buffered record and waits for their acknowledgements. */
    public void flush() {
        delegate.flush();
    }

    /**
     * Closes the producer, waiting up to the timeout for buffered records to be sent.
     *
     * @param timeout the longest time to wait
     */
    public void close(Duration timeout) {
        delegate.close(timeout);
    }

    /** Closes the producer, waiting for buffered records to be sent. */
    @Override
    public void close() {
        delegate.close();
    }

    private static <T> byte[] serialize(Serializer<T> serializer, String topic, Headers headers, T data, String part) {
        try {
            return serializer.serialize(topic, headers, data);
        } catch (RuntimeException e) {
            throw new HeadwaterException("Could not serialize the " + part + " of a record for topic '" + topic + "': "
                    + e.getMessage() + ". Nothing was sent; check that the " + part + " matches its schema.", e);
        }
    }

    /**
     * Builds a {@link GovernedProducer}. Not thread safe.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private Map<String, Object> kafkaProperties = Map.of();
        private Serializer<K> keySerializer;
        private Serializer<V> valueSerializer;
        private String application;
        private String applicationVersion = "";
        private String tenant = "";

        private Builder() {
        }

        /**
         * Sets the Kafka producer properties; {@code bootstrap.servers} is required. Serializer classes given here are
         * ignored: use {@link #keySerializer} and {@link #valueSerializer}.
         *
         * @param properties Kafka producer configuration
         * @return this builder
         */
        public Builder<K, V> kafkaProperties(Map<String, ?> properties) {
            this.kafkaProperties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
            return this;
        }

        /** @param serializer serializes keys @return this builder */
        public Builder<K, V> keySerializer(Serializer<K> serializer) {
            this.keySerializer = Objects.requireNonNull(serializer, "keySerializer");
            return this;
        }

        /** @param serializer serializes values @return this builder */
        public Builder<K, V> valueSerializer(Serializer<V> serializer) {
            this.valueSerializer = Objects.requireNonNull(serializer, "valueSerializer");
            return this;
        }

        /**
         * Names the producing application, written to every record's lineage ({@code ce_source}).
         *
         * @param name the application's name
         * @param version the application's version
         * @return this builder
         */
        public Builder<K, V> application(String name, String version) {
            this.application = Objects.requireNonNull(name, "name");
            this.applicationVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** @param tenant the tenant this producer works for @return this builder */
        public Builder<K, V> tenant(String tenant) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        /**
         * Builds the producer.
         *
         * @return a new producer; close it when done
         * @throws IllegalArgumentException naming the missing setting when one is required
         */
        public GovernedProducer<K, V> build() {
            if (!kafkaProperties.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("Kafka property 'bootstrap.servers' is required: pass it in "
                        + "kafkaProperties(...)");
            }
            require(keySerializer, "keySerializer");
            require(valueSerializer, "valueSerializer");
            require(application, "application");
            return new GovernedProducer<>(this);
        }

        private static void require(Object value, String setting) {
            if (value == null) {
                throw new IllegalArgumentException("GovernedProducer setting '" + setting + "' is required: call "
                        + setting + "(...) on the builder");
            }
        }
    }
}
