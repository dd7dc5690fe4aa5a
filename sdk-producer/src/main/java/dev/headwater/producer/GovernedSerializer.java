package dev.headwater.producer;

import dev.headwater.contract.Violation;
import dev.headwater.internal.ClientSettings;
import dev.headwater.internal.HeadwaterProperties;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.producer.internal.Governance;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryClientConfig;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Governs the values of a plain {@code KafkaProducer} (or any framework built on one, such as Spring's
 * {@code KafkaTemplate}) configured by properties only: {@code value.serializer=dev.headwater.producer.GovernedSerializer}
 * beside the same {@code headwater.*} keys {@link GovernedProducer#fromProperties} reads
 * ({@code headwater.application.name}, {@code headwater.contract.file}, {@code headwater.tenant.policy.file},
 * {@code headwater.failure.policy}, {@code headwater.lineage.format}, ...) and the registry's keys
 * ({@code schema.registry.url}, {@code basic.auth.user.info}, {@code schema.registry.ssl.*}, ...).
 *
 * <p>Per record, as the governed producer does: the tenant's guardrail, the contract's write rules, the value in the
 * Confluent wire format under the contract's registered schema, the tenant's quota, the lineage stamp and a PRODUCER
 * span whose context goes in the headers. A value that breaks an {@code ERROR} rule makes {@code send} throw a
 * {@link ContractRefusedException} (a {@code SerializationException}) and nothing is sent; a value that breaks only
 * {@code DLQ} rules is written to the contract's dead-letter topic with the {@code hw_dlq_*} headers the governed
 * producer writes (by an internal producer that inherits this producer's connection and security settings) and
 * {@code send} throws a {@link RecordDeadLetteredException} saying where: a dead-lettered send is told apart from a
 * sent one and nothing is lost. A value serializer does not see the key: the dead letter carries none.
 *
 * <p>The span is ended when the value is serialized, not when the broker acknowledges the record (a serializer does not
 * see the acknowledgement); {@link GovernedProducer} times spans to the acknowledgement. Set
 * {@code headwater.opentelemetry} to an {@code OpenTelemetry} instance, else {@link GlobalOpenTelemetry} is used. Use it
 * for values only. Thread safe, like Kafka's serializers.
 *
 * @param <T> the value type: Avro records of the contract's schema
 */
public final class GovernedSerializer<T> implements Serializer<T> {

    /** Setting: the {@code OpenTelemetry} instance to report to; {@link GlobalOpenTelemetry} by default. */
    public static final String OPENTELEMETRY = "headwater.opentelemetry";
    /**
     * Setting: the contracts themselves, a {@code Collection} of {@link dev.headwater.contract.DataContract}, for
     * frameworks that load them (Spring Boot's starter); each governs the topics it lists. Takes the place of
     * {@code headwater.contract.file}.
     */
    public static final String CONTRACTS = "headwater.contracts";

    /** One per contract, in the order given. */
    private List<Governance> governances = List.of();
    /** Which contract governs a topic, from each contract's {@code topics}. */
    private Map<String, Governance> byTopic = Map.of();
    private Map<String, Object> deadLetterSettings;
    private DatasetEvents datasetEvents = DatasetEvents.NONE;
    private volatile Producer<byte[], byte[]> deadLetters;

    /** Creates a serializer for Kafka to configure. */
    public GovernedSerializer() {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (isKey) {
            throw new ConfigException("GovernedSerializer governs values: set it as value.serializer, not "
                    + "key.serializer");
        }
        Map<String, Object> given = new HashMap<>(configs);
        Object telemetry = given.remove(OPENTELEMETRY);
        List<dev.headwater.contract.DataContract> instances = contracts(given.remove(CONTRACTS));
        OpenTelemetry openTelemetry = telemetry instanceof OpenTelemetry instance ? instance : GlobalOpenTelemetry.get();
        HeadwaterProperties.Split split = HeadwaterProperties.split(given, GovernedProducerConfig.CONFIG_DEF,
                "producer");
        AbstractConfig config = new AbstractConfig(GovernedProducerConfig.CONFIG_DEF, split.headwater(), false);
        String contractFile = config.getString(GovernedProducerConfig.CONTRACT_FILE);
        if (contractFile == null && instances.isEmpty()) {
            throw new ConfigException(GovernedProducerConfig.CONTRACT_FILE, null, "is required by GovernedSerializer: "
                    + "it writes values under the contract's schema. Without a contract use your own serializer");
        }
        if (!split.registry().containsKey(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL)) {
            throw new ConfigException(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL, null, "is required by "
                    + "GovernedSerializer: the contract's schema is registered there");
        }
        String policyFile = config.getString(GovernedProducerConfig.TENANT_POLICY_FILE);
        TenantPolicy policy = policyFile == null ? null
                : TenantPolicy.load(policyFile, config.getString(GovernedProducerConfig.ENVIRONMENT));
        String application = config.getString(GovernedProducerConfig.APPLICATION_NAME);
        Object clientId = split.kafka().getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, application);
        SchemaRegistryClient registry = SchemaRegistryClient.fromProperties(split.registry());
        List<dev.headwater.contract.DataContract> contracts = new ArrayList<>(instances);
        if (contracts.isEmpty()) {
            for (String file : GovernedProducerConfig.contractFiles(contractFile)) {
                contracts.add(dev.headwater.contract.DataContract.load(file));
            }
        }
        this.datasetEvents = DatasetEvents.configure(split.headwater());
        List<Governance> governances = new ArrayList<>();
        Map<String, Governance> topics = new HashMap<>();
        for (var contract : contracts) {
            Governance governance = new Governance(new Governance.Settings(application,
                    config.getString(GovernedProducerConfig.APPLICATION_VERSION),
                    policy != null ? policy.tenant() : config.getString(GovernedProducerConfig.TENANT), contract,
                    registry, FailurePolicy.valueOf(config.getString(GovernedProducerConfig.FAILURE_POLICY)
                            .toUpperCase(Locale.ROOT)),
                    policy, openTelemetry,
                    LineageFormat.parse(config.getString(GovernedProducerConfig.LINEAGE_FORMAT)),
                    config.getString(GovernedProducerConfig.LINEAGE_DESCRIPTOR_TOPIC), split.kafka(),
                    String.valueOf(clientId), datasetEvents));
            governances.add(governance);
            if (policy != null && !contract.deadLetterTopic().isEmpty()) {
                policy.checkWrite(contract.deadLetterTopic());
            }
            for (String topic : contract.topics()) {
                Governance other = topics.putIfAbsent(topic, governance);
                if (other != null && contracts.size() > 1) {
                    throw new ConfigException(instances.isEmpty() ? GovernedProducerConfig.CONTRACT_FILE : CONTRACTS,
                            instances.isEmpty() ? contractFile : contracts.toString(), "topic '" + topic
                            + "' is listed by two contracts, " + other.contract().subject() + " and "
                            + contract.subject() + ": a topic's values are governed by one contract");
                }
            }
        }
        this.governances = List.copyOf(governances);
        this.byTopic = Map.copyOf(topics);
        this.deadLetterSettings = ClientSettings.derive(split.kafka(), ClientSettings.Kind.PRODUCER,
                clientId + "-dead-letters", Map.of(ProducerConfig.ACKS_CONFIG, "all"));
    }

    /**
     * Governs and serializes a value without headers to stamp: used outside a {@code KafkaProducer}; the lineage is
     * lost with the headers. Kafka calls {@link #serialize(String, Headers, Object)}.
     */
    @Override
    public byte[] serialize(String topic, T data) {
        return serialize(topic, new RecordHeaders(), data);
    }

    /**
     * Governs and serializes a value.
     *
     * @throws ContractRefusedException when an {@code ERROR} rule refuses it; nothing is sent
     * @throws RecordDeadLetteredException when {@code DLQ} rules set it aside: it was dead-lettered, not sent
     * @throws dev.headwater.tenant.GuardrailViolationException when the topic is outside the tenant's namespaces
     * @throws dev.headwater.tenant.QuotaExceededException when the tenant's quota refuses it
     * @throws dev.headwater.serde.SerdeException when the value does not fit the contract's schema
     */
    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        Governance steps = governing(topic);
        steps.checkGuardrail(topic);
        List<Violation> violations = steps.validate(data);
        if (!violations.isEmpty() && !steps.deadLetters(violations)) {
            throw new ContractRefusedException(steps.refuse(topic, violations));
        }
        byte[] value = steps.serializeValue(topic, headers, data, null);
        steps.takeQuota(topic, value == null ? 0 : value.length);
        String eventId = steps.stamp(headers);
        if (!violations.isEmpty()) {
            steps.markDeadLetter(headers, topic, violations);
            deadLetter(steps, topic, headers, value, eventId, violations);
        }
        Span span = steps.telemetry().startSend(topic, headers, eventId);
        span.end();
        return value;
    }

    private void deadLetter(Governance steps, String topic, Headers headers, byte[] value, String eventId,
            List<Violation> violations) {
        String deadLetterTopic = steps.deadLetterTopic();
        Span span = steps.telemetry().startSend(deadLetterTopic, headers, eventId);
        RecordMetadata written;
        try {
            written = deadLetterProducer().send(new ProducerRecord<>(deadLetterTopic, null, (byte[]) null, value,
                    headers))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            steps.telemetry().failed(span, e);
            throw new org.apache.kafka.common.errors.InterruptException("Interrupted while dead-lettering a record "
                    + "for topic '" + topic + "'; it was neither sent nor dead-lettered", e);
        } catch (ExecutionException e) {
            steps.telemetry().failed(span, e.getCause());
            throw new org.apache.kafka.common.errors.SerializationException("A record for topic '" + topic
                    + "' broke rules that dead-letter (" + violations + ") but could not be written to dead-letter "
                    + "topic '" + deadLetterTopic + "': " + e.getCause().getMessage() + ". Nothing was sent.",
                    e.getCause());
        }
        steps.telemetry().sent(span, topic, written.partition(), written.offset(),
                value == null ? 0 : value.length, true);
        throw new RecordDeadLetteredException(topic, deadLetterTopic, written.partition(), written.offset(), eventId,
                violations);
    }

    private Producer<byte[], byte[]> deadLetterProducer() {
        Producer<byte[], byte[]> producer = deadLetters;
        if (producer == null) {
            synchronized (this) {
                producer = deadLetters;
                if (producer == null) {
                    producer = new KafkaProducer<>(deadLetterSettings, new ByteArraySerializer(),
                            new ByteArraySerializer());
                    deadLetters = producer;
                }
            }
        }
        return producer;
    }

    private static List<dev.headwater.contract.DataContract> contracts(Object given) {
        if (given == null) {
            return List.of();
        }
        if (!(given instanceof java.util.Collection<?> collection) || collection.isEmpty()) {
            throw new ConfigException(CONTRACTS, given, "must be a non-empty collection of DataContract");
        }
        List<dev.headwater.contract.DataContract> contracts = new ArrayList<>();
        for (Object each : collection) {
            if (!(each instanceof dev.headwater.contract.DataContract contract)) {
                throw new ConfigException(CONTRACTS, each, "is not a DataContract");
            }
            contracts.add(contract);
        }
        return contracts;
    }

    /** The contract governing a topic: the one listing it, or the only one. */
    private Governance governing(String topic) {
        if (governances.isEmpty()) {
            throw new IllegalStateException("GovernedSerializer is not configured: Kafka configures it when it is "
                    + "set as value.serializer");
        }
        Governance governance = byTopic.get(topic);
        if (governance != null) {
            return governance;
        }
        if (governances.size() == 1) {
            return governances.get(0); // one contract governs every topic this producer writes
        }
        StringBuilder listed = new StringBuilder();
        for (Governance each : governances) {
            listed.append(listed.length() == 0 ? "" : "; ").append(each.contract().subject()).append(" lists ")
                    .append(each.contract().topics());
        }
        throw new org.apache.kafka.common.errors.SerializationException("No contract governs topic '" + topic
                + "' (" + listed + "). Nothing was sent; add the topic to its contract's topics.");
    }

    @Override
    public void close() {
        governances.forEach(Governance::close);
        datasetEvents.close();
        Producer<byte[], byte[]> producer = deadLetters;
        if (producer != null) {
            producer.close();
        }
    }
}
