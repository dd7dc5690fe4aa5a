package dev.headwater.governance;

import dev.headwater.contract.DataContract;
import dev.headwater.governance.internal.TopicRouting;
import dev.headwater.lineage.LineageStamp;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place a governed record is written. Every producing route (the governed producer and its {@code Producer}
 * view, the serializer in a plain {@code KafkaProducer} or Spring's {@code KafkaTemplate}) hands each record to
 * {@link #write} and keeps only its transport; as OpenTelemetry's {@code Instrumenter} does for spans, the pipeline
 * does the governance and the route adapts its library to it. In this order, once per record:
 * <ol>
 *   <li>the tenant's guardrail (the topic must be in its namespaces);</li>
 *   <li>the contract's write rules, and the decision: send, dead-letter (every broken rule says DLQ, or the failure
 *       policy does) or refuse;</li>
 *   <li>the fields the contract protects sealed ({@code encrypt}) or tokenized ({@code token}) in a copy of the
 *       value, the data key's reference in the {@code hw_key} header;</li>
 *   <li>the value serialized: in the Confluent wire format under the contract's registered schema, or by the route's
 *       serializer without a contract;</li>
 *   <li>lineage stamped, with the correlation and causation of the record this thread handles;</li>
 *   <li>a dead letter's {@code hw_dlq_*} headers;</li>
 *   <li>a PRODUCER span started, its context injected into the headers;</li>
 *   <li>the record's size against {@code max.request.size};</li>
 *   <li>the tenant's produce quota taken for one record and its value's bytes.</li>
 * </ol>
 * The route writes what the {@link Write} says, then reports how it ended, once: {@link #acknowledged},
 * {@link #failed}, or {@link #handedOff} when it cannot see the broker's answer.
 *
 * <p>One pipeline per producer, built by {@link WriteBuilder} ({@code GovernedProducer}'s builder, or
 * {@link #builder()}): the steps of each contract are prepared once (its schema registered, its rules compiled, its
 * lineage descriptor published), and a topic is governed by the contract that lists it, or by the only one. Thread
 * safe.
 */
public final class WritePipeline implements AutoCloseable {

    private final GovernanceSettings settings;
    private final TopicRouting<WriteSteps> routing;
    /** Its producer is created on the first dead letter written. */
    private final DeadLetterWriter deadLetters;

    WritePipeline(GovernanceSettings settings, List<WriteSteps> steps) {
        this.settings = settings;
        this.routing = new TopicRouting<>(steps, WriteSteps::contract);
        this.deadLetters = new DeadLetterWriter(settings.kafka(), settings.clientId() + "-dead-letters",
                Map.of(ProducerConfig.ACKS_CONFIG, "all"));
    }

    /** @return a builder of the pipeline of a producer that is not a {@code GovernedProducer}, such as a serializer */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Governs one record and decides what becomes of it. A refusal is a {@link Write} whose {@link Write#error()} the
     * route gives its caller.
     *
     * @param topic the topic the record is meant for
     * @param headers the record's headers, to be written (changed in place: lineage, trace context, dead-letter
     *     headers); pass a copy when the caller's must stay as they are
     * @param value the value, may be null
     * @param valueSerializer serializes the value without a contract; ignored with one
     * @param <V> the value type
     * @return the decision: a record to send or dead-letter, or a refusal
     */
    public <V> Write write(String topic, Headers headers, V value, Serializer<V> valueSerializer) {
        WriteSteps steps = routing.forTopic(topic);
        if (steps == null) {
            return Write.refused(null, topic, new SerializationException("No contract governs topic '" + topic + "' ("
                    + routing.describe() + "). Nothing was sent; add the topic to its contract's topics."), List.of());
        }
        return steps.write(topic, headers, value, valueSerializer);
    }

    /**
     * The broker acknowledged a record this pipeline decided to write: ends its span and counts it under the topic
     * it was meant for.
     *
     * @param write the decision
     * @param partition where it was written
     * @param offset at which offset
     */
    public void acknowledged(Write write, int partition, long offset) {
        write.steps.acknowledged(write, partition, offset);
    }

    /**
     * The route handed the record to a Kafka producer whose answer it cannot see (a serializer): ends the span and
     * counts the record sent.
     *
     * @param write the decision
     */
    public void handedOff(Write write) {
        write.steps.handedOff(write);
    }

    /**
     * Writing a record this pipeline decided to write failed (the broker refused it, or its dead letter could not be
     * written): ends its span with the error.
     *
     * @param write the decision
     * @param error why
     */
    public void failed(Write write, Throwable error) {
        write.steps.failed(write, error);
    }

    /**
     * The dead letter of a record this pipeline refused, for a route that has no caller to give the refusal to (a
     * Kafka Streams application, whose refused outputs go to dead-letter topics so that it keeps running): the
     * record as the route has it, with the {@code hw_dlq_*} headers saying why, for the dead-letter topic of the
     * contract governing the topic it was meant for.
     *
     * @param refused a {@link Write.Outcome#REFUSED} decision
     * @param key the record's key as the route serialized it, may be null
     * @param value the record's value as the route has it (the input it was derived from), may be null
     * @param headers the record's headers, copied; may be null
     * @return the dead letter; empty when no contract with a dead-letter topic governs the topic
     * @throws IllegalArgumentException when the decision is not a refusal
     */
    public java.util.Optional<DeadLetter> deadLetterOf(Write refused, byte[] key, byte[] value, Headers headers) {
        if (refused.outcome() != Write.Outcome.REFUSED) {
            throw new IllegalArgumentException("only a refused record has a dead letter to make; this one is "
                    + refused.outcome());
        }
        WriteSteps steps = refused.steps != null ? refused.steps : routing.forTopic(refused.intendedTopic());
        return steps == null ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(steps.deadLetterOf(refused, key, value, headers));
    }

    /** @return the contracts, in their order; empty without */
    public List<DataContract> contracts() {
        return routing.all().stream().map(WriteSteps::contract).filter(Objects::nonNull).toList();
    }

    /** @return the lineage stamp of the first contract's steps (the only one of a {@code GovernedProducer}) */
    public LineageStamp lineage() {
        return routing.all().get(0).lineage();
    }

    /** @return the settings the pipeline was built from */
    public GovernanceSettings settings() {
        return settings;
    }

    /**
     * @return a writer of dead letters that inherits the producer's settings (its producer created on first use),
     *     closed with this pipeline
     */
    public DeadLetterWriter deadLetterWriter() {
        return deadLetters;
    }

    /** Closes the steps of every contract, the dead-letter writer, the dataset events and the field protection. */
    @Override
    public void close() {
        routing.all().forEach(WriteSteps::close);
        settings.datasetEvents().close();
        settings.fieldProtection().close();
        deadLetters.close();
    }

    /** Builds the pipeline of a producer that is not a {@code GovernedProducer}, such as a serializer. */
    public static final class Builder extends WriteBuilder<Builder> {
        private Map<String, Object> kafka = Map.of();
        private String clientId;

        private Builder() {
            super("GovernedSerializer");
        }

        /**
         * @param kafka the producer's Kafka settings, inherited by internal clients (dead letters, descriptors)
         * @param clientId the producer's client id
         * @return this builder
         */
        public Builder producer(Map<String, ?> kafka, String clientId) {
            this.kafka = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(
                    Objects.requireNonNull(kafka, "kafka")));
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /**
         * @return the pipeline
         * @throws IllegalArgumentException naming the missing or conflicting setting
         */
        public WritePipeline build() {
            require(clientId, "producer");
            return buildPipeline(kafka, clientId);
        }
    }
}
