package dev.headwater.openlineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.headwater.fixtures.Vendored;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates events against OpenLineage's published JSON schemas, read from the vendored official files
 * ({@link Vendored}: {@code openlineage/OpenLineage.json} and {@code openlineage/facets/}; the test skips where they
 * are absent): the event against the core schema, and every facet against its own facet schema, found by the file
 * name of its {@code _schemaURL}.
 */
final class OpenLineageSpec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenLineageSpec() {
    }

    /**
     * @param event an event as JSON
     * @return every violation of the published schemas, empty when the event conforms
     */
    static List<String> violations(JsonNode event) {
        Path spec = Vendored.require("openlineage/OpenLineage.json").getParent();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("https://openlineage.io/spec/2-0-2/",
                        spec.toUri().toString())));
        JsonSchema core = factory.getSchema(SchemaLocation.of("https://openlineage.io/spec/2-0-2/OpenLineage.json"));
        List<String> found = new ArrayList<>();
        core.validate(event).forEach(m -> found.add("event: " + m.getMessage()));
        facets(factory, spec, event.path("run").path("facets"), found);
        facets(factory, spec, event.path("job").path("facets"), found);
        for (String datasets : List.of("inputs", "outputs")) {
            for (JsonNode dataset : event.path(datasets)) {
                facets(factory, spec, dataset.path("facets"), found);
                facets(factory, spec, dataset.path("inputFacets"), found);
                facets(factory, spec, dataset.path("outputFacets"), found);
            }
        }
        return found;
    }

    private static void facets(JsonSchemaFactory factory, Path spec, JsonNode facets, List<String> found) {
        for (Iterator<Map.Entry<String, JsonNode>> it = facets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> facet = it.next();
            String url = facet.getValue().path("_schemaURL").asText().replaceAll("#.*", "");
            String file = url.substring(url.lastIndexOf('/') + 1);
            JsonSchema schema = facetSchema(factory, spec.resolve("facets").resolve(file));
            if (schema == null) {
                found.add(facet.getKey() + ": no published schema " + file + " in " + spec.resolve("facets"));
                continue;
            }
            ObjectNode wrapped = JSON.createObjectNode();
            wrapped.set(facet.getKey(), facet.getValue());
            Set<ValidationMessage> messages = schema.validate(wrapped);
            messages.forEach(m -> found.add(facet.getKey() + " (" + file + "): " + m.getMessage()));
        }
    }

    private static JsonSchema facetSchema(JsonSchemaFactory factory, Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return factory.getSchema(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
