package dev.headwater.pipeline;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What changed between two versions of a contract, each change classed as breaking or not.
 *
 * @param from the previous version
 * @param to the new version
 * @param changes every change found
 */
public record EvolutionReport(String from, String to, List<Change> changes) {

    /** The kinds of change the report knows. */
    public enum Kind {
        /** The schema is incompatible at the contract's compatibility level. */
        SCHEMA_INCOMPATIBLE,
        /** A field was removed, or renamed without an alias. */
        FIELD_REMOVED,
        /** A field was renamed, keeping the old name as an alias. */
        FIELD_RENAMED,
        /** A field was added. */
        FIELD_ADDED,
        /** An enum symbol was removed. */
        ENUM_VALUE_REMOVED,
        /** A rule was added: existing data may fail it (not breaking while it is observed). */
        RULE_ADDED,
        /**
         * A rule observed until now is enforced from now on, in at least one environment: records that break it will
         * be refused or dead-lettered. A change to review with the rollout report's numbers.
         */
        RULE_ENFORCED,
        /** A rule enforced until now is only observed from now on, in at least one environment. */
        RULE_OBSERVED,
        /** A rule was removed. */
        RULE_REMOVED,
        /** A rule now refuses values it accepted. */
        RULE_TIGHTENED,
        /** A rule now accepts values it refused. */
        RULE_LOOSENED,
        /** A service level promises less than before. */
        SLO_LOOSENED,
        /** A service level promises more than before. */
        SLO_TIGHTENED,
        /** The compatibility level promises less than before. */
        COMPATIBILITY_LOOSENED,
        /**
         * A field's protection was turned off or changed (encrypt to token, say): breaking, since values protected
         * until now would be written in clear, or consumers could no longer read what they read.
         */
        PROTECTION_LOOSENED,
        /** A field is protected from now on: consumers without access read its mask instead of its value. */
        PROTECTION_ADDED,
        /**
         * The erasure subject was dropped or changed: breaking, since records written from then on could not be
         * erased with the subject's key (crypto-shredding) the way the ones before can.
         */
        ERASURE_SUBJECT_CHANGED,
        /** Anything else consumers may want to know: owner, dead-letter topic, failure action. */
        OTHER
    }

    /**
     * One change.
     *
     * @param kind what kind of change
     * @param where the field, rule or setting changed
     * @param description what changed, in words
     * @param breaking true when existing consumers or data may break
     */
    public record Change(Kind kind, String where, String description, boolean breaking) {
        @Override
        public String toString() {
            return (breaking ? "BREAKING " : "ok       ") + kind + " " + where + ": " + description;
        }
    }

    /** Copies the changes. */
    public EvolutionReport {
        changes = List.copyOf(changes);
    }

    /** @return the breaking changes only */
    public List<Change> breakingChanges() {
        return changes.stream().filter(Change::breaking).toList();
    }

    /** @return true when at least one change is breaking */
    public boolean hasBreakingChanges() {
        return changes.stream().anyMatch(Change::breaking);
    }

    @Override
    public String toString() {
        return "Contract changes " + from + " -> " + to + (changes.isEmpty() ? ": none" : ":\n  "
                + changes.stream().map(Change::toString).collect(Collectors.joining("\n  ")));
    }
}
