package dev.headwater.contract;

import java.util.Objects;
import java.util.Set;

/**
 * What a field means and how sensitive it is.
 *
 * @param doc the field's meaning, may be empty
 * @param classification one of {@code public}, {@code internal}, {@code confidential}, {@code pii}, {@code restricted}
 */
public record FieldInfo(String doc, String classification) {

    /** Classifications a contract may use. */
    public static final Set<String> CLASSIFICATIONS = Set.of("public", "internal", "confidential", "pii", "restricted");
    /** Classifications whose values are never shown in violations, logs or dead-letter headers. */
    public static final Set<String> SENSITIVE = Set.of("confidential", "pii", "restricted");

    /** Checks the parts. */
    public FieldInfo {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(classification, "classification");
    }

    /** @return true when values of this field must be redacted */
    public boolean sensitive() {
        return SENSITIVE.contains(classification);
    }
}
