package dev.headwater.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.headwater.contract.DataContract;
import dev.headwater.fixtures.Vendored;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The AsyncAPI export, validated against AsyncAPI 3.0.0's published JSON schema. */
class AsyncApiExportTest {

    private static final DataContract ORDERS = DataContract.load(Path.of("src/test/resources/contracts/orders.yaml"));
    private static final DataContract PAYMENTS = DataContract.parse("""
            subject: retail.payments.requested.v1-value
            topics: [retail.payments.requested.v1]
            version: 2.1.0
            owner: {team: team-payments, contact: payments@example.com}
            description: A payment requested for an order.
            erasureSubject: orderId
            schema: |
              {"type":"record","name":"PaymentRequested","namespace":"dev.headwater.test","fields":[
                {"name":"orderId","type":"string"},{"name":"amount","type":"double"},
                {"name":"iban","type":["null","string"],"default":null}]}
            fields:
              iban: {doc: "The account to debit", classification: restricted, protect: encrypt}
            """, "payments.yaml", null);

    @Test
    void anApplicationsContractsBecomeAValidAsyncApiDocument() throws Exception {
        AsyncApiExport export = AsyncApiExport.builder("payments-service", "2.1.0")
                .server("production", "SASL_SSL://broker-1.example.com:9093,broker-2.example.com:9093")
                .consumes(ORDERS)
                .produces(PAYMENTS)
                .build();

        JsonNode document = export.toJsonTree();
        assertThat(violations(document)).isEmpty();
        assertThat(violations(new ObjectMapper().valueToTree(new Yaml().load(export.toYaml()))))
                .as("the YAML form too").isEmpty();

        assertThat(document.path("servers").path("production").path("host").asText())
                .isEqualTo("broker-1.example.com:9093");
        JsonNode orders = document.path("channels").path("retailOrdersPlacedV1");
        assertThat(orders.path("address").asText()).isEqualTo("retail.orders.placed.v1");
        assertThat(orders.path("bindings").path("kafka").path("topic").asText()).isEqualTo("retail.orders.placed.v1");
        assertThat(orders.path("x-headwater-owner").asText()).isEqualTo("team-orders");
        assertThat(orders.path("x-headwater-dead-letter-topic").asText()).isEqualTo("retail.orders.placed.v1.dlq");
        assertThat(document.path("operations").path("receiveRetailOrdersPlacedV1").path("action").asText())
                .isEqualTo("receive");
        assertThat(document.path("operations").path("sendRetailPaymentsRequestedV1").path("action").asText())
                .isEqualTo("send");
        JsonNode message = document.path("components").path("messages").path("OrderPlaced");
        assertThat(message.path("payload").path("schemaFormat").asText()).startsWith("application/vnd.apache.avro");
        assertThat(message.path("payload").path("schema").path("name").asText()).isEqualTo("OrderPlaced");
        assertThat(message.path("headers").path("properties").has("hw")).isTrue();
        assertThat(message.path("headers").path("properties").has("traceparent")).isTrue();
        assertThat(message.path("bindings").path("kafka").path("schemaIdPayloadEncoding").asText())
                .isEqualTo("confluent");
        assertThat(message.path("description").asText()).contains("`email`: Customer's email address (pii)")
                .contains("amountInRange on `amount`");
        assertThat(message.path("x-headwater-classification").path("email").asText()).isEqualTo("pii");
        assertThat(message.has("x-headwater-protection")).as("orders protects nothing").isFalse();
        assertThat(document.path("components").path("messages").path("PaymentRequested")
                .path("x-headwater-protection").toString()).isEqualTo("{\"iban\":\"encrypt\"}");
        assertThat(document.path("components").path("messages").path("PaymentRequested")
                .path("x-headwater-erasure-subject").asText()).isEqualTo("orderId");
    }

    @Test
    void aBrokenDocumentIsCaughtByTheSchemaSoTheCheckAboveCanFail() {
        JsonNode document = AsyncApiExport.builder("x", "1").produces(ORDERS).build().toJsonTree();
        ((com.fasterxml.jackson.databind.node.ObjectNode) document).put("asyncapi", "2.6.0");
        assertThat(violations(document)).isNotEmpty();
    }

    private static Set<ValidationMessage> violations(JsonNode document) {
        try (InputStream in = java.nio.file.Files.newInputStream(asyncApiSchema())) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                    .getSchema(new ObjectMapper().readTree(in));
            return schema.validate(document);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * AsyncAPI 3.0.0's JSON schema from the npm package its owners publish ({@code @asyncapi/specs}, fetched into
     * {@code target/npm} by the build), else from shared/vendor/catalogs/; the test skips when neither is there.
     */
    private static java.nio.file.Path asyncApiSchema() {
        java.nio.file.Path fetched = java.nio.file.Path.of("target/npm/asyncapi-specs/package/schemas/"
                + "3.0.0-without-$id.json");
        return java.nio.file.Files.exists(fetched) ? fetched : Vendored.require("asyncapi/asyncapi-3.0.0-without-id.json");
    }
}
