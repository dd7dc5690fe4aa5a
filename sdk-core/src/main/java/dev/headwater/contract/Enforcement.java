package dev.headwater.contract;

import java.util.Locale;

/**
 * Whether a rule's failures have consequences: {@link #ENFORCE}d rules do what their {@link OnFailure} says;
 * {@link #OBSERVE}d rules are checked, counted and sampled, and the record passes. A rule is rolled out observe-first:
 * the rollout report says how many records enforcing it would refuse, and the owner promotes it with numbers.
 */
public enum Enforcement {
    /** Checked, counted, sampled; the record passes. */
    OBSERVE,
    /** Checked; a record that breaks the rule is refused or dead-lettered as the rule says. */
    ENFORCE;

    /** @return the name as contracts and settings spell it: {@code observe} or {@code enforce} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param text {@code observe} or {@code enforce}, in any case
     * @return the enforcement
     * @throws IllegalArgumentException naming the text and what is allowed
     */
    public static Enforcement of(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an enforcement: use observe or enforce");
        }
    }
}
