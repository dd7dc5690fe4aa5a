package dev.headwater.governance;

import dev.headwater.contract.ContractRule;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.lineage.RuleOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The steps of the {@link ReadPipeline} for one contract (or none), prepared once: the read rules, the freshness
 * objective, the dead-letter topic. Thread safe.
 */
final class ReadSteps {

    private final DataContract contract;
    private final ContractValidator validator;
    /** Where refused records go; null when they stop the consumer. */
    private final String deadLetterTopic;
    /** Per topic, how many records the read rules checked and how many broke each; null when nobody asks. */
    private final Map<String, Tally> tallies;

    ReadSteps(DataContract contract, String deadLetterTopic, boolean tally) {
        this.contract = contract;
        this.validator = contract == null ? null : contract.readValidator();
        this.deadLetterTopic = deadLetterTopic;
        this.tallies = tally && validator != null ? new ConcurrentHashMap<>() : null;
    }

    /** @return the violations of the read rules; null when the record passes (or there is no contract) */
    ContractViolationException check(String topic, Object value) {
        if (validator == null || value == null) {
            return null;
        }
        List<Violation> violations = validator.validate(value);
        if (tallies != null) {
            tallies.computeIfAbsent(topic, t -> new Tally()).count(violations);
        }
        return violations.isEmpty() ? null : new ContractViolationException(topic, contract.subject(),
                contract.version(), violations);
    }

    /**
     * @param topic a topic read
     * @return each read rule with how many records of the topic it checked and how many broke it; empty when no
     *     record was checked (or outcomes are not tallied)
     */
    List<RuleOutcome> outcomes(String topic) {
        Tally tally = tallies == null ? null : tallies.get(topic);
        if (tally == null) {
            return List.of();
        }
        long checked = tally.checked.sum();
        List<RuleOutcome> outcomes = new ArrayList<>();
        for (ContractRule rule : contract.rules()) {
            if (rule.mode().onRead()) {
                LongAdder failed = tally.failed.get(rule.name());
                outcomes.add(new RuleOutcome(rule.name(), rule.field(), checked, failed == null ? 0 : failed.sum()));
            }
        }
        return outcomes;
    }

    /** Records checked and, per rule, records that broke it. */
    private static final class Tally {
        final LongAdder checked = new LongAdder();
        final Map<String, LongAdder> failed = new ConcurrentHashMap<>();

        void count(List<Violation> violations) {
            checked.increment();
            if (!violations.isEmpty()) {
                // a record that breaks a rule on several fields counts once for that rule
                violations.stream().map(Violation::rule).distinct()
                        .forEach(rule -> failed.computeIfAbsent(rule, r -> new LongAdder()).increment());
            }
        }
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
