package dev.headwater.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.DataContract;
import dev.headwater.tenant.TenantPolicy;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data products as Backstage entities, checked by Backstage's own validator run with Node. */
class BackstageExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The validator's version: the one seen on npm when this was written. */
    private static final String CATALOG_MODEL = "@backstage/catalog-model@1.10.3";

    private static BackstageExport export() {
        DataContract orders = DataContract.load(Path.of("src/test/resources/contracts/orders.yaml"));
        TenantPolicy retail = TenantPolicy.load(Path.of("src/test/resources/tenant-retail.yaml"), null);
        LineageGraph lineage = LineageGraph.fromOpenLineage(List.of(
                event("retail", "orders-service", List.of(), List.of("retail.orders.placed.v1")),
                event("finance", "ledger", List.of("retail.orders.placed.v1"), List.of()),
                event("finance", "ledger", List.of("legacy.untracked.v1"), List.of())));
        return BackstageExport.of(List.of(orders), List.of(retail), lineage);
    }

    private static String event(String namespace, String job, List<String> inputs, List<String> outputs) {
        return "{\"eventType\":\"START\",\"eventTime\":\"2026-11-29T10:00:00Z\",\"run\":{\"runId\":"
                + "\"01a2270f-813a-7474-9a77-c984507c70f6\"},\"job\":{\"namespace\":\"" + namespace + "\",\"name\":\""
                + job + "\"},\"inputs\":" + datasets(inputs) + ",\"outputs\":" + datasets(outputs)
                + ",\"producer\":\"test\",\"schemaURL\":\"https://openlineage.io/spec/2-0-2/OpenLineage.json\"}";
    }

    private static String datasets(List<String> topics) {
        return topics.stream().map(t -> "{\"namespace\":\"kafka://broker-1:9092\",\"name\":\"" + t + "\"}")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    private static JsonNode entity(BackstageExport export, String kind, String name) {
        return export.entities().stream().filter(e -> e.path("kind").asText().equals(kind)
                && e.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @Test
    void theDataProductsBecomeDomainsSystemsGroupsApisResourcesAndComponents() {
        BackstageExport export = export();
        assertThat(export.entities()).extracting(e -> e.path("kind").asText() + ":" + e.path("metadata")
                .path("name").asText()).containsExactly("Group:finance", "Group:team-orders", "Domain:retail",
                "System:retail", "API:retail.orders.placed.v1-value", "Resource:retail.orders.placed.v1",
                "Component:ledger", "Component:orders-service");
        JsonNode api = entity(export, "API", "retail.orders.placed.v1-value");
        assertThat(api.path("spec").path("type").asText()).isEqualTo("asyncapi");
        assertThat(api.path("spec").path("owner").asText()).isEqualTo("group:team-orders");
        assertThat(api.path("spec").path("system").asText()).isEqualTo("system:retail");
        assertThat(api.path("spec").path("definition").asText()).startsWith("asyncapi: 3.0.0")
                .contains("retail.orders.placed.v1");
        JsonNode producer = entity(export, "Component", "orders-service");
        assertThat(producer.path("spec").path("providesApis").toString())
                .isEqualTo("[\"api:retail.orders.placed.v1-value\"]");
        assertThat(producer.path("spec").path("owner").asText()).isEqualTo("group:team-orders");
        JsonNode consumer = entity(export, "Component", "ledger");
        assertThat(consumer.path("spec").path("consumesApis").toString())
                .isEqualTo("[\"api:retail.orders.placed.v1-value\"]");
        assertThat(consumer.path("spec").path("dependsOn").toString())
                .isEqualTo("[\"resource:retail.orders.placed.v1\"]");
        assertThat(entity(export, "System", "retail").path("spec").path("domain").asText()).isEqualTo("domain:retail");
    }

    @Test
    void everyReferenceNamesAnEntityOfTheExport() {
        BackstageExport export = export();
        Set<String> defined = new HashSet<>();
        export.entities().forEach(e -> defined.add(e.path("kind").asText().toLowerCase(java.util.Locale.ROOT) + ":"
                + e.path("metadata").path("name").asText()));
        List<String> dangling = new ArrayList<>();
        for (ObjectNode entity : export.entities()) {
            JsonNode spec = entity.path("spec");
            for (String field : List.of("owner", "system", "domain")) {
                if (spec.has(field) && !defined.contains(spec.path(field).asText())) {
                    dangling.add(entity.path("metadata").path("name").asText() + "." + field);
                }
            }
            for (String field : List.of("providesApis", "consumesApis", "dependsOn")) {
                spec.path(field).forEach(ref -> {
                    if (!defined.contains(ref.asText())) {
                        dangling.add(entity.path("metadata").path("name").asText() + "." + field + " " + ref);
                    }
                });
            }
        }
        assertThat(dangling).isEmpty();
    }

    @Test
    void backstagesOwnValidatorAcceptsEveryEntity(@TempDir Path dir) throws Exception {
        Optional<String> node = onPath("node");
        Optional<String> npm = onPath("npm");
        Assumptions.assumeTrue(node.isPresent() && npm.isPresent(), "Node and npm are not on this machine's PATH: "
                + "the entities are checked by the other tests, not by Backstage's validator");
        Path validator = Path.of("target/backstage-validator");
        if (!Files.isDirectory(validator.resolve("node_modules/@backstage/catalog-model"))) {
            Files.createDirectories(validator);
            Run install = run(validator, npm.get(), "install", "--no-audit", "--no-fund", "--loglevel=error",
                    CATALOG_MODEL);
            assertThat(install.exit()).as("npm install %s: %s", CATALOG_MODEL, install.output()).isZero();
        }
        Files.copy(Path.of("src/test/resources/backstage/validate.cjs"), validator.resolve("validate.cjs"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BackstageExport export = export();
        Path entities = dir.resolve("entities.json");
        Files.writeString(entities, JSON.writeValueAsString(export.entities()));
        Run valid = run(validator, node.get(), "validate.cjs", entities.toAbsolutePath().toString());
        assertThat(valid.exit()).as(valid.output()).isZero();
        assertThat(valid.output()).contains("validated " + export.entities().size() + " entities, 0 problem(s)");

        // the validator is real: a name Backstage refuses is reported
        List<ObjectNode> broken = new ArrayList<>(export.entities());
        ObjectNode bad = broken.get(0).deepCopy();
        ((ObjectNode) bad.path("metadata")).put("name", "not a valid name!");
        broken.set(0, bad);
        Files.writeString(entities, JSON.writeValueAsString(broken));
        Run invalid = run(validator, node.get(), "validate.cjs", entities.toAbsolutePath().toString());
        assertThat(invalid.exit()).as(invalid.output()).isEqualTo(1);
        assertThat(invalid.output()).contains("Group:not a valid name!");
    }

    private record Run(int exit, String output) {
    }

    private static Run run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 180 s");
        }
        return new Run(process.exitValue(), output);
    }

    private static Optional<String> onPath(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                return Optional.of(Path.of(directory, name).toString());
            }
        }
        return Optional.empty();
    }
}
