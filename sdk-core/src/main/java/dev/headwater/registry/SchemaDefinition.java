package dev.headwater.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;
import java.util.Objects;

/**
 * A schema as the registry stores it: its type, text and references, and the data-contract fields {@code metadata} and
 * {@code ruleSet}, which Headwater keeps as JSON so that they round-trip unchanged, whatever their content.
 *
 * @param schemaType {@code AVRO} (the registry's default), {@code JSON} or {@code PROTOBUF}
 * @param schema the schema text
 * @param references schemas this one refers to, empty when none
 * @param metadata the data-contract metadata object, or a missing node when absent
 * @param ruleSet the data-contract rule set object, or a missing node when absent
 */
public record SchemaDefinition(
        String schemaType, String schema, List<SchemaReference> references, JsonNode metadata, JsonNode ruleSet) {

    /** The registry's name for Avro schemas. */
    public static final String AVRO = "AVRO";

    /** Checks the parts and copies the references. */
    public SchemaDefinition {
        Objects.requireNonNull(schemaType, "schemaType");
        Objects.requireNonNull(schema, "schema");
        references = List.copyOf(Objects.requireNonNull(references, "references"));
        metadata = metadata == null || metadata.isNull() ? MissingNode.getInstance() : metadata;
        ruleSet = ruleSet == null || ruleSet.isNull() ? MissingNode.getInstance() : ruleSet;
    }

    /**
     * An Avro schema without references, metadata or rules.
     *
     * @param schema the Avro schema as JSON text
     * @return the definition
     */
    public static SchemaDefinition avro(String schema) {
        return new SchemaDefinition(AVRO, schema, List.of(), null, null);
    }

    /** @param references the schemas this one refers to @return a copy with these references */
    public SchemaDefinition withReferences(List<SchemaReference> references) {
        return new SchemaDefinition(schemaType, schema, references, metadata, ruleSet);
    }

    /** @param metadata the data-contract metadata object @return a copy with this metadata */
    public SchemaDefinition withMetadata(JsonNode metadata) {
        return new SchemaDefinition(schemaType, schema, references, metadata, ruleSet);
    }

    /** @param ruleSet the data-contract rule set object @return a copy with this rule set */
    public SchemaDefinition withRuleSet(JsonNode ruleSet) {
        return new SchemaDefinition(schemaType, schema, references, metadata, ruleSet);
    }

    /** @return true when metadata is present */
    public boolean hasMetadata() {
        return !metadata.isMissingNode();
    }

    /** @return true when a rule set is present */
    public boolean hasRuleSet() {
        return !ruleSet.isMissingNode();
    }
}
