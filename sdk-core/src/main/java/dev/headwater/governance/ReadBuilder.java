package dev.headwater.governance;

import dev.headwater.contract.DataContract;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The settings of every consuming route, on top of the common ones: where refused records go and how values are
 * read. {@code GovernedConsumer}'s builder and {@link ReadPipeline#builder()} extend it, so both routes are built,
 * and refused, alike. Not thread safe.
 *
 * @param <B> the concrete builder
 */
public abstract class ReadBuilder<B extends ReadBuilder<B>> extends HeadwaterClientBuilder<B> {

    private String deadLetterTopic;
    private boolean stopOnError;
    private boolean specificReader;
    private Map<String, Object> deadLetterProducerProperties = Map.of();

    /** @param client the built type's name, for messages */
    protected ReadBuilder(String client) {
        super(client);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets aside records that fail in this topic, whatever topic they were read from, instead of the contract's
     * dead-letter topic.
     *
     * @param topic the dead-letter topic
     * @return this builder
     */
    public B deadLetterTopic(String topic) {
        this.deadLetterTopic = Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException(client() + " setting 'deadLetterTopic' must name a topic, was blank");
        }
        return self();
    }

    /**
     * Stops at the first record that fails, leaving it uncommitted, instead of dead-lettering it, even when a
     * dead-letter topic (or the contract's) is set.
     *
     * @return this builder
     */
    public B stopOnError() {
        this.stopOnError = true;
        return self();
    }

    /** @return this builder, reading values into generated SpecificRecord classes */
    public B specificAvroReader() {
        this.specificReader = true;
        return self();
    }

    /**
     * Sets settings of the dead-letter producer that win over those it inherits from the consumer (connection and
     * security settings are inherited; {@code acks=all} and idempotence are its defaults), such as a larger
     * {@code max.request.size}.
     *
     * @param properties Kafka producer settings
     * @return this builder
     */
    public B deadLetterProducerProperties(Map<String, ?> properties) {
        this.deadLetterProducerProperties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
        return self();
    }

    /** @return the dead-letter topic in effect for a contract: none with stop-on-error, else the one set, else its */
    private String deadLetterTopic(DataContract contract) {
        if (stopOnError) {
            return null;
        }
        if (deadLetterTopic != null) {
            return deadLetterTopic;
        }
        return contract != null && !contract.deadLetterTopic().isEmpty() ? contract.deadLetterTopic() : null;
    }

    /**
     * Checks the read settings and builds the pipeline: the steps of each contract, and of topics no contract lists.
     *
     * @param kafka the consumer's Kafka settings as it uses them
     * @param clientId the consumer's client id, for the internal clients' ids
     * @param keys decodes keys
     * @param values decodes values; null to read wire-format Avro through the registry
     * @return the pipeline of one consumer
     * @throws IllegalArgumentException naming the missing or conflicting setting
     * @throws dev.headwater.tenant.GuardrailViolationException when the tenant may not write a dead-letter topic
     */
    protected final ReadPipeline buildPipeline(Map<String, Object> kafka, String clientId, Deserializer<?> keys,
            Deserializer<?> values) {
        Deserializer<?> valueReader = values;
        if (valueReader == null) {
            if (registry() == null) {
                throw new IllegalArgumentException(client() + " needs a value deserializer or a 'schemaRegistry' to "
                        + "read wire-format Avro values");
            }
            AvroSerdeConfig config = AvroSerdeConfig.builder()
                    .urls(registry().urls().stream().map(Object::toString).toArray(String[]::new))
                    .specificAvroReader(specificReader).build();
            valueReader = new AvroDeserializer<Object>(registry(), config, false);
        }
        GovernanceSettings settings = governanceSettings(kafka, clientId);
        // the rules' outcomes are tallied only for dataset events, which report them when the consumer closes
        boolean tally = settings.datasetEvents() != dev.headwater.lineage.DatasetEvents.NONE;
        List<ReadSteps> steps = new ArrayList<>();
        for (DataContract contract : contracts()) {
            steps.add(new ReadSteps(contract, deadLetterTopic(contract), tally, settings));
        }
        ReadSteps ungoverned = new ReadSteps(null, deadLetterTopic(contracts().size() == 1 ? contracts().get(0)
                : null), false, settings);
        if (tenantPolicy() != null) {
            for (ReadSteps each : steps) {
                if (each.deadLetterTopic() != null) {
                    tenantPolicy().checkWrite(each.deadLetterTopic());
                }
            }
            if (ungoverned.deadLetterTopic() != null) {
                tenantPolicy().checkWrite(ungoverned.deadLetterTopic());
            }
        }
        return new ReadPipeline(settings, steps.isEmpty() ? List.of(ungoverned) : steps,
                ungoverned, keys, valueReader, deadLetterProducerProperties);
    }
}
