package dev.headwater.registry;

/**
 * How a new schema version must relate to earlier ones, with the registry's own names and meaning. BACKWARD: consumers
 * using the new schema can read data written with the previous one. FORWARD: consumers using the previous schema can
 * read data written with the new one. FULL: both. The TRANSITIVE forms check against every earlier version rather than
 * only the latest.
 */
public enum CompatibilityLevel {
    /** No check. */
    NONE,
    /** The new schema reads data written with the latest one. */
    BACKWARD,
    /** The new schema reads data written with every earlier one. */
    BACKWARD_TRANSITIVE,
    /** The latest schema reads data written with the new one. */
    FORWARD,
    /** Every earlier schema reads data written with the new one. */
    FORWARD_TRANSITIVE,
    /** BACKWARD and FORWARD against the latest schema. */
    FULL,
    /** BACKWARD and FORWARD against every earlier schema. */
    FULL_TRANSITIVE;

    /** @return true when the new schema must be able to read older data */
    public boolean checksBackward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** @return true when older schemas must be able to read new data */
    public boolean checksForward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** @return true when every earlier version is checked, not only the latest */
    public boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }
}
