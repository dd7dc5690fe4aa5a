package dev.headwater.registry;

import java.util.Objects;

/**
 * A schema registered under a subject.
 *
 * @param subject the subject
 * @param version the version within the subject, from 1
 * @param id the registry's global id of the schema, the same under every subject
 * @param definition the schema itself, with references, metadata and rule set
 */
public record RegisteredSchema(String subject, int version, int id, SchemaDefinition definition) {

    /** Checks the parts. */
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(definition, "definition");
    }
}
