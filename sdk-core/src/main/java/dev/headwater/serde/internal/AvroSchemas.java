package dev.headwater.serde.internal;

import dev.headwater.registry.SchemaDefinition;
import dev.headwater.registry.SchemaReference;
import dev.headwater.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;

/** Parses registry schemas (with references) and finds the schema of a datum. Internal: not for users. */
public final class AvroSchemas {

    private static final Map<Class<?>, Schema> PRIMITIVES = Map.of(
            String.class, Schema.create(Schema.Type.STRING),
            Integer.class, Schema.create(Schema.Type.INT),
            Long.class, Schema.create(Schema.Type.LONG),
            Boolean.class, Schema.create(Schema.Type.BOOLEAN),
            Float.class, Schema.create(Schema.Type.FLOAT),
            Double.class, Schema.create(Schema.Type.DOUBLE),
            byte[].class, Schema.create(Schema.Type.BYTES),
            ByteBuffer.class, Schema.create(Schema.Type.BYTES));

    private AvroSchemas() {
    }

    /**
     * Returns the Avro schema of a value: its own for records, enums and fixed; the primitive schema for strings,
     * numbers, booleans and bytes.
     *
     * @param datum the value, non-null
     * @return its schema
     * @throws IllegalArgumentException for a type Avro cannot write without a schema
     */
    public static Schema schemaOf(Object datum) {
        if (datum instanceof GenericContainer container) {
            return container.getSchema();
        }
        Schema primitive = PRIMITIVES.get(datum.getClass());
        if (primitive == null) {
            throw new IllegalArgumentException("values of type " + datum.getClass().getName() + " have no Avro "
                    + "schema: use a GenericRecord, a SpecificRecord, or a String, Integer, Long, Boolean, Float, "
                    + "Double or byte[]");
        }
        return primitive;
    }

    /**
     * Parses a registry schema, resolving its references through the client first.
     *
     * @param client the registry client
     * @param definition the schema
     * @return the parsed schema
     */
    public static Schema parse(SchemaRegistryClient client, SchemaDefinition definition) {
        Schema.Parser parser = new Schema.Parser();
        addReferences(client, parser, definition, new HashSet<>());
        return parser.parse(definition.schema());
    }

    private static void addReferences(SchemaRegistryClient client, Schema.Parser parser, SchemaDefinition definition,
            Set<String> seen) {
        for (SchemaReference reference : definition.references()) {
            if (!seen.add(reference.subject() + "@" + reference.version())) {
                continue;
            }
            SchemaDefinition referenced = client.version(reference.subject(), reference.version()).definition();
            addReferences(client, parser, referenced, seen);
            parser.parse(referenced.schema());
        }
    }
}
