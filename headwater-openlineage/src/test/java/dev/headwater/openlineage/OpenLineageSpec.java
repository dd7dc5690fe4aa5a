package dev.headwater.openlineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates events against OpenLineage's published JSON schemas (test resources {@code openlineage-spec/}): the event
 * against the core schema, and every facet against its own facet schema, found by the file name of its
 * {@code _schemaURL}.
 */
final class OpenLineageSpec {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("https://openlineage.io/spec/2-0-2/",
                    "classpath:openlineage-spec/")));
    private static final JsonSchema CORE = FACTORY.getSchema(
            SchemaLocation.of("https://openlineage.io/spec/2-0-2/OpenLineage.json"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenLineageSpec() {
    }

    /**
     * @param event an event as JSON
     * @return every violation of the published schemas, empty when the event conforms
     */
    static List<String> violations(JsonNode event) {
        List<String> found = new ArrayList<>();
        CORE.validate(event).forEach(m -> found.add("event: " + m.getMessage()));
        facets(event.path("run").path("facets"), found);
        facets(event.path("job").path("facets"), found);
        for (String datasets : List.of("inputs", "outputs")) {
            for (JsonNode dataset : event.path(datasets)) {
                facets(dataset.path("facets"), found);
                facets(dataset.path("inputFacets"), found);
                facets(dataset.path("outputFacets"), found);
            }
        }
        return found;
    }

    private static void facets(JsonNode facets, List<String> found) {
        for (Iterator<Map.Entry<String, JsonNode>> it = facets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> facet = it.next();
            String url = facet.getValue().path("_schemaURL").asText().replaceAll("#.*", "");
            String file = url.substring(url.lastIndexOf('/') + 1);
            JsonSchema schema = facetSchema(file);
            if (schema == null) {
                found.add(facet.getKey() + ": no published schema " + file + " among the test resources");
                continue;
            }
            ObjectNode wrapped = JSON.createObjectNode();
            wrapped.set(facet.getKey(), facet.getValue());
            Set<ValidationMessage> messages = schema.validate(wrapped);
            messages.forEach(m -> found.add(facet.getKey() + " (" + file + "): " + m.getMessage()));
        }
    }

    private static JsonSchema facetSchema(String file) {
        try (InputStream in = OpenLineageSpec.class.getResourceAsStream("/openlineage-spec/facets/" + file)) {
            return in == null ? null : FACTORY.getSchema(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
