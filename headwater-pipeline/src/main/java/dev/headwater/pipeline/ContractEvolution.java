package dev.headwater.pipeline;

import dev.headwater.contract.AvroFields;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Enforcement;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.Protection;
import dev.headwater.contract.RuleEnforcement;
import dev.headwater.contract.ServiceLevels;
import dev.headwater.pipeline.EvolutionReport.Change;
import dev.headwater.pipeline.EvolutionReport.Kind;
import dev.headwater.registry.CompatibilityLevel;
import dev.headwater.registry.CompatibilityResult;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Compares two versions of a contract and classes every change as breaking or not: schema compatibility at the new
 * contract's level (offline with Avro's own checker, or through the registry), fields removed or renamed without an
 * alias, enum symbols removed, rules added or tightened so existing data would fail, service levels and compatibility
 * loosened. The testkit's contract tests and build plugins call it.
 */
public final class ContractEvolution {

    private ContractEvolution() {
    }

    /**
     * Compares two versions offline.
     *
     * @param previous the version in use
     * @param next the proposed version
     * @return every change
     */
    public static EvolutionReport compare(DataContract previous, DataContract next) {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(next, "next");
        List<Change> changes = new ArrayList<>();
        schema(previous, next, changes);
        fields(previous.schema(), next.schema(), changes);
        rules(previous, next, changes);
        protection(previous, next, changes);
        settings(previous, next, changes);
        return new EvolutionReport(previous.version(), next.version(), changes);
    }

