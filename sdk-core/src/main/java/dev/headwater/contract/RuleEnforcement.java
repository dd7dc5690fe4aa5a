package dev.headwater.contract;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How one rule is enforced, as its contract declares it: one {@link Enforcement} for every environment, or one per
 * environment ({@code prod: observe, test: enforce}) with a default for the others. Unset, a rule is enforced where
 * nothing came before it; a rule added to a live contract starts in {@link Enforcement#OBSERVE}
 * ({@link DataContract#withRolloutFrom(DataContract)}).
 *
 * @param declared the enforcement for environments not listed; null when the contract says nothing
 * @param environments per environment name, the enforcement there
 */
public record RuleEnforcement(Enforcement declared, Map<String, Enforcement> environments) {

    /** Nothing declared: enforced, unless the rule is new to a live contract. */
    public static final RuleEnforcement UNSET = new RuleEnforcement(null, Map.of());

    /** Enforced in every environment. */
    public static final RuleEnforcement ENFORCED = new RuleEnforcement(Enforcement.ENFORCE, Map.of());

    /** Observed in every environment. */
    public static final RuleEnforcement OBSERVED = new RuleEnforcement(Enforcement.OBSERVE, Map.of());

    /** Copies the map, in environment order. */
    public RuleEnforcement {
        environments = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(environments,
                "environments")));
    }

    /** @return true when the contract says how the rule is enforced, anywhere */
    public boolean isSet() {
        return declared != null || !environments.isEmpty();
    }

    /**
     * @param environment the environment, such as {@code prod}; null or empty for none
     * @return the enforcement there: the environment's own, else the declared one, else {@link Enforcement#ENFORCE}
     */
    public Enforcement in(String environment) {
        Enforcement own = environment == null ? null : environments.get(environment);
        if (own != null) {
            return own;
        }
        return declared == null ? Enforcement.ENFORCE : declared;
    }

    /**
     * The text form used in the schema registry's rule parameters and in exports: {@code observe}, or
     * {@code default=observe,prod=enforce}; empty when unset.
     *
     * @return the text
     */
    public String toText() {
        if (environments.isEmpty()) {
            return declared == null ? "" : declared.id();
        }
        StringBuilder text = new StringBuilder();
        if (declared != null) {
            text.append("default=").append(declared.id());
        }
        environments.forEach((environment, enforcement) -> text.append(text.length() == 0 ? "" : ",")
                .append(environment).append('=').append(enforcement.id()));
        return text.toString();
    }

    /**
     * Reads {@link #toText()}'s form.
     *
     * @param text {@code observe}, {@code enforce}, or {@code [default=mode,]env=mode,...}; empty for unset
     * @return the enforcement
     * @throws IllegalArgumentException naming the part that is not understood
     */
    public static RuleEnforcement parse(String text) {
        if (text == null || text.isBlank()) {
            return UNSET;
        }
        if (!text.contains("=")) {
            return new RuleEnforcement(Enforcement.of(text), Map.of());
        }
        Enforcement declared = null;
        Map<String, Enforcement> environments = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("'" + part + "' is not environment=observe|enforce");
            }
            String environment = part.substring(0, equals).trim();
            Enforcement enforcement = Enforcement.of(part.substring(equals + 1));
            if (environment.equals("default")) {
                declared = enforcement;
            } else {
                environments.put(environment, enforcement);
            }
        }
        return new RuleEnforcement(declared, environments);
    }

    @Override
    public String toString() {
        return isSet() ? toText() : "(unset)";
    }
}
