package dev.headwater.openlineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.contract.DataContract;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.RuleOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events of governed clients, through OpenLineage's file transport, checked against the published schemas. */
class OpenLineageDatasetEventsTest {

    private static final DataContract ORDERS = DataContract.load(Path.of("src/test/resources/contracts/orders.yaml"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aProducerAndAConsumerEmitValidRunEventsWithTheContractsFacets() throws Exception {
        Path file = work.resolve("events.jsonl");
        DatasetEvents events = DatasetEvents.configure(Map.of(
                "headwater.lineage.openlineage.transport.type", "file",
                "headwater.lineage.openlineage.transport.location", file.toString()));
        assertThat(events).isInstanceOf(OpenLineageDatasetEvents.class);
        DatasetUse written = new DatasetUse(DatasetUse.Role.PRODUCER, "orders-service", "1.4.0", "retail", "",
                "PLAINTEXT://broker-1:9092,broker-2:9092", "retail.orders.placed.v1", ORDERS);
        DatasetUse audit = new DatasetUse(DatasetUse.Role.PRODUCER, "orders-service", "1.4.0", "retail", "",
                "PLAINTEXT://broker-1:9092,broker-2:9092", "retail.orders.audit.v1", null);
        DatasetUse read = new DatasetUse(DatasetUse.Role.CONSUMER, "payments-service", "2.0.0", "retail",
                "payments", "broker-1:9092", "retail.orders.placed.v1", ORDERS);

        events.started(written);
        events.started(written); // once per topic
        events.started(read);
        events.started(audit);
        events.completed(read, List.of(new RuleOutcome("idIsUuid", "id", 120, 0),
                new RuleOutcome("amountInRange", "amount", 120, 3)));
        events.completed(written);
        events.completed(audit);
        events.close();

        List<JsonNode> emitted = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode event = JSON.readTree(line);
            assertThat(OpenLineageSpec.violations(event)).as(line).isEmpty();
            emitted.add(event);
        }
        assertThat(emitted).extracting(e -> e.path("job").path("name").asText() + " " + e.path("eventType").asText())
                .containsExactly("orders-service START", "payments START", "orders-service RUNNING",
                        "payments COMPLETE", "orders-service COMPLETE");

        JsonNode start = emitted.get(0);
        assertThat(start.path("job").path("namespace").asText()).isEqualTo("retail");
        assertThat(start.path("job").path("facets").path("jobType").path("processingType").asText())
                .isEqualTo("STREAMING");
        assertThat(start.path("job").path("facets").path("ownership").path("owners").get(0).path("name").asText())
                .isEqualTo("team:team-orders");
        JsonNode topic = start.path("outputs").get(0);
        assertThat(topic.path("namespace").asText()).isEqualTo("kafka://broker-1:9092");
        assertThat(topic.path("name").asText()).isEqualTo("retail.orders.placed.v1");
        JsonNode facets = topic.path("facets");
        assertThat(facets.path("schema").path("fields").findValuesAsText("name"))
                .contains("id", "customer", "amount", "currency", "email");
        assertThat(facets.path("schema").path("fields").get(0).path("description").asText())
                .isEqualTo("Order id, unique per order");
        assertThat(facets.path("ownership").path("owners").get(0).path("name").asText()).isEqualTo("team:team-orders");
        assertThat(facets.path("version").path("datasetVersion").asText()).isEqualTo("1.2.0");
        assertThat(facets.path("documentation").path("description").asText())
                .contains("An order placed by a customer").contains("amountInRange");
        assertThat(facets.path("tags").path("tags").toString())
                .contains("{\"key\":\"classification\",\"value\":\"pii\",\"source\":\"HEADWATER\",\"field\":\"email\"}");

        JsonNode consumer = emitted.get(1);
        assertThat(consumer.path("inputs").get(0).path("name").asText()).isEqualTo("retail.orders.placed.v1");
        assertThat(consumer.path("inputs").get(0).path("inputFacets").has("dataQualityAssertions"))
                .as("nothing was checked when the consumer started: no assertion").isFalse();
        JsonNode measured = emitted.get(3).path("inputs").get(0).path("inputFacets").path("dataQualityAssertions")
                .path("assertions");
        assertThat(measured).hasSize(2);
        assertThat(measured.get(0).path("assertion").asText()).isEqualTo("idIsUuid");
        assertThat(measured.get(0).path("success").asBoolean()).isTrue();
        assertThat(measured.get(0).path("column").asText()).isEqualTo("id");
        assertThat(measured.get(1).path("assertion").asText()).isEqualTo("amountInRange");
        assertThat(measured.get(1).path("success").asBoolean(true)).as("3 records broke it").isFalse();
        assertThat(consumer.path("job").path("facets").path("documentation").path("description").asText())
                .contains("consumer in group payments of payments-service 2.0.0");
        assertThat(consumer.path("run").path("runId").asText())
                .isEqualTo(emitted.get(3).path("run").path("runId").asText());
        List<String> completed = new ArrayList<>();
        emitted.get(4).path("outputs").forEach(output -> completed.add(output.path("name").asText()));
        assertThat(completed).containsExactly("retail.orders.placed.v1", "retail.orders.audit.v1");
    }

    @Test
    void aLineageServerThatCannotBeReachedNeverStopsTheApplication() {
        DatasetEvents events = DatasetEvents.configure(Map.of(
                "headwater.lineage.openlineage.transport.type", "http",
                "headwater.lineage.openlineage.transport.url", "http://127.0.0.1:1",
                "headwater.lineage.openlineage.transport.timeoutInMillis", "500"));
        DatasetUse use = new DatasetUse(DatasetUse.Role.PRODUCER, "orders-service", "1.0", "retail", "",
                "broker:9092", "retail.orders.placed.v1", ORDERS);
        long start = System.nanoTime();
        events.started(use);
        events.completed(use);
        events.close();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to close").isLessThan(8_000);
    }

    @Test
    void settingsWithoutATransportTypeNameTheMissingKey() {
        assertThatThrownBy(() -> DatasetEvents.configure(Map.of("headwater.lineage.openlineage.transport.url",
                "http://marquez:5000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("headwater.lineage.openlineage.transport.type");
    }

    @Test
    void nothingConfiguredMeansNoEvents() {
        assertThat(DatasetEvents.configure(Map.of("bootstrap.servers", "broker:9092"))).isSameAs(DatasetEvents.NONE);
    }
}