    /**
     * Compares a proposed version with what the registry holds under its subject: the registry's own compatibility
     * verdict, plus the offline comparison with the latest registered contract.
     *
     * @param registry the registry client
     * @param next the proposed version
     * @return every change; no change when the subject does not exist yet
     * @throws SchemaRegistryException when the registry cannot be asked
     */
    public static EvolutionReport compareWithRegistry(SchemaRegistryClient registry, DataContract next) {
        DataContract previous;
        try {
            previous = DataContract.fromRegistry(registry.latest(next.subject()));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return new EvolutionReport("(none)", next.version(), List.of());
            }
            throw e;
        }
        EvolutionReport offline = compare(previous, next);
        List<Change> changes = new ArrayList<>(offline.changes());
        CompatibilityResult verdict = registry.testCompatibility(next.subject(), next.toSchemaDefinition());
        if (!verdict.compatible()) {
            for (String message : verdict.messages()) {
                changes.add(new Change(Kind.SCHEMA_INCOMPATIBLE, next.subject(), "registry: " + message, true));
            }
        }
        return new EvolutionReport(previous.version(), next.version(), changes);
    }

    private static void schema(DataContract previous, DataContract next, List<Change> changes) {
        CompatibilityLevel level = next.compatibility();
        if (level.checksBackward()) {
            incompatibilities(next.schema(), previous.schema(), "new readers cannot read old data", changes);
        }
        if (level.checksForward()) {
            incompatibilities(previous.schema(), next.schema(), "old readers cannot read new data", changes);
        }
    }

    private static void incompatibilities(Schema reader, Schema writer, String meaning, List<Change> changes) {
        for (SchemaCompatibility.Incompatibility problem : SchemaCompatibility
                .checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities()) {
            changes.add(new Change(Kind.SCHEMA_INCOMPATIBLE, problem.getLocation(), meaning + ": "
                    + problem.getType() + " " + problem.getMessage(), true));
        }
    }

    private static void fields(Schema previous, Schema next, List<Change> changes) {
        for (Schema.Field old : previous.getFields()) {
            Schema.Field same = next.getField(old.name());
            if (same == null) {
                Schema.Field renamed = next.getFields().stream().filter(f -> f.aliases().contains(old.name()))
                        .findFirst().orElse(null);
                if (renamed != null) {
                    changes.add(new Change(Kind.FIELD_RENAMED, old.name(), "renamed to '" + renamed.name()
                            + "' with the old name as an alias", false));
                } else {
                    changes.add(new Change(Kind.FIELD_REMOVED, old.name(), "removed (or renamed without an alias): "
                            + "consumers reading it break", true));
                }
                continue;
            }
            Schema oldType = AvroFields.valueType(old);
            Schema newType = AvroFields.valueType(same);
            if (oldType.getType() == Schema.Type.ENUM && newType.getType() == Schema.Type.ENUM) {
                Set<String> removed = new HashSet<>(oldType.getEnumSymbols());
                removed.removeAll(newType.getEnumSymbols());
                if (!removed.isEmpty()) {
                    changes.add(new Change(Kind.ENUM_VALUE_REMOVED, old.name(), "enum symbol(s) " + removed.stream()
                            .sorted().toList() + " removed: existing data holds them", true));
                }
            }
        }
        for (Schema.Field field : next.getFields()) {
            boolean existed = previous.getField(field.name()) != null
                    || field.aliases().stream().anyMatch(alias -> previous.getField(alias) != null);
            if (!existed) {
                changes.add(new Change(Kind.FIELD_ADDED, field.name(), field.hasDefaultValue()
                        ? "added with a default" : "added without a default", false));
            }
        }
    }

    private static void rules(DataContract previous, DataContract next, List<Change> changes) {
        previous = previous.withRolloutFrom(null); // what a version read from a file leaves unset, it enforced
        next = next.withRolloutFrom(previous); // a rule new to a live contract starts observed unless it says
        Map<String, ContractRule> old = previous.rules().stream()
                .collect(Collectors.toMap(ContractRule::name, Function.identity()));
        Map<String, ContractRule> now = next.rules().stream()
                .collect(Collectors.toMap(ContractRule::name, Function.identity()));
        for (ContractRule rule : next.rules()) {
            ContractRule before = old.get(rule.name());
            if (before == null) {
                String on = rule.fieldName().map(f -> " on field '" + f + "'").orElse("");
                changes.add(observedEverywhere(rule)
                        ? new Change(Kind.RULE_ADDED, rule.name(), "new rule" + on + ", observed: records that break "
                                + "it are counted and pass; promote it with the rollout report's numbers", false)
                        : new Change(Kind.RULE_ADDED, rule.name(), "new rule" + on + ", enforced"
                                + enforcedWhere(rule) + ": existing data may fail it", true));
            } else {
                List<Change> ruleChanges = new java.util.ArrayList<>();
                compareRule(before, rule, ruleChanges);
                if (observedEverywhere(rule)) { // tightened, but only counted: nothing is refused
                    ruleChanges.replaceAll(change -> change.breaking() ? new Change(change.kind(), change.where(),
                            change.description() + " (observed: counted, nothing refused)", false) : change);
                }
                changes.addAll(ruleChanges);
                enforcement(before, rule, changes);
            }
        }
        for (ContractRule rule : previous.rules()) {
            if (!now.containsKey(rule.name())) {
                changes.add(new Change(Kind.RULE_REMOVED, rule.name(), "rule removed: more values are accepted",
                        false));
            }
        }
    }

    /** @return true when no environment enforces the rule */
    private static boolean observedEverywhere(ContractRule rule) {
        RuleEnforcement enforcement = rule.enforcement();
        return enforcement.in(null) == Enforcement.OBSERVE
                && !enforcement.environments().containsValue(Enforcement.ENFORCE);
    }

    private static String enforcedWhere(ContractRule rule) {
        RuleEnforcement enforcement = rule.enforcement();
        return enforcement.environments().isEmpty() ? "" : " (" + enforcement.toText() + ")";
    }

    /** A rule promoted from observe to enforce somewhere, or the other way round. */
    private static void enforcement(ContractRule before, ContractRule after, List<Change> changes) {
        if (before.enforcement().equals(after.enforcement())) {
            return;
        }
        java.util.Set<String> environments = new java.util.TreeSet<>(before.enforcement().environments().keySet());
        environments.addAll(after.enforcement().environments().keySet());
        List<String> promoted = new java.util.ArrayList<>();
        List<String> relaxed = new java.util.ArrayList<>();
        java.util.List<String> every = new java.util.ArrayList<>();
        every.add(null);
        every.addAll(environments);
        for (String environment : every) {
            Enforcement was = before.enforcement().in(environment);
            Enforcement is = after.enforcement().in(environment);
            String name = environment == null ? "every other environment" : environment;
            if (was == Enforcement.OBSERVE && is == Enforcement.ENFORCE) {
                promoted.add(name);
            } else if (was == Enforcement.ENFORCE && is == Enforcement.OBSERVE) {
                relaxed.add(name);
            }
        }
        if (!promoted.isEmpty()) {
            changes.add(new Change(Kind.RULE_ENFORCED, after.name(), "promoted from observe to enforce in "
                    + String.join(", ", promoted) + ": records that break it will be " + (after.onFailure()
                    == dev.headwater.contract.OnFailure.DLQ ? "dead-lettered" : "refused") + "; review the rollout "
                    + "report (headwater rules rollout) for how many that is, by producer", false));
        }
        if (!relaxed.isEmpty()) {
            changes.add(new Change(Kind.RULE_OBSERVED, after.name(), "only observed from now on in "
                    + String.join(", ", relaxed) + ": records that break it are counted and pass", false));
        }
    }

    private static void compareRule(ContractRule before, ContractRule after, List<Change> changes) {
        String where = before.name();
        if (!before.field().equals(after.field()) || !before.expr().equals(after.expr())
                || !before.exprType().equals(after.exprType())) {
            changes.add(new Change(Kind.RULE_TIGHTENED, where, "the rule now checks something else ("
                    + describe(before) + " -> " + describe(after) + "): existing data may fail it", true));
            return;
        }
        bound(where, "min", before.min(), after.min(), true, changes);
        bound(where, "max", before.max(), after.max(), false, changes);
        bound(where, "minLength", toDouble(before.minLength()), toDouble(after.minLength()), true, changes);
        bound(where, "maxLength", toDouble(before.maxLength()), toDouble(after.maxLength()), false, changes);
        if (!before.required() && after.required()) {
            changes.add(new Change(Kind.RULE_TIGHTENED, where, "field is now required: null values fail", true));
        } else if (before.required() && !after.required()) {
            changes.add(new Change(Kind.RULE_LOOSENED, where, "field is no longer required", false));
        }
        if (!before.regex().equals(after.regex())) {
            boolean added = before.regex().isEmpty();
            boolean removed = after.regex().isEmpty();
            changes.add(new Change(removed ? Kind.RULE_LOOSENED : Kind.RULE_TIGHTENED, where, added
                    ? "regex " + after.regex() + " added" : removed ? "regex removed" : "regex changed from "
                    + before.regex() + " to " + after.regex() + ": existing values may not match", !removed));
        }
        if (!before.allowed().equals(after.allowed())) {
            Set<String> removed = new HashSet<>(before.allowed());
            removed.removeAll(after.allowed());
            if (before.allowed().isEmpty() || !removed.isEmpty()) {
                changes.add(new Change(Kind.RULE_TIGHTENED, where, before.allowed().isEmpty()
                        ? "values now restricted to " + after.allowed()
                        : "value(s) " + removed.stream().sorted().toList() + " no longer allowed", true));
            } else {
                changes.add(new Change(Kind.RULE_LOOSENED, where, "more values allowed: " + after.allowed(), false));
            }
        }
        if (!before.format().equals(after.format())) {
            changes.add(new Change(after.format().isEmpty() ? Kind.RULE_LOOSENED : Kind.RULE_TIGHTENED, where,
                    "format " + (before.format().isEmpty() ? "(none)" : before.format()) + " -> "
                            + (after.format().isEmpty() ? "(none)" : after.format()), !after.format().isEmpty()));
        }
        if (before.notInFuture() != after.notInFuture()) {
            changes.add(new Change(after.notInFuture() ? Kind.RULE_TIGHTENED : Kind.RULE_LOOSENED, where,
                    after.notInFuture() ? "future timestamps now refused" : "future timestamps now accepted",
                    after.notInFuture()));
        }
        if (before.onFailure() != after.onFailure()) {
            changes.add(new Change(Kind.OTHER, where, "on failure " + before.onFailure() + " -> "
                    + after.onFailure(), false));
        }
        if (before.mode() != after.mode()) {
            // records already written passed the rule on write or are checked as before on read: not breaking
            changes.add(new Change(Kind.OTHER, where, "checked on " + before.mode() + " -> " + after.mode(), false));
        }
    }

    private static void bound(String where, String name, Double before, Double after, boolean lower,
            List<Change> changes) {
        if (Objects.equals(before, after)) {
            return;
        }
        boolean tightened = before == null || (after != null && (lower ? after > before : after < before));
        changes.add(new Change(tightened ? Kind.RULE_TIGHTENED : Kind.RULE_LOOSENED, where, name + " "
                + (before == null ? "(none)" : before) + " -> " + (after == null ? "(none)" : after)
                + (tightened ? ": existing data may fail it" : ""), tightened));
    }

    /**
     * Turning a field's protection off, or changing how it is protected, is breaking: what was protected would be
     * written in clear, or consumers entitled to it could no longer read it the way they did. Protecting a field is
     * listed, not breaking: consumers without access read its mask from then on.
     */
    private static void protection(DataContract previous, DataContract next, List<Change> changes) {
        java.util.Set<String> names = new java.util.TreeSet<>(previous.fields().keySet());
        names.addAll(next.fields().keySet());
        for (String name : names) {
            Protection before = previous.field(name).map(FieldInfo::protection).orElse(Protection.NONE);
            Protection after = next.field(name).map(FieldInfo::protection).orElse(Protection.NONE);
            if (before == after) {
                continue;
            }
            if (before == Protection.NONE) {
                changes.add(new Change(Kind.PROTECTION_ADDED, name, "protected from now on (" + after.id()
                        + "): consumers without access read its mask", false));
            } else {
                changes.add(new Change(Kind.PROTECTION_LOOSENED, name, "protection " + before.id() + " -> "
                        + after.id() + (after == Protection.NONE ? ": its values would be written in clear"
                        : ": consumers could no longer read it as before"), true));
            }
        }
        String subjectBefore = previous.erasureSubject();
        String subjectAfter = next.erasureSubject();
        if (!subjectBefore.equals(subjectAfter)) {
            if (subjectBefore.isEmpty()) {
                changes.add(new Change(Kind.PROTECTION_ADDED, subjectAfter, "the erasure subject from now on: each "
                        + "subject's records can be made unreadable by destroying its key", false));
            } else {
                changes.add(new Change(Kind.ERASURE_SUBJECT_CHANGED, subjectBefore, "erasure subject '" + subjectBefore
                        + "' -> " + (subjectAfter.isEmpty() ? "none" : "'" + subjectAfter + "'") + ": records "
                        + "written from then on could not be erased by " + subjectBefore + " as the ones before",
                        true));
            }
        }
    }

    private static void settings(DataContract previous, DataContract next, List<Change> changes) {
        ServiceLevels before = previous.serviceLevels();
        ServiceLevels after = next.serviceLevels();
        if (before.hasFreshness() && (!after.hasFreshness() || after.freshness().compareTo(before.freshness()) > 0)) {
            changes.add(new Change(Kind.SLO_LOOSENED, "slo.freshness", before.freshness() + " -> "
                    + (after.hasFreshness() ? after.freshness() : "(none)") + ": consumers get data later", true));
        } else if (after.hasFreshness() && (!before.hasFreshness()
                || after.freshness().compareTo(before.freshness()) < 0)) {
            changes.add(new Change(Kind.SLO_TIGHTENED, "slo.freshness", (before.hasFreshness()
                    ? before.freshness() : "(none)") + " -> " + after.freshness(), false));
        }
        if (before.expectedRecordsPerMinute() != after.expectedRecordsPerMinute()) {
            changes.add(new Change(Kind.OTHER, "slo.expectedRecordsPerMinute", before.expectedRecordsPerMinute()
                    + " -> " + after.expectedRecordsPerMinute(), false));
        }
        if (strength(next.compatibility()) < strength(previous.compatibility())) {
            changes.add(new Change(Kind.COMPATIBILITY_LOOSENED, "compatibility", previous.compatibility() + " -> "
                    + next.compatibility() + ": consumers are promised less", true));
        }
        if (!previous.owner().equals(next.owner())) {
            changes.add(new Change(Kind.OTHER, "owner", previous.owner().team() + " -> " + next.owner().team(),
                    false));
        }
        if (!previous.deadLetterTopic().equals(next.deadLetterTopic())) {
            changes.add(new Change(Kind.OTHER, "deadLetterTopic", previous.deadLetterTopic() + " -> "
                    + next.deadLetterTopic(), false));
        }
    }

    private static int strength(CompatibilityLevel level) {
        return (level.checksBackward() ? 1 : 0) + (level.checksForward() ? 1 : 0) + (level.transitive() ? 2 : 0);
    }

    private static Double toDouble(Integer value) {
        return value == null ? null : value.doubleValue();
    }

    private static String describe(ContractRule rule) {
        return rule.isExpression() ? rule.exprType() + " " + rule.expr() : "field " + rule.field();
    }
}
