package dev.headwater.contract;

/**
 * One broken rule of one record.
 *
 * @param rule the rule's name
 * @param field the field, or empty for a rule over the whole record
 * @param message what is wrong, such as {@code amount must be at least 0.01}
 * @param value the offending value as text, {@code ***} when the field is classified sensitive, empty when none
 * @param onFailure what the rule asks for
 */
public record Violation(String rule, String field, String message, String value, OnFailure onFailure) {

    /** The text shown instead of a sensitive value. */
    public static final String REDACTED = "***";

    @Override
    public String toString() {
        return rule + (field.isEmpty() ? "" : " [" + field + "]") + ": " + message
                + (value.isEmpty() ? "" : " (value: " + value + ")");
    }
}
