package dev.headwater.registry;

import java.util.Objects;

/**
 * A reference from one schema to a schema registered under another subject, such as an Avro record type defined once
 * and used by several schemas.
 *
 * @param name the name the referencing schema uses: for Avro, the referenced type's full name
 * @param subject the subject the referenced schema is registered under
 * @param version the version of that subject
 */
public record SchemaReference(String name, String subject, int version) {

    /** Checks the parts: all required. */
    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }
}
