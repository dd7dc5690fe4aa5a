package dev.headwater.producer;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Violation;
import dev.headwater.internal.HeadwaterProperties;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.producer.internal.Governance;
import dev.headwater.producer.internal.ProducerTelemetry;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.SerdeException;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.QuotaExceededException;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka producer that governs every record it sends. Per record, in this order and once: the tenant's topic guardrail
 * is applied, the contract's rules are checked, key and value are serialized (values in the Confluent wire format under
 * the contract's registered schema), the tenant's quota is taken for the record and its bytes together,
 * lineage is stamped (see {@link dev.headwater.lineage.LineageHeaders}; by default one compact header, the producer's
 * descriptor published once to a compacted topic), a PRODUCER span is started with its context in the headers, and
 * the record is sent.
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

    private static final Map<String, AtomicInteger> CLIENT_NUMBERS = new ConcurrentHashMap<>();

    private final Producer<byte[], byte[]> delegate;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Governance governance;
    private final DatasetEvents datasetEvents;
    private final ProducerTelemetry telemetry;
    private final ProducerView view = new ProducerView();

    private GovernedProducer(Builder<K, V> builder) {
        this.keySerializer = builder.keySerializer;
        this.valueSerializer = builder.valueSerializer;
        Map<String, Object> kafka = kafkaSettings(builder.kafkaProperties, builder.application);
        this.governance = new Governance(new Governance.Settings(builder.application, builder.applicationVersion,
                builder.tenant, builder.contract, builder.registry, builder.failurePolicy, builder.tenantPolicy,
                builder.openTelemetry, builder.lineageFormat, builder.descriptorTopic, kafka,
                String.valueOf(kafka.get(ProducerConfig.CLIENT_ID_CONFIG)), builder.datasetEvents));
        this.datasetEvents = builder.datasetEvents;
        this.telemetry = governance.telemetry();
        try {
            this.delegate = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            governance.close();
            datasetEvents.close();
            throw e;
        }
    }

    /**
     * The Kafka settings of a governed producer: safe defaults where the application set none ({@code acks=all}, and
     * idempotence with it; with {@code acks=0} or {@code 1} Kafka's own default, off, applies as in a plain producer),
     * and a client id unique per producer, as Kafka's own default is, so that two producers of one application share
     * neither JMX names nor broker quotas by accident.
     */
    static Map<String, Object> kafkaSettings(Map<String, ?> given, String application) {
        Map<String, Object> kafka = new HashMap<>(given);
        kafka.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        String acks = String.valueOf(kafka.get(ProducerConfig.ACKS_CONFIG)).trim();
        if (acks.equals("all") || acks.equals("-1")) {
            kafka.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        }
        kafka.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, application + "-"
                + CLIENT_NUMBERS.computeIfAbsent(application, a -> new AtomicInteger()).incrementAndGet());
        kafka.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        kafka.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return kafka;
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
        Builder<K, V> builder = GovernedProducerConfig.apply(properties, GovernedProducer.<K, V>builder())
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
     *     {@link QuotaExceededException}, a {@link ContractViolationException}, a {@link SerdeException} or the Kafka
     *     exception that refused it
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

    /** Told once what became of one record: its result and Kafka's metadata, or why it was not written. */
    @FunctionalInterface
    private interface Completion {
        void done(SendResult result, RecordMetadata metadata, Exception error);
    }

    /** Governs and sends one record; {@code completion} is told on the I/O thread, or here when refused. */
    private void dispatch(ProducerRecord<K, V> record, Completion completion) {
        Objects.requireNonNull(record, "record");
        try {
            governance.checkGuardrail(record.topic());
            List<Violation> violations = governance.validate(record.value());
            if (!violations.isEmpty() && !governance.deadLetters(violations)) {
                completion.done(null, null, governance.refuse(record.topic(), violations));
                return;
            }
            Headers headers = new RecordHeaders(record.headers().toArray());
            byte[] key = serializeKey(record.topic(), headers, record.key());
            byte[] value = governance.serializeValue(record.topic(), headers, record.value(), valueSerializer);
            // records and bytes taken together, once the size is known: all or nothing
            governance.takeQuota(record.topic(), (key == null ? 0 : key.length) + (value == null ? 0 : value.length));
            String eventId = governance.stamp(headers);
            if (violations.isEmpty()) {
                write(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), key, value,
                        headers), record.topic(), eventId, false, completion);
            } else {
                governance.markDeadLetter(headers, record.topic(), violations);
                write(new ProducerRecord<>(governance.deadLetterTopic(), null, record.timestamp(), key, value,
                        headers), record.topic(), eventId, true, completion);
            }
        } catch (RuntimeException e) {
            completion.done(null, null, e);
        }
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

    private void write(ProducerRecord<byte[], byte[]> record, String intendedTopic, String eventId,
            boolean deadLettered, Completion completion) {
        Span span = telemetry.startSend(record.topic(), record.headers(), eventId);
        int valueSize = record.value() == null ? 0 : record.value().length;
        try {
            delegate.send(record, (metadata, error) -> {
                if (error != null) {
                    telemetry.failed(span, error);
                    completion.done(null, null, error);
                } else {
                    telemetry.sent(span, intendedTopic, metadata.partition(), metadata.offset(), valueSize,
                            deadLettered);
                    completion.done(new SendResult(deadLettered ? SendResult.Outcome.DEAD_LETTERED
                            : SendResult.Outcome.SENT, metadata.topic(), metadata.partition(), metadata.offset(),
                            eventId), metadata, null);
                }
            });
        } catch (RuntimeException e) {
            telemetry.failed(span, e);
            throw e;
        }
    }

    private byte[] serializeKey(String topic, Headers headers, K key) {
        try {
            return keySerializer.serialize(topic, headers, key);
        } catch (RuntimeException e) {
            throw new SerdeException("Could not serialize the key of a record for topic '" + topic + "': "
                    + e.getMessage() + ". Nothing was sent.", topic, -1, e);
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
        governance.close();
        delegate.close(timeout);
        datasetEvents.close();
    }

    /** Closes the producer, waiting for buffered records to be sent. */
    @Override
    public void close() {
        governance.close();
        delegate.close();
        datasetEvents.close();
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

    /** This producer seen as a Kafka {@link Producer}. */
    private final class ProducerView implements Producer<K, V> {

        @Override
        public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
            return send(record, null);
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
            CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
            dispatch(record, (sent, metadata, error) -> {
                if (callback != null) {
                    callback.onCompletion(metadata, error);
                }
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(metadata);
                }
            });
            return result;
        }

        @Override
        public void initTransactions() {
            delegate.initTransactions();
        }

        @Override
        public void beginTransaction() {
            delegate.beginTransaction();
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                ConsumerGroupMetadata groupMetadata) {
            delegate.sendOffsetsToTransaction(offsets, groupMetadata);
        }

        @Override
        public void commitTransaction() {
            delegate.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            delegate.abortTransaction();
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {
            delegate.registerMetricForSubscription(metric);
        }

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {
            delegate.unregisterMetricFromSubscription(metric);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            return delegate.partitionsFor(topic);
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return delegate.metrics();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return delegate.clientInstanceId(timeout);
        }

        @Override
        public void close() {
            GovernedProducer.this.close();
        }

        @Override
        public void close(Duration timeout) {
            GovernedProducer.this.close(timeout);
        }
    }

    /** @return the lineage stamp of this producer: its format, descriptor and descriptor id */
    public LineageStamp lineage() {
        return governance.lineage();
    }

    /** @return the contract this producer enforces, or null when it has none */
    public DataContract contract() {
        return governance.contract();
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
        private DataContract contract;
        private SchemaRegistryClient registry;
        private FailurePolicy failurePolicy = FailurePolicy.PER_RULE;
        private OpenTelemetry openTelemetry;
        private TenantPolicy tenantPolicy;
        private LineageFormat lineageFormat = LineageFormat.COMPACT;
        private String descriptorTopic = LineageDescriptors.DEFAULT_TOPIC;
        private DatasetEvents datasetEvents;

        private Builder() {
        }

        /**
         * Sets where the topics this producer writes are reported, for dataset lineage and catalogs (such as
         * OpenLineage with {@code headwater-openlineage}). By default they are reported as the JVM's system properties
         * {@code headwater.lineage.openlineage.*} or OpenLineage's own configuration say, and not at all when neither
         * is set. The producer closes them when it closes.
         *
         * @param events the dataset events
         * @return this builder
         */
        public Builder<K, V> datasetEvents(DatasetEvents events) {
            this.datasetEvents = Objects.requireNonNull(events, "events");
            return this;
        }

        /**
         * Chooses how records carry their lineage: {@link LineageFormat#COMPACT} (format 2, the default: one header of
         * at most 16 bytes, the producer's descriptor published once to the descriptor topic) or
         * {@link LineageFormat#CLOUDEVENTS} (format 1: CloudEvents binary-mode headers, about 400 bytes per record,
         * for consumers that read CloudEvents).
         *
         * @param format the format
         * @return this builder
         */
        public Builder<K, V> lineageFormat(LineageFormat format) {
            this.lineageFormat = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Sets the compacted topic the producer publishes its lineage descriptor to (format 2); consumers must read
         * the same. It is created when missing, if the cluster lets this client create topics.
         *
         * @param topic the topic; {@value LineageDescriptors#DEFAULT_TOPIC} by default
         * @return this builder
         */
        public Builder<K, V> lineageDescriptorTopic(String topic) {
            this.descriptorTopic = Objects.requireNonNull(topic, "topic");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("lineageDescriptorTopic must name a topic, was blank");
            }
            return this;
        }

        /**
         * Puts the producer inside a tenant's guardrails: records to topics outside the tenant's namespaces are refused
         * with a {@link GuardrailViolationException} before anything is sent, and the tenant's produce quota (shared by
         * all its producers in the JVM) is taken per record: records first, bytes once serialized.
         *
         * @param policy the tenant's policy; also sets {@link #tenant(String)}
         * @return this builder
         */
        public Builder<K, V> tenantPolicy(TenantPolicy policy) {
            this.tenantPolicy = Objects.requireNonNull(policy, "policy");
            this.tenant = policy.tenant();
            return this;
        }

        /**
         * Sets the Kafka producer properties; {@code bootstrap.servers} is required. Serializer classes given here are
         * ignored: use {@link #keySerializer} and {@link #valueSerializer}.
         *
         * @param properties Kafka producer configuration
         * @return this builder
         */
        public Builder<K, V> kafkaProperties(Map<String, ?> properties) {
            HeadwaterProperties.refuseHeadwaterKeys(Objects.requireNonNull(properties, "properties"),
                    "GovernedProducer");
            this.kafkaProperties = Map.copyOf(properties);
            return this;
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
         * Enforces a data contract: its rules are checked on every record, its schema is registered (with metadata
         * and rules) when the producer is built, and values are written with that schema's id.
         *
         * @param contract the contract
         * @return this builder
         */
        public Builder<K, V> contract(DataContract contract) {
            this.contract = Objects.requireNonNull(contract, "contract");
            return this;
        }

        /** @param url the schema registry's URL(s), comma-separated @return this builder */
        public Builder<K, V> schemaRegistry(String url) {
            this.registry = SchemaRegistryClient.builder().urls(Objects.requireNonNull(url, "url")).build();
            return this;
        }

        /** @param client a configured registry client (auth, TLS, retries) @return this builder */
        public Builder<K, V> schemaRegistry(SchemaRegistryClient client) {
            this.registry = Objects.requireNonNull(client, "client");
            return this;
        }

        /** @param policy what to do with records that break the contract; default PER_RULE @return this builder */
        public Builder<K, V> failurePolicy(FailurePolicy policy) {
            this.failurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** @param openTelemetry where spans and metrics go; {@link GlobalOpenTelemetry} by default @return this */
        public Builder<K, V> openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * Builds the producer; with a contract, registers it with the registry.
         *
         * @return a new producer; close it when done
         * @throws IllegalArgumentException naming the missing or conflicting setting
         * @throws HeadwaterException when the contract cannot be registered
         */
        public GovernedProducer<K, V> build() {
            if (!kafkaProperties.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("Kafka property 'bootstrap.servers' is required: pass it in "
                        + "kafkaProperties(...)");
            }
            require(keySerializer, "keySerializer");
            require(application, "application");
            if (contract == null) {
                require(valueSerializer, "valueSerializer");
            } else {
                if (registry == null) {
                    throw new IllegalArgumentException("GovernedProducer setting 'schemaRegistry' is required with a "
                            + "contract: the contract's schema is registered there and values carry its id");
                }
                if (valueSerializer != null) {
                    throw new IllegalArgumentException("GovernedProducer: with a contract, values are serialized "
                            + "with the contract's schema; remove valueSerializer(...)");
                }
                boolean needsDlq = failurePolicy == FailurePolicy.DLQ
                        || contract.rules().stream().anyMatch(r -> r.onFailure() == OnFailure.DLQ);
                if (needsDlq && contract.deadLetterTopic().isEmpty()) {
                    throw new IllegalArgumentException("Contract " + contract.subject() + " dead-letters records but "
                            + "has no deadLetterTopic: set one in the contract");
                }
            }
            if (tenantPolicy != null && contract != null && !contract.deadLetterTopic().isEmpty()) {
                tenantPolicy.checkWrite(contract.deadLetterTopic());
            }
            if (openTelemetry == null) {
                openTelemetry = GlobalOpenTelemetry.get();
            }
            if (datasetEvents == null) {
                datasetEvents = DatasetEvents.configure(Map.of());
            }
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
