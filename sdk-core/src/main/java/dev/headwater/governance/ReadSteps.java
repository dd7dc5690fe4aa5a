package dev.headwater.governance;

import dev.headwater.contract.ContractRule;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.governance.internal.ReadTelemetry;
import dev.headwater.lineage.RuleOutcome;
import dev.headwater.protection.ProtectionException;
import dev.headwater.protection.internal.FieldProtector;
import dev.headwater.telemetry.MessagingAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.header.Headers;

/**
 * The steps of the {@link ReadPipeline} for one contract (or none), prepared once: the read rules, the freshness
 * objective, the dead-letter topic. Thread safe.
 */
final class ReadSteps {

    private static final AttributeKey<String> FIELD = AttributeKey.stringKey("headwater.field");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("headwater.reason");

    private final DataContract contract;
    private final ContractValidator validator;
    /** The read rules observed where this client runs; null when every rule is enforced. */
    private final ObservedRules observed;
    /** Where refused records go; null when they stop the consumer. */
    private final String deadLetterTopic;
    /** Per topic, how many records the read rules checked and how many broke each; null when nobody asks. */
    private final Map<String, Tally> tallies;

    /** Opens the contract's sealed fields, or masks them; null when it protects none. */
    private final FieldProtector protector;
    /** Counts fields read masked; null without a protector. */
    private final LongCounter masked;

    ReadSteps(DataContract contract, String deadLetterTopic, boolean tally, GovernanceSettings settings) {
        this.contract = contract == null ? null : settle(settings, contract);
        contract = this.contract;
        this.validator = contract == null ? null : contract.readValidator();
        this.observed = ObservedRules.of(contract, settings, false);
        this.deadLetterTopic = deadLetterTopic;
        this.tallies = tally && validator != null ? new ConcurrentHashMap<>() : null;
        this.protector = contract == null ? null : FieldProtector.of(contract, settings.fieldProtection());
        this.masked = protector == null ? null : settings.openTelemetry().meterBuilder(ReadTelemetry.SCOPE)
                .setSchemaUrl(MessagingAttributes.SCHEMA_URL).build()
                .counterBuilder("headwater.consumer.fields.masked")
                .setDescription("Protected fields a consumer read masked, by field and reason: no_access (no key "
                        + "for them), key_destroyed (a shredded subject), unreadable")
                .setUnit("{field}").build();
    }

    /**
     * Opens the sealed fields of a value read, in place, or sets them to the contract's masks when this application
     * may not read them (counted).
     *
     * @return the fields masked: the read rules do not judge them (the record is not at fault for what this reader
     *     may not see)
     * @throws ProtectionException when the key service did not answer: transient, read the record again later
     */
    Set<String> reveal(String topic, Headers headers, Object value) {
        if (protector == null || value == null) {
            return Set.of();
        }
        return protector.reveal(value, headers, (field, reason) -> masked.add(1, Attributes.of(
                MessagingAttributes.DESTINATION_NAME, topic, FIELD, field, REASON, reason.id(),
                MessagingAttributes.CONTRACT, contract.subject())));
    }

    /**
     * @param masked fields the reader sees masked: violations on them are not the record's
     * @return the violations of the read rules; null when the record passes (or there is no contract)
     */
    ContractViolationException check(String topic, int partition, long offset, Object value, Set<String> masked) {
        if (validator == null || value == null) {
            return null;
        }
        List<Violation> violations = validator.validate(value);
        if (!masked.isEmpty() && !violations.isEmpty()) {
            violations = violations.stream().filter(v -> !masked.contains(v.field())).toList();
        }
        if (observed != null && !violations.isEmpty()) {
            List<Violation> found = violations;
            violations = observed.enforced(topic, violations, v -> deadLetterTopic != null ? "dead_letter"
                    : "refuse");
            observed.sample(topic, found, Map.of("partition", partition, "offset", offset));
        }
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

    /** Releases the producer that writes observed-rule samples to a topic, if one was taken. */
    void close() {
        if (observed != null) {
            observed.close();
        }
    }

    /**
     * A consumer settles unset enforcement as the producer did, against the live version; when the registry cannot
     * say, unset rules are enforced (what the producer refused, the consumer would refuse too).
     */
    private static DataContract settle(GovernanceSettings settings, DataContract contract) {
        try {
            return RuleRollout.settle(settings.registry(), contract);
        } catch (dev.headwater.HeadwaterException e) {
            org.slf4j.LoggerFactory.getLogger(ReadSteps.class).warn("{}; its rules whose enforcement is unset are "
                    + "enforced", e.getMessage());
            return contract.withRolloutFrom(null);
        }
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
