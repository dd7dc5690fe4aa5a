package dev.headwater.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Enforcement;
import dev.headwater.contract.ObservationSampling;
import dev.headwater.contract.Violation;
import dev.headwater.governance.internal.ReadTelemetry;
import dev.headwater.lineage.DescriptorPublisher;
import dev.headwater.telemetry.MessagingAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of one contract that are observed where a client runs, and what is done with their violations: counted
 * ({@value #METRIC}, one per record and rule, with what enforcing the rule would have done and, on write, the
 * producing application and version), sampled (the first records
 * of each period, as pointers, to the log or the topic the contract names), and taken out of the violations that
 * decide the record's fate. Which rules are observed is settled once: the platform's override for the rule, else the
 * contract's enforcement in the client's environment. Thread safe.
 */
final class ObservedRules implements AutoCloseable {

    /** The counter of records that broke an observed rule. */
    static final String METRIC = "headwater.contract.violations.observed";
    /** What enforcing the rule would have done to the record: {@code refuse} or {@code dead_letter}. */
    static final AttributeKey<String> WOULD = AttributeKey.stringKey("headwater.rule.would");
    /** Where the rule was checked: {@code write} or {@code read}. */
    static final AttributeKey<String> SIDE = AttributeKey.stringKey("headwater.rule.side");
    /** The environment the client runs in. */
    static final AttributeKey<String> ENVIRONMENT = AttributeKey.stringKey("headwater.environment");

    private static final Logger log = LoggerFactory.getLogger(ObservedRules.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataContract contract;
    private final GovernanceSettings settings;
    private final Set<String> observed;
    private final boolean write;
    private final LongCounter counter;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicBoolean sampleFailureLogged = new AtomicBoolean();
    private volatile DescriptorPublisher.Lease sampler;

    private ObservedRules(DataContract contract, GovernanceSettings settings, Set<String> observed, boolean write,
            Clock clock) {
        this.contract = contract;
        this.settings = settings;
        this.observed = observed;
        this.write = write;
        this.clock = clock;
        this.counter = settings.openTelemetry().meterBuilder(ReadTelemetry.SCOPE)
                .setSchemaUrl(MessagingAttributes.SCHEMA_URL).build()
                .counterBuilder(METRIC)
                .setDescription("Records that broke a rule in observe mode and passed, by rule and by what enforcing "
                        + "it would have done (headwater.rule.would: refuse or dead_letter): the rollout report's "
                        + "input")
                .setUnit("{record}").build();
    }

    /**
     * @param contract the contract, or null
     * @param settings the client's settings: its environment and the platform's overrides
     * @param write true for the producer's side (write rules), false for the consumer's
     * @return the observed rules of the contract on that side; null when none is observed (nothing to do per record)
     */
    static ObservedRules of(DataContract contract, GovernanceSettings settings, boolean write) {
        return of(contract, settings, write, Clock.systemUTC());
    }

    static ObservedRules of(DataContract contract, GovernanceSettings settings, boolean write, Clock clock) {
        if (contract == null) {
            return null;
        }
        Set<String> observed = new LinkedHashSet<>();
        for (ContractRule rule : contract.rules()) {
            if ((write ? rule.mode().onWrite() : rule.mode().onRead())
                    && enforcement(rule, contract, settings) == Enforcement.OBSERVE) {
                observed.add(rule.name());
            }
        }
        return observed.isEmpty() ? null : new ObservedRules(contract, settings, Set.copyOf(observed), write, clock);
    }

    /**
     * @return how a rule is enforced where this client runs: the platform's override ({@code subject:rule}, then the
     *     rule's name alone), else the contract's enforcement in the client's environment
     */
    static Enforcement enforcement(ContractRule rule, DataContract contract, GovernanceSettings settings) {
        Map<String, Enforcement> overrides = settings.ruleEnforcement();
        Enforcement override = overrides.get(contract.subject() + ":" + rule.name());
        if (override == null) {
            override = overrides.get(rule.name());
        }
        return override != null ? override : rule.enforcement().in(settings.environment());
    }

    /**
     * Takes the violations of observed rules out of a record's violations and counts them, once per record and rule.
     *
     * @param topic the record's topic
     * @param violations all its violations
     * @param would what enforcing a violated rule would do to the record: {@code refuse} or {@code dead_letter}
     * @return the violations of enforced rules, which decide the record's fate; empty when every one is observed
     */
    List<Violation> enforced(String topic, List<Violation> violations,
            java.util.function.Function<Violation, String> would) {
        List<Violation> enforced = null;
        Set<String> counted = null;
        for (int i = 0; i < violations.size(); i++) {
            Violation violation = violations.get(i);
            if (!observed.contains(violation.rule())) {
                if (enforced != null) {
                    enforced.add(violation);
                }
                continue;
            }
            if (enforced == null) {
                enforced = new ArrayList<>(violations.subList(0, i));
                counted = new LinkedHashSet<>(2);
            }
            if (counted.add(violation.rule())) { // a record that breaks a rule on several fields counts once
                var attributes = Attributes.builder()
                        .put(MessagingAttributes.DESTINATION_NAME, topic)
                        .put(MessagingAttributes.CONTRACT, contract.subject())
                        .put(MessagingAttributes.RULE, violation.rule())
                        .put(WOULD, would.apply(violation))
                        .put(SIDE, write ? "write" : "read")
                        .put(ENVIRONMENT, settings.environment());
                if (write) { // the producer that would have been refused; a consumer's route may name no application
                    attributes.put(MessagingAttributes.APPLICATION, settings.application())
                            .put(MessagingAttributes.APPLICATION_VERSION, settings.applicationVersion());
                }
                counter.add(1, attributes.build());
            }
        }
        return enforced == null ? violations : enforced;
    }

    /**
     * Samples a record that broke observed rules, if the period's samples of those rules are not all taken.
     *
     * @param topic the record's topic
     * @param violations its violations (those of enforced rules are left out)
     * @param pointer where the record is: partition and offset (read) or event id (write)
     */
    void sample(String topic, List<Violation> violations, Map<String, Object> pointer) {
        List<Violation> seen = violations.stream().filter(v -> observed.contains(v.rule())).toList();
        if (!seen.isEmpty()) {
            Map<String, Object> where = new java.util.LinkedHashMap<>();
            where.put("topic", topic);
            where.putAll(pointer);
            sampleObserved(topic, seen, where);
        }
    }

    private void sampleObserved(String topic, List<Violation> violations, Map<String, Object> pointer) {
        ObservationSampling sampling = contract.observation();
        if (sampling.records() == 0) {
            return;
        }
        List<Violation> sampled = new ArrayList<>(violations.size());
        for (Violation violation : violations) {
            Window window = windows.computeIfAbsent(violation.rule(), rule -> new Window());
            if (window.take(clock.millis(), sampling)) {
                sampled.add(violation);
            }
        }
        if (sampled.isEmpty()) {
            return;
        }
        ObjectNode sample = JSON.createObjectNode();
        sample.put("contract", contract.subject() + "@" + contract.version());
        sample.put("side", write ? "write" : "read");
        sample.put("application", settings.application());
        sample.put("environment", settings.environment());
        pointer.forEach((key, value) -> sample.putPOJO(key, value));
        ArrayNode list = sample.putArray("violations");
        for (Violation violation : sampled) {
            list.addObject().put("rule", violation.rule()).put("field", violation.field())
                    .put("message", violation.message()).put("value", violation.value());
        }
        String text = sample.toString();
        if (sampling.topic().isEmpty()) {
            log.info("Observed rule(s) {} of contract {} broken on topic {} (the record passed; at most {} samples "
                    + "per rule every {}): {}", sampled.stream().map(Violation::rule).distinct().toList(),
                    contract.subject(), topic, sampling.records(), sampling.period(), text);
            return;
        }
        sampler().send(sampling.topic(), null, text.getBytes(StandardCharsets.UTF_8)).whenComplete((ok, error) -> {
            if (error != null && sampleFailureLogged.compareAndSet(false, true)) {
                log.warn("Could not write observed-rule samples of contract {} to topic '{}' ({}); they are logged "
                        + "instead. Create the topic or grant this application write access to it.",
                        contract.subject(), sampling.topic(), DescriptorPublisher.describe(error));
            }
            if (error != null) {
                log.info("Observed rule sample of contract {}: {}", contract.subject(), text);
            }
        });
    }

    private DescriptorPublisher.Lease sampler() {
        DescriptorPublisher.Lease lease = sampler;
        if (lease == null) {
            synchronized (this) {
                if (sampler == null) {
                    sampler = settings.sharedResources().descriptorPublisher(settings.kafka());
                }
                lease = sampler;
            }
        }
        return lease;
    }

    /** @return the names of the rules observed */
    Set<String> observed() {
        return observed;
    }

    @Override
    public void close() {
        DescriptorPublisher.Lease lease = sampler;
        if (lease != null) {
            lease.close();
        }
    }

    /** Samples taken in the current period of one rule. */
    private static final class Window {
        private long start = Long.MIN_VALUE;
        private int taken;

        synchronized boolean take(long now, ObservationSampling sampling) {
            if (start == Long.MIN_VALUE || now - start >= sampling.period().toMillis()) {
                start = now;
                taken = 0;
            }
            if (taken >= sampling.records()) {
                return false;
            }
            taken++;
            return true;
        }
    }
}
