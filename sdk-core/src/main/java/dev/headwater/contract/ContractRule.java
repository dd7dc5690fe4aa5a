package dev.headwater.contract;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rule of a data contract: constraints on one field (the fast path, compiled into plain Java checks), or a CEL
 * expression over the whole record ({@code message.field}), or a CEL_FIELD rule ({@code guard ; condition}, evaluated
 * per field with {@code name} and {@code value}) as Confluent's data contracts define them.
 *
 * <p>Constraints that are absent are null (numbers) or empty (strings, lists).
 *
 * @param name the rule's name, unique in its contract
 * @param field the field a constraint rule applies to; empty for expression rules
 * @param doc what the rule means
 * @param onFailure what happens to a record that breaks it
 * @param required the field must not be null
 * @param min smallest allowed number, or null
 * @param max largest allowed number, or null
 * @param minLength shortest allowed string, or null
 * @param maxLength longest allowed string, or null
 * @param regex a Java regular expression the whole string must match, or empty
 * @param allowed the allowed values (as strings), or empty
 * @param format one of {@code uuid}, {@code email}, {@code iso4217}, {@code iso8601}, or empty
 * @param notInFuture the timestamp must not be later than now
 * @param expr a CEL expression that must be true, or empty
 * @param exprType {@code CEL} or {@code CEL_FIELD} for expression rules; empty otherwise
 * @param line the line of the contract file that declared the rule, or 0
 * @param mode where the rule is checked: on write, on read, or both (the default)
 * @param enforcement whether its failures have consequences, per environment: enforced or observed
 */
