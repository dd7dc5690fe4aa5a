package dev.headwater.governance;

import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import java.time.Duration;
import java.util.List;

/**
 * The steps of the {@link ReadPipeline} for one contract (or none), prepared once: the read rules, the freshness
 * objective, the dead-letter topic. Thread safe.
 */
final class ReadSteps {

    private final DataContract contract;
    private final ContractValidator validator;
    /** Where refused records go; null when they stop the consumer. */
    private final String deadLetterTopic;

    ReadSteps(DataContract contract, String deadLetterTopic) {
        this.contract = contract;
        this.validator = contract == null ? null : contract.readValidator();
        this.deadLetterTopic = deadLetterTopic;
    }

    /** @return the violations of the read rules; null when the record passes (or there is no contract) */
    ContractViolationException check(String topic, Object value) {
        if (validator == null || value == null) {
            return null;
        }
        List<Violation> violations = validator.validate(value);
        return violations.isEmpty() ? null : new ContractViolationException(topic, contract.subject(),
                contract.version(), violations);
    }

    DataContract contract() {
        return contract;
    }

    String subject() {
        return contract == null ? "" : contract.subject();
    }

    /** @return {@code subject@version}, or empty */
    String contractVersion() {
        return contract == null ? "" : contract.subject() + "@" + contract.version();
    }

    Duration freshness() {
        return contract == null ? Duration.ZERO : contract.serviceLevels().freshness();
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }
}
