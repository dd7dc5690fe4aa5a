package dev.headwater.producer;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.internal.HeadwaterProperties;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.lineage.internal.DescriptorPublisher;
import dev.headwater.producer.internal.ProducerTelemetry;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import dev.headwater.serde.SerdeException;
import dev.headwater.serde.internal.AvroWireWriter;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.QuotaExceededException;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TenantQuotas;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
    private final LineageStamp lineage;
    private final DataContract contract;
    private final ContractValidator validator;
    private final AvroWireWriter contractWriter;
    private final FailurePolicy failurePolicy;
    private final ProducerTelemetry telemetry;
    private final String application;
    private final TenantPolicy tenantPolicy;
    private final TenantQuotas quotas;
    private final Map<String, Boolean> permittedTopics = new ConcurrentHashMap<>();
    /** Publishes the lineage descriptor (format 2); null for format 1. */
    private final DescriptorPublisher descriptorPublisher;

    private GovernedProducer(Builder<K, V> builder) {
        this.keySerializer = builder.keySerializer;
        this.application = builder.application;
        this.contract = builder.contract;
        this.failurePolicy = builder.failurePolicy;
        this.tenantPolicy = builder.tenantPolicy;
        this.quotas = tenantPolicy == null || tenantPolicy.produceQuota().unlimited() ? null
                : TenantQuotas.produce(tenantPolicy);
        Map<String, Object> kafka = new HashMap<>(builder.kafkaProperties);
        kafka.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        String acks = String.valueOf(kafka.get(ProducerConfig.ACKS_CONFIG)).trim();
        if (acks.equals("all") || acks.equals("-1")) {
            // idempotence needs acks=all: with acks=0 or 1 Kafka's own default (off) applies, as in a plain producer
            kafka.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        }
        // unique per producer, as Kafka's own default is: two producers of one application must not share JMX
        // names and broker quotas by accident
        kafka.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, builder.application + "-"
                + CLIENT_NUMBERS.computeIfAbsent(builder.application, a -> new AtomicInteger()).incrementAndGet());
        kafka.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        kafka.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        LineageStamp.Builder stamp = LineageStamp.builder(builder.application)
                .applicationVersion(builder.applicationVersion).tenant(builder.tenant).format(builder.lineageFormat);
        if (contract != null) {
            this.validator = contract.writeValidator();
            int schemaId = registerContract(builder.registry, contract);
            this.contractWriter = new AvroWireWriter(schemaId, contract.subject(), contract.schema());
            stamp.type(contract.schema().getFullName()).owner(contract.owner().team())
                    .contract(contract.subject(), contract.version())
                    .schema(builder.registry.urls().get(0).toString(), schemaId)
                    .contentType("application/avro");
        } else {
            this.validator = null;
            this.contractWriter = null;
        }
        this.valueSerializer = builder.valueSerializer;
        this.lineage = stamp.build();
        this.telemetry = new ProducerTelemetry(builder.openTelemetry, String.valueOf(
                kafka.get(ProducerConfig.CLIENT_ID_CONFIG)), builder.tenant,
                contract == null ? "" : contract.subject());
        if (quotas != null) {
            telemetry.observeQuota(quotas);
        }
        this.delegate = new KafkaProducer<>(kafka, new ByteArraySerializer(), new ByteArraySerializer());
        if (lineage.format() == LineageFormat.COMPACT) {
            telemetry.observeLineage(lineage::carriesDescriptorInline);
            this.descriptorPublisher = DescriptorPublisher.start(kafka, builder.descriptorTopic,
                    lineage.descriptorId(), lineage.descriptor(), new DescriptorPublisher.Listener() {
                        @Override
                        public void published() {
                            lineage.descriptorPublished();
                        }

                        @Override
                        public void failed(String why) {
                            // the records keep carrying the descriptor inline; the publisher logged why
                            telemetry.lineageNotPublished();
                        }
                    });
        } else {
            this.descriptorPublisher = null;
        }
    }

    private static int registerContract(SchemaRegistryClient registry, DataContract contract) {
        try {
            return registry.register(contract.subject(), contract.toSchemaDefinition(), false);
        } catch (SchemaRegistryException e) {
            throw new HeadwaterException("Could not register contract " + contract.subject() + " version "
                    + contract.version() + " with the schema registry: " + e.getMessage(), e);
        }
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
        Objects.requireNonNull(record, "record");
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        try {
            if (tenantPolicy != null) {
                checkGuardrail(record.topic());
            }
            List<Violation> violations = validator == null ? List.of() : validator.validate(record.value());
            if (!violations.isEmpty() && !deadLetter(violations)) {
                telemetry.refused(record.topic(), violations);
                result.completeExceptionally(new ContractViolationException(record.topic(), contract.subject(),
                        contract.version(), violations));
                return result;
            }
            Headers headers = new RecordHeaders(record.headers().toArray());
            byte[] key = serializeKey(record.topic(), headers, record.key());
            byte[] value = serializeValue(record.topic(), headers, record.value());
            if (quotas != null) {
                // records and bytes taken together, once the size is known: all or nothing
                telemetry.quotaWait(record.topic(), quotas.acquire(1, (key == null ? 0 : key.length)
                        + (value == null ? 0 : value.length)));
            }
            LineageContext context = LineageContext.current().orElse(null);
            String eventId = lineage.stamp(headers, context == null ? null : context.correlationId(),
                    context == null ? null : context.causationId());
            if (violations.isEmpty()) {
                write(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), key, value,
                        headers), record.topic(), eventId, false, result);
            } else {
                telemetry.violations(record.topic(), violations);
                DeadLetterRecords.mark(headers, new DeadLetterRecords.Reason("CONTRACT_VIOLATION",
                        new ContractViolationException(record.topic(), contract.subject(), contract.version(),
                                violations), violations, contract.subject() + "@" + contract.version(),
                        application, record.topic(), -1, -1, ""));
                write(new ProducerRecord<>(contract.deadLetterTopic(), null, record.timestamp(), key, value, headers),
                        record.topic(), eventId, true, result);
            }
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

    private void checkGuardrail(String topic) {
        if (permittedTopics.get(topic) == null) {
            tenantPolicy.checkWrite(topic);
            permittedTopics.put(topic, Boolean.TRUE);
        }
    }

    private boolean deadLetter(List<Violation> violations) {
        return switch (failurePolicy) {
            case ERROR -> false;
            case DLQ -> true;
            case PER_RULE -> violations.stream().allMatch(v -> v.onFailure() == OnFailure.DLQ);
        };
    }

    private void write(ProducerRecord<byte[], byte[]> record, String intendedTopic, String eventId,
            boolean deadLettered, CompletableFuture<SendResult> result) {
        Span span = telemetry.startSend(record.topic(), record.headers(), eventId);
        int valueSize = record.value() == null ? 0 : record.value().length;
        try {
            delegate.send(record, (metadata, error) -> {
                if (error != null) {
                    telemetry.failed(span, error);
                    result.completeExceptionally(error);
                } else {
                    telemetry.sent(span, intendedTopic, metadata.partition(), metadata.offset(), valueSize,
                            deadLettered);
                    result.complete(new SendResult(deadLettered ? SendResult.Outcome.DEAD_LETTERED
                            : SendResult.Outcome.SENT, metadata.topic(), metadata.partition(), metadata.offset(),
                            eventId));
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

    private byte[] serializeValue(String topic, Headers headers, V value) {
        if (value == null) {
            return null;
        }
        try {
            return contractWriter != null ? contractWriter.write(value) : valueSerializer.serialize(topic, headers,
                    value);
        } catch (SerdeException e) {
            throw e;
        } catch (Exception e) {
            throw new SerdeException("Could not serialize the value of a record for topic '" + topic + "': "
                    + e.getMessage() + ". Nothing was sent; check that the value matches its schema.", topic,
                    contractWriter == null ? -1 : contractWriter.id(), e);
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
        closeLineage();
        delegate.close(timeout);
    }

    /** Closes the producer, waiting for buffered records to be sent. */
    @Override
    public void close() {
        closeLineage();
        delegate.close();
    }

    private void closeLineage() {
        if (descriptorPublisher != null) {
            descriptorPublisher.close();
        }
        telemetry.close();
    }

    /** @return the lineage stamp of this producer: its format, descriptor and descriptor id */
    public LineageStamp lineage() {
        return lineage;
    }

    /** @return the contract this producer enforces, or null when it has none */
    public DataContract contract() {
        return contract;
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

        private Builder() {
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
