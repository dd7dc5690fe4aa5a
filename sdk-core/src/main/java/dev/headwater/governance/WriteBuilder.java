package dev.headwater.governance;

import dev.headwater.contract.DataContract;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.contract.OnFailure;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.internal.FieldProtector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of every producing route, on top of the common ones: what to do with records that break the contract
 * and how records carry their lineage. {@code GovernedProducer}'s builder and {@link WritePipeline#builder()} extend
 * it, so both routes are built, and refused, alike. Not thread safe.
 *
 * @param <B> the concrete builder
 */
public abstract class WriteBuilder<B extends WriteBuilder<B>> extends HeadwaterClientBuilder<B> {

    private FailurePolicy failurePolicy = FailurePolicy.PER_RULE;
    private LineageFormat lineageFormat = LineageFormat.COMPACT;

    /** @param client the built type's name, for messages */
    protected WriteBuilder(String client) {
        super(client);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** @param policy what to do with records that break the contract; default PER_RULE @return this builder */
    public B failurePolicy(FailurePolicy policy) {
        this.failurePolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * Chooses how records carry their lineage: {@link LineageFormat#COMPACT} (format 2, the default: one header of
     * at most 16 bytes, the producer's descriptor published once to the descriptor topic) or
     * {@link LineageFormat#CLOUDEVENTS} (format 1: CloudEvents binary-mode headers, about 400 bytes per record, for
     * consumers that read CloudEvents).
     *
     * @param format the format
     * @return this builder
     */
    public B lineageFormat(LineageFormat format) {
        this.lineageFormat = Objects.requireNonNull(format, "format");
        return self();
    }

    /**
     * Checks the write settings and builds the pipeline: the steps of each contract (or one without a contract when
     * none was given), each contract's schema registered.
     *
     * @param kafka the producer's Kafka settings as it uses them
     * @param clientId the producer's client id
     * @return the pipeline of one producer
     * @throws IllegalArgumentException naming the missing or conflicting setting
     * @throws dev.headwater.tenant.GuardrailViolationException when the tenant may not write a dead-letter topic
     * @throws dev.headwater.HeadwaterException when a contract cannot be registered
     */
    protected final WritePipeline buildPipeline(Map<String, Object> kafka, String clientId) {
        if (application() == null) {
            require(null, "application");
        }
        for (DataContract contract : contracts()) {
            if (registry() == null) {
                throw new IllegalArgumentException(client() + " setting 'schemaRegistry' is required with a contract: "
                        + "the contract's schema is registered there and values carry its id");
            }
            boolean deadLetters = failurePolicy == FailurePolicy.DLQ
                    || failurePolicy == FailurePolicy.PER_RULE
                    && contract.rules().stream().anyMatch(r -> r.onFailure() == OnFailure.DLQ && r.mode().onWrite());
            if (deadLetters && contract.deadLetterTopic().isEmpty()) {
                throw new IllegalArgumentException("Contract " + contract.subject() + " dead-letters records ("
                        + (failurePolicy == FailurePolicy.DLQ ? "failure policy DLQ" : "rules with onFailure DLQ")
                        + ") but has no deadLetterTopic: set one in the contract, or failure policy ERROR");
            }
            if (tenantPolicy() != null && !contract.deadLetterTopic().isEmpty()) {
                tenantPolicy().checkWrite(contract.deadLetterTopic());
            }
            FieldProtector protector = FieldProtector.of(contract, FieldProtection.NONE);
            if (protector != null && fieldProtection() == FieldProtection.NONE) {
                // fail closed: a producer that cannot protect what the contract protects must not write it in clear
                throw new IllegalArgumentException("Contract " + contract.subject() + " protects "
                        + protector.describe() + " where the values are born, and " + client() + " has no keys to "
                        + "protect them with: nothing is written in clear instead. Add dev.headwater:"
                        + "headwater-protection and set " + FieldProtection.PREFIX + "* (such as "
                        + FieldProtection.PREFIX + "keystore), or call fieldProtection(...) on the builder");
            }
        }
        GovernanceSettings settings = governanceSettings(kafka, clientId);
        List<WriteSteps> steps = new ArrayList<>();
        try {
            if (contracts().isEmpty()) {
                steps.add(new WriteSteps(settings, null, failurePolicy, lineageFormat));
            }
            for (DataContract contract : contracts()) {
                steps.add(new WriteSteps(settings, contract, failurePolicy, lineageFormat));
            }
            return new WritePipeline(settings, steps);
        } catch (RuntimeException e) {
            steps.forEach(WriteSteps::close);
            settings.datasetEvents().close();
            settings.fieldProtection().close();
            throw e;
        }
    }
}
