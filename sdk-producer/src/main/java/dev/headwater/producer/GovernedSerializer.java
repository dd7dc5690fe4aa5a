package dev.headwater.producer;

import dev.headwater.contract.ContractViolationException;
import dev.headwater.governance.DeadLetter;
import dev.headwater.governance.DeadLetterWriteException;
import dev.headwater.governance.HeadwaterClientConfig;
import dev.headwater.governance.Write;
import dev.headwater.governance.WritePipeline;
import dev.headwater.registry.SchemaRegistryClientConfig;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Governs the values of a plain {@code KafkaProducer} (or any framework built on one, such as Spring's
 * {@code KafkaTemplate}) configured by properties only: {@code value.serializer=dev.headwater.producer.GovernedSerializer}
 * beside the same {@code headwater.*} keys {@link GovernedProducer#fromProperties} reads
 * ({@code headwater.application.name}, {@code headwater.contract.file}, {@code headwater.tenant.policy.file},
 * {@code headwater.failure.policy}, {@code headwater.lineage.format}, ...) and the registry's keys
 * ({@code schema.registry.url}, {@code basic.auth.user.info}, {@code schema.registry.ssl.*}, ...).
 *
 * <p>Per record, the {@link WritePipeline} the governed producer uses: the tenant's guardrail, the contract's write
 * rules, the value in the Confluent wire format under the contract's registered schema, the lineage stamp, a PRODUCER
 * span whose context goes in the headers, the size limit and the tenant's quota. A value that breaks an {@code ERROR} rule makes {@code send} throw a
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
    public static final String OPENTELEMETRY = HeadwaterClientConfig.OPENTELEMETRY;
    /**
     * Setting: the contracts themselves, a {@code Collection} of {@link dev.headwater.contract.DataContract}, for
     * frameworks that load them (Spring Boot's starter); each governs the topics it lists. Takes the place of
     * {@code headwater.contract.file}.
     */
    public static final String CONTRACTS = HeadwaterClientConfig.CONTRACTS;

    private WritePipeline pipeline;

    /** Creates a serializer for Kafka to configure. */
    public GovernedSerializer() {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (isKey) {
            throw new ConfigException("GovernedSerializer governs values: set it as value.serializer, not "
                    + "key.serializer");
        }
        if (!configs.containsKey(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL)) {
            throw new ConfigException(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL, null, "is required by "
                    + "GovernedSerializer: the contract's schema is registered there");
        }
        WritePipeline.Builder builder = GovernedProducerConfig.apply(configs, WritePipeline.builder(), true);
        if (!configs.containsKey(CONTRACTS) && !configs.containsKey(GovernedProducerConfig.CONTRACT_FILE)) {
            throw new ConfigException(GovernedProducerConfig.CONTRACT_FILE, null, "is required by GovernedSerializer: "
                    + "it writes values under the contract's schema. Without a contract use your own serializer");
        }
        Object clientId = configs.get(ProducerConfig.CLIENT_ID_CONFIG);
        try {
            this.pipeline = builder.producer(configs, clientId == null ? String.valueOf(
                    configs.get(GovernedProducerConfig.APPLICATION_NAME)) : clientId.toString()).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
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
     * @throws org.apache.kafka.common.errors.RecordTooLargeException when it is larger than {@code max.request.size}
     */
    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        if (pipeline == null) {
            throw new IllegalStateException("GovernedSerializer is not configured: Kafka configures it when it is "
                    + "set as value.serializer");
        }
        Write write = pipeline.write(topic, headers, data, null);
        switch (write.outcome()) {
            case REFUSED -> throw write.error() instanceof ContractViolationException violation
                    ? new ContractRefusedException(violation) : write.error();
            case DEAD_LETTER -> throw deadLettered(write);
            default -> {
                pipeline.handedOff(write);
                return write.value();
            }
        }
    }

    /** Writes the dead letter the pipeline made (a value serializer never sees the key: it carries none). */
    private RuntimeException deadLettered(Write write) {
        RecordMetadata written;
        try {
            written = pipeline.deadLetterWriter().write(new DeadLetter(write.topic(), null, write.value(),
                    write.headers(), null), "topic '" + write.intendedTopic() + "'");
        } catch (DeadLetterWriteException e) {
            pipeline.failed(write, e.getCause() == null ? e : e.getCause());
            return new SerializationException("A record for topic '" + write.intendedTopic() + "' broke rules that "
                    + "dead-letter (" + write.violations() + ") but could not be dead-lettered: " + e.getMessage()
                    + ". Nothing was sent.", e);
        }
        pipeline.acknowledged(write, written.partition(), written.offset());
        return new RecordDeadLetteredException(write.intendedTopic(), write.topic(), written.partition(),
                written.offset(), write.eventId(), write.violations());
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }
}