public record ContractRule(
        String name,
        String field,
        String doc,
        OnFailure onFailure,
        boolean required,
        Double min,
        Double max,
        Integer minLength,
        Integer maxLength,
        String regex,
        List<String> allowed,
        String format,
        boolean notInFuture,
        String expr,
        String exprType,
        int line,
        RuleMode mode,
        RuleEnforcement enforcement) {

    /** Formats a field constraint may name. */
    public static final List<String> FORMATS = List.of("uuid", "email", "iso4217", "iso8601");

    /** Checks the parts and copies the list. */
    public ContractRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(onFailure, "onFailure");
        Objects.requireNonNull(regex, "regex");
        allowed = List.copyOf(Objects.requireNonNull(allowed, "allowed"));
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(expr, "expr");
        Objects.requireNonNull(exprType, "exprType");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(enforcement, "enforcement");
    }

    /**
     * A rule without a declared enforcement; the form before rules could be observed.
     *
     * @param name the rule's name
     * @param field the field, or empty
     * @param doc what the rule means
     * @param onFailure what happens on failure
     * @param required the field must not be null
     * @param min smallest number, or null
     * @param max largest number, or null
     * @param minLength shortest string, or null
     * @param maxLength longest string, or null
     * @param regex a regular expression, or empty
     * @param allowed the allowed values, or empty
     * @param format a format, or empty
     * @param notInFuture the timestamp must not be later than now
     * @param expr a CEL expression, or empty
     * @param exprType CEL or CEL_FIELD, or empty
     * @param line the source line, or 0
     * @param mode where the rule is checked
     */
    public ContractRule(String name, String field, String doc, OnFailure onFailure, boolean required, Double min,
            Double max, Integer minLength, Integer maxLength, String regex, List<String> allowed, String format,
            boolean notInFuture, String expr, String exprType, int line, RuleMode mode) {
        this(name, field, doc, onFailure, required, min, max, minLength, maxLength, regex, allowed, format,
                notInFuture, expr, exprType, line, mode, RuleEnforcement.UNSET);
    }

    /**
     * @param changed how the rule is to be enforced
     * @return this rule, enforced so
     */
    public ContractRule withEnforcement(RuleEnforcement changed) {
        return new ContractRule(name, field, doc, onFailure, required, min, max, minLength, maxLength, regex, allowed,
                format, notInFuture, expr, exprType, line, mode, changed);
    }

    /**
     * A rule checked on write and on read ({@link RuleMode#WRITEREAD}); the form without {@code mode}.
     *
     * @param name the rule's name
     * @param field the field, or empty
     * @param doc what the rule means
     * @param onFailure what happens on failure
     * @param required the field must not be null
     * @param min smallest number, or null
     * @param max largest number, or null
     * @param minLength shortest string, or null
     * @param maxLength longest string, or null
     * @param regex a regular expression, or empty
     * @param allowed the allowed values, or empty
     * @param format a format, or empty
     * @param notInFuture the timestamp must not be later than now
     * @param expr a CEL expression, or empty
     * @param exprType CEL or CEL_FIELD, or empty
     * @param line the source line, or 0
     */
    public ContractRule(String name, String field, String doc, OnFailure onFailure, boolean required, Double min,
            Double max, Integer minLength, Integer maxLength, String regex, List<String> allowed, String format,
            boolean notInFuture, String expr, String exprType, int line) {
        this(name, field, doc, onFailure, required, min, max, minLength, maxLength, regex, allowed, format,
                notInFuture, expr, exprType, line, RuleMode.WRITEREAD);
    }

    /** @return true for a CEL or CEL_FIELD rule */
    public boolean isExpression() {
        return !expr.isEmpty();
    }

    /** @return the field, when this is a field constraint rule */
    public Optional<String> fieldName() {
        return field.isEmpty() ? Optional.empty() : Optional.of(field);
    }

    /**
     * Starts a field constraint rule.
     *
     * @param name the rule's name
     * @param field the field
     * @return a builder
     */
    public static Builder field(String name, String field) {
        return new Builder(name, field, "", "");
    }

    /**
     * Starts a CEL rule over the whole record.
     *
     * @param name the rule's name
     * @param expr the expression, such as {@code message.amount > 0.0}
     * @return a builder
     */
    public static Builder cel(String name, String expr) {
        return new Builder(name, "", expr, "CEL");
    }

    /** Builds a {@link ContractRule}. Not thread safe. */
    public static final class Builder {
        private final String name;
        private final String field;
        private final String expr;
        private String exprType;
        private String doc = "";
        private OnFailure onFailure = OnFailure.ERROR;
        private RuleMode mode = RuleMode.WRITEREAD;
        private RuleEnforcement enforcement = RuleEnforcement.UNSET;
        private boolean required;
        private Double min;
        private Double max;
        private Integer minLength;
        private Integer maxLength;
        private String regex = "";
        private List<String> allowed = List.of();
        private String format = "";
        private boolean notInFuture;
        private int line;

        private Builder(String name, String field, String expr, String exprType) {
            this.name = name;
            this.field = field;
            this.expr = expr;
            this.exprType = exprType;
        }

        /** @param doc meaning @return this builder */
        public Builder doc(String doc) {
            this.doc = doc;
            return this;
        }

        /** @param onFailure what happens on failure @return this builder */
        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = onFailure;
            return this;
        }

        /** @return this builder, with the field required */
        public Builder required() {
            this.required = true;
            return this;
        }

        /** @param min smallest allowed number @return this builder */
        public Builder min(double min) {
            this.min = min;
            return this;
        }

        /** @param max largest allowed number @return this builder */
        public Builder max(double max) {
            this.max = max;
            return this;
        }

        /** @param minLength shortest allowed string @return this builder */
        public Builder minLength(int minLength) {
            this.minLength = minLength;
            return this;
        }

        /** @param maxLength longest allowed string @return this builder */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** @param regex the pattern the whole string must match @return this builder */
        public Builder regex(String regex) {
            this.regex = regex;
            return this;
        }

        /** @param allowed the allowed values @return this builder */
        public Builder allowed(List<String> allowed) {
            this.allowed = allowed;
            return this;
        }

        /** @param format uuid, email, iso4217 or iso8601 @return this builder */
        public Builder format(String format) {
            this.format = format;
            return this;
        }

        /** @return this builder, with timestamps in the future refused */
        public Builder notInFuture() {
            this.notInFuture = true;
            return this;
        }

        /** @param exprType CEL or CEL_FIELD, for expression rules @return this builder */
        public Builder exprType(String exprType) {
            this.exprType = exprType;
            return this;
        }

        /**
         * @param mode where the rule is checked; {@link RuleMode#WRITEREAD} (on write and on read) by default
         * @return this builder
         */
        public Builder mode(RuleMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @param enforcement whether failures have consequences, per environment; unset by default
         * @return this builder
         */
        public Builder enforcement(RuleEnforcement enforcement) {
            this.enforcement = Objects.requireNonNull(enforcement, "enforcement");
            return this;
        }

        /** @param line source line @return this builder */
        public Builder line(int line) {
            this.line = line;
            return this;
        }

        /** @return the rule */
        public ContractRule build() {
            return new ContractRule(name, field, doc, onFailure, required, min, max, minLength, maxLength, regex,
                    allowed, format, notInFuture, expr, exprType, line, mode, enforcement);
        }
    }
}
