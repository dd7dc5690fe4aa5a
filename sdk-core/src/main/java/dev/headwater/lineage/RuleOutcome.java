package dev.headwater.lineage;

import java.util.Objects;

/**
 * What a client measured of one contract rule over its use of a topic: how many records the rule checked and how many
 * broke it. Catalogs report it as a data-quality assertion that held only when none broke it.
 *
 * @param rule the rule's name
 * @param field the field it checks; empty for a rule over the record
 * @param checked how many records it checked
 * @param failed how many of them broke it
 */
public record RuleOutcome(String rule, String field, long checked, long failed) {

    /** Checks the parts. */
    public RuleOutcome {
        Objects.requireNonNull(rule, "rule");
        field = field == null ? "" : field;
        if (checked < 0 || failed < 0 || failed > checked) {
            throw new IllegalArgumentException("rule '" + rule + "': failed (" + failed + ") must be between 0 and "
                    + "checked (" + checked + ")");
        }
    }

    /** @return true when every record checked passed */
    public boolean held() {
        return failed == 0;
    }
}
