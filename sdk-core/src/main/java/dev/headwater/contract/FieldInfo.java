package dev.headwater.contract;

import java.util.Objects;
import java.util.Set;

/**
 * What a field means, how sensitive it is and how its values are protected.
 *
 * @param doc the field's meaning, may be empty
 * @param classification one of {@code public}, {@code internal}, {@code confidential}, {@code pii}, {@code restricted}
 * @param protection how its values are protected on the wire and on disk: its own {@code protect}, else the
 *     contract's {@code protection} for its classification, else {@link Protection#NONE}
 * @param mask what consumers without access to a protected value read instead, or null for null (the field must then
 *     be nullable)
 */
public record FieldInfo(String doc, String classification, Protection protection, String mask) {

    /** Classifications a contract may use. */
    public static final Set<String> CLASSIFICATIONS = Set.of("public", "internal", "confidential", "pii", "restricted");
    /** Classifications whose values are never shown in violations, logs or dead-letter headers. */
    public static final Set<String> SENSITIVE = Set.of("confidential", "pii", "restricted");

    /** Checks the parts. */
    public FieldInfo {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(protection, "protection");
    }

    /**
     * A field written in clear.
     *
     * @param doc the field's meaning, may be empty
     * @param classification its classification
     */
    public FieldInfo(String doc, String classification) {
        this(doc, classification, Protection.NONE, null);
    }

    /** @return true when its values are encrypted or tokenized where they are born */
    public boolean protectedField() {
        return protection != Protection.NONE;
    }

    /** @return true when values of this field must be redacted */
    public boolean sensitive() {
        return SENSITIVE.contains(classification);
    }
}
