package dev.headwater.producer;

import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.governance.HeadwaterClientBuilder;
import dev.headwater.governance.Write;
import dev.headwater.governance.WriteBuilder;
import dev.headwater.governance.WritePipeline;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.serde.SerdeException;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.QuotaExceededException;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka producer that governs every record it sends: the key is serialized, then the record goes through the
 * {@link WritePipeline} (guardrail, contract rules, value in the Confluent wire format under the contract's registered
 * schema, lineage, PRODUCER span with its context in the headers, size, tenant quota) and is sent, to its topic or to
 * the dead-letter topic, as the pipeline decides. The same pipeline governs the serializer route
 * ({@link GovernedSerializer}), so both give the same outcome.
 *
 * <pre>{@code
 * DataContract contract = DataContract.load(Path.of("contracts/orders.yaml"));
 * try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
 *         .kafkaProperties(Map.of("bootstrap.servers", "localhost:9092"))
 *         .keySerializer(new StringSerializer())
 *         .schemaRegistry("http://localhost:8081")
 *         .contract(contract)
 *         .application("orders-service", "1.4.0")
 *         .tenant("retail")
 *         .build()) {
 *     SendResult result = producer.send("retail.orders.placed.v1", order.get("id").toString(), order).join();
 * }
 * }</pre>
 *
 * <p><b>Refusals are never silent.</b> A record that breaks a rule is refused (the future fails with a
 * {@link ContractViolationException} listing every violation, and nothing is sent) or dead-lettered (written to the
 * contract's dead-letter topic with headers naming the rules, the violations, the contract and the time; the result says
 * {@link SendResult.Outcome#DEAD_LETTERED}), as the rules or the {@link FailurePolicy} say. A record that cannot be
 * serialized fails its future with a {@link SerdeException}.
 *
 * <p>Defaults differ from a plain {@link KafkaProducer} where safety asks for it: {@code acks=all} and idempotence on,
 * unless the given Kafka properties say otherwise. Tracing and metrics use {@link GlobalOpenTelemetry} unless an
 * instance is given; without an OpenTelemetry SDK they cost next to nothing. Thread safe, like {@link KafkaProducer}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GovernedProducer<K, V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GovernedProducer.class);

    private final Producer<byte[], byte[]> delegate;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final WritePipeline pipeline;
    private final GovernedProducerView<K, V> view;

    private GovernedProducer(Builder<K, V> builder, Map<String, Object> kafka) {
        this.keySerializer = builder.keySerializer;
        this.valueSerializer = builder.valueSerializer;
        this.pipeline = builder.pipeline(kafka);
        try {
            this.delegate = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        this.view = new GovernedProducerView<>(this, delegate);
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
     * Builds a producer from one Kafka-style properties map: Kafka's producer keys plus Headwater's
     * ({@code headwater.application.name}, {@code headwater.contract.file}, {@code headwater.tenant.policy.file},
     * {@code headwater.failure.policy}, {@code schema.registry.url}, ... declared in
     * {@link GovernedProducerConfig#CONFIG_DEF}).
     *
     * @param properties the properties
     * @param keySerializer serializes keys
     * @param valueSerializer serializes values when there is no contract; null with a contract
     * @param <K> the key type
     * @param <V> the value type
     * @return a new producer
     * @throws org.apache.kafka.common.config.ConfigException naming a bad or unknown Headwater key
     */
    public static <K, V> GovernedProducer<K, V> fromProperties(Map<String, ?> properties, Serializer<K> keySerializer,
            Serializer<V> valueSerializer) {
        Builder<K, V> builder = GovernedProducerConfig.apply(properties, GovernedProducer.<K, V>builder(), false)
                .keySerializer(keySerializer);
        if (valueSerializer != null) {
            builder.valueSerializer(valueSerializer);
        }
        return builder.build();
    }

    /**
     * Sends a record to a topic, letting Kafka choose the partition.
     *
     * @param topic the topic
     * @param key the key, may be null
     * @param value the value
     * @return a future completed with the result once the broker acknowledged the record (sent or dead-lettered), or
     *     completed exceptionally with the reason it was not written: never dropped silently
     */
    public CompletableFuture<SendResult> send(String topic, K key, V value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /**
     * Sends a record. Its own headers are kept; lineage headers it already carries are not overwritten.
     *
     * @param record the record
     * @return a future completed with the result, or exceptionally with a {@link GuardrailViolationException}, a
     *     {@link QuotaExceededException}, a {@link ContractViolationException}, a {@link SerdeException}, Kafka's
     *     {@code RecordTooLargeException} or the Kafka exception that refused it
     */
    public CompletableFuture<SendResult> send(ProducerRecord<K, V> record) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        dispatch(record, (sent, metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(sent);
            }
        });
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
        dispatch(record, (sent, metadata, error) -> {
            try {
                callback.accept(sent, error);
            } catch (RuntimeException e) {
                log.error("The callback of a record sent to topic '{}' threw; the record was {}", record.topic(),
                        error == null ? "written" : "not written (" + error + ")", e);
            }
        });
    }

    /** Told once what became of one record: its result and Kafka's metadata, or why it was not written. */
    @FunctionalInterface
    interface Completion {
        void done(SendResult result, RecordMetadata metadata, Exception error);
    }

    /** Governs and sends one record; {@code completion} is told on the I/O thread, or here when refused. */
    void dispatch(ProducerRecord<K, V> record, Completion completion) {
        Objects.requireNonNull(record, "record");
        Headers given = record.headers();
        Headers headers = given.iterator().hasNext() ? new RecordHeaders(given.toArray()) : new RecordHeaders();
        byte[] key;
        try {
            key = keySerializer.serialize(record.topic(), headers, record.key());
        } catch (RuntimeException e) {
            completion.done(null, null, new SerdeException("Could not serialize the key of a record for topic '"
                    + record.topic() + "': " + e.getMessage() + ". Nothing was sent.", record.topic(), -1, e));
            return;
        }
        Write write = pipeline.write(record.topic(), headers, record.value(), valueSerializer);
        if (write.outcome() == Write.Outcome.REFUSED) {
            completion.done(null, null, write.error());
            return;
        }
        boolean deadLetter = write.outcome() == Write.Outcome.DEAD_LETTER;
        try {
            delegate.send(new ProducerRecord<>(write.topic(), deadLetter ? null : record.partition(),
                    record.timestamp(), key, write.value(), write.headers()), (metadata, error) -> {
                        if (error != null) {
                            pipeline.failed(write, error);
                            completion.done(null, null, error);
                        } else {
                            pipeline.acknowledged(write, metadata.partition(), metadata.offset());
                            completion.done(new SendResult(deadLetter ? SendResult.Outcome.DEAD_LETTERED
                                    : SendResult.Outcome.SENT, metadata.topic(), metadata.partition(),
                                    metadata.offset(), write.eventId()), metadata, null);
                        }
                    });
        } catch (RuntimeException e) {
            pipeline.failed(write, e);
            completion.done(null, null, e);
        }
    }

    /** Initializes transactions; needs {@code transactional.id} in the Kafka properties. */
    public void initTransactions() {
        delegate.initTransactions();
    }

    /** Begins a transaction: records sent until commit or abort are written atomically, governed as always. */
    public void beginTransaction() {
        delegate.beginTransaction();
    }

    /**
     * Adds consumed offsets to the transaction, for consume-transform-produce.
     *
     * @param offsets the offsets to commit
     * @param groupMetadata the consumer's group metadata
     */
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata groupMetadata) {
        delegate.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    /** Commits the transaction. */
    public void commitTransaction() {
        delegate.commitTransaction();
    }

    /** Aborts the transaction: its records are never seen by read-committed consumers. */
    public void abortTransaction() {
        delegate.abortTransaction();
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
        try {
            delegate.close(timeout);
        } finally {
            pipeline.close();
        }
    }

    /** Closes the producer, waiting for buffered records to be sent. */
    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            pipeline.close();
        }
    }

    /**
     * Returns this producer as a Kafka {@link Producer}, for code and frameworks that expect one (a
     * {@code KafkaTemplate}, tests written against {@code MockProducer}). Every record sent through it is governed as
     * by {@link #send(ProducerRecord)}; Kafka's {@code Future<RecordMetadata>} and {@link Callback} contract holds: a
     * record refused before sending fails the future and calls the callback with the exception (a
     * {@link ContractViolationException}, a {@link GuardrailViolationException}, ...), and a dead-lettered record
     * completes with the metadata of the dead-letter topic, so {@code metadata.topic()} tells it apart from a sent one.
     * Closing the view closes this producer.
     *
     * @return a view of this producer; the same instance each time
     */
    public Producer<K, V> asProducer() {
        return view;
    }

    /** @return the lineage stamp of this producer: its format, descriptor and descriptor id */
    public LineageStamp lineage() {
        return pipeline.lineage();
    }

    /** @return the contract this producer enforces, or null when it has none */
    public DataContract contract() {
        return pipeline.contracts().isEmpty() ? null : pipeline.contracts().get(0);
    }

    /**
     * Builds a {@link GovernedProducer}: the settings every governed client takes ({@link HeadwaterClientBuilder}),
     * those of every producing route ({@link WriteBuilder}) and the serializers. Not thread safe.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> extends WriteBuilder<Builder<K, V>> {
        private Serializer<K> keySerializer;
        private Serializer<V> valueSerializer;

        private Builder() {
            super("GovernedProducer");
        }

        /** @param serializer serializes keys @return this builder */
        public Builder<K, V> keySerializer(Serializer<K> serializer) {
            this.keySerializer = Objects.requireNonNull(serializer, "keySerializer");
            return this;
        }

        /**
         * Sets the value serializer, for producers without a contract; with a contract, values are written in the
         * wire format under the contract's registered schema.
         *
         * @param serializer serializes values
         * @return this builder
         */
        public Builder<K, V> valueSerializer(Serializer<V> serializer) {
            this.valueSerializer = Objects.requireNonNull(serializer, "valueSerializer");
            return this;
        }

        private WritePipeline pipeline(Map<String, Object> kafka) {
            return buildPipeline(kafka, String.valueOf(kafka.get(ProducerConfig.CLIENT_ID_CONFIG)));
        }

        /**
         * Builds the producer; with a contract, registers it with the registry.
         *
         * @return a new producer; close it when done
         * @throws IllegalArgumentException naming the missing or conflicting setting
         * @throws dev.headwater.HeadwaterException when the contract cannot be registered
         */
        public GovernedProducer<K, V> build() {
            requireKafkaProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
            require(keySerializer, "keySerializer");
            require(application(), "application");
            if (contracts().size() > 1) {
                throw new IllegalArgumentException("GovernedProducer enforces one contract; for several, use one "
                        + "producer per contract, or GovernedSerializer, which governs each topic by the contract "
                        + "that lists it");
            }
            if (contracts().isEmpty()) {
                require(valueSerializer, "valueSerializer");
            } else if (valueSerializer != null) {
                throw new IllegalArgumentException("GovernedProducer: with a contract, values are serialized with "
                        + "the contract's schema; remove valueSerializer(...)");
            }
            return new GovernedProducer<>(this, kafkaSettings());
        }

        /**
         * The Kafka settings of a governed producer: safe defaults where the application set none ({@code acks=all},
         * and idempotence with it; with {@code acks=0} or {@code 1} Kafka's own default, off, applies as in a plain
         * producer), and a client id unique per producer, as Kafka's own default is, so that two producers of one
         * application share neither JMX names nor broker quotas by accident.
         */
        private Map<String, Object> kafkaSettings() {
            Map<String, Object> kafka = new HashMap<>(kafkaProperties());
            kafka.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
            String acks = String.valueOf(kafka.get(ProducerConfig.ACKS_CONFIG)).trim();
            if (acks.equals("all") || acks.equals("-1")) {
                kafka.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            }
            kafka.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, sharedResources().nextClientId(application()));
            kafka.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
            kafka.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
            return kafka;
        }
    }
}
