package dev.headwater.registry;

import static dev.headwater.support.Schemas.ORDER_V1;
import static dev.headwater.support.Schemas.ORDER_V3_NO_DEFAULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.support.ScriptedHttpServer;
import dev.headwater.support.ScriptedHttpServer.Answer;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process registry answers as Confluent Schema Registry documents, where clients can tell, and the client reads
 * every form a Confluent registry answers in.
 */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class RegistryFidelityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SchemaRegistryClient client;
    private String subject;
    private String url;

    @BeforeEach
    void setUp(EmbeddedSchemaRegistry registry) {
        client = SchemaRegistryClient.builder().urls(registry.url()).build();
        subject = "retail.orders." + UUID.randomUUID() + "-value";
        url = registry.url();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String schemaBody(String schema) throws Exception {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    @Test
    void anInvalidSchemaIsTheClientsErrorAnswered422WithCode42201AndNeverRetried() throws Exception {
        String invalid = "{\"type\":\"record\",\"name\":\"Bad\",\"fields\":[{\"name\":\"x\",\"type\":\"nosuchtype\"}]}";
        HttpResponse<String> answer = call("POST", "/subjects/" + subject + "/versions", schemaBody(invalid));
        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(answer.body()).path("error_code").asInt()).isEqualTo(42201);
        String unparsable = "{\"type\":\"record\",\"name\":\"Bad\",\"fields\":[{\"name\":\"x\",\"type\":\"int\","
                + "\"default\":\"not an int\"}]}";
        assertThatThrownBy(() -> client.register(subject, SchemaDefinition.avro(unparsable), false))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_SCHEMA);
                    assertThat(e.isTransient()).isFalse();
                });
    }

    @Test
    void compatibilityAnswersCarryMessagesOnlyWhenVerboseAndASubjectWithoutVersionsAcceptsAnything()
            throws Exception {
        JsonNode empty = JSON.readTree(call("POST", "/compatibility/subjects/" + subject + "/versions/latest",
                schemaBody(ORDER_V1)).body());
        assertThat(empty.path("is_compatible").asBoolean()).isTrue();

        client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        JsonNode terse = JSON.readTree(call("POST", "/compatibility/subjects/" + subject + "/versions/latest",
                schemaBody(ORDER_V3_NO_DEFAULT)).body());
        JsonNode verbose = JSON.readTree(call("POST", "/compatibility/subjects/" + subject
                + "/versions/latest?verbose=true", schemaBody(ORDER_V3_NO_DEFAULT)).body());
        assertThat(terse.path("is_compatible").asBoolean()).isFalse();
        assertThat(terse.has("messages")).isFalse();
        assertThat(verbose.path("messages")).isNotEmpty();
        assertThat(client.testCompatibility(subject, SchemaDefinition.avro(ORDER_V3_NO_DEFAULT)).messages())
                .isNotEmpty();
    }

    @Test
    void afterASoftDeleteAnIdsVersionsAreEmptyAndListedWithDeleted() throws Exception {
        // a schema of its own: the registry is shared by the run, and an id is shared by every subject of its schema
        String own = ORDER_V1.replace("OrderPlaced", "OrderPlaced" + subject.replaceAll("[^a-z0-9]", ""));
        int id = client.register(subject, SchemaDefinition.avro(own), false);
        client.deleteSubject(subject, false);

        HttpResponse<String> live = call("GET", "/schemas/ids/" + id + "/versions", null);
        HttpResponse<String> withDeleted = call("GET", "/schemas/ids/" + id + "/versions?deleted=true", null);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body())).isEmpty();
        assertThat(JSON.readTree(withDeleted.body()).get(0).path("subject").asText()).isEqualTo(subject);
        assertThat(call("GET", "/schemas/ids/999999/versions", null).statusCode()).isEqualTo(404);
    }

    @Test
    void servesTheRawSchemaByIdTheModeAndLatestInAnyCase() throws Exception {
        int id = client.register(subject, SchemaDefinition.avro(ORDER_V1), false);

        JsonNode raw = JSON.readTree(call("GET", "/schemas/ids/" + id + "/schema", null).body());
        assertThat(raw.path("name").asText()).isEqualTo("OrderPlaced");
        assertThat(JSON.readTree(call("GET", "/mode", null).body()).path("mode").asText()).isEqualTo("READWRITE");
        assertThat(JSON.readTree(call("GET", "/mode/" + subject, null).body()).path("mode").asText())
                .isEqualTo("READWRITE");
        assertThat(JSON.readTree(call("GET", "/subjects/" + subject + "/versions/LATEST", null).body())
                .path("id").asInt()).isEqualTo(id);
    }

    @Test
    void theClientTakesHttp409AsIncompatibleWhateverTheErrorCode() throws Exception {
        // Confluent 8.0.4+, 8.1.2+ and 8.2+ answer an incompatible schema with error code 40901
        try (var server = new ScriptedHttpServer(exchange -> Answer.json(409, "{\"error_code\":40901,\"message\":"
                + "\"Schema being registered is incompatible with an earlier schema for subject \\\"s\\\", details: "
                + "[{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field amount has no "
                + "default'}]\"}"))) {
            SchemaRegistryClient scripted = SchemaRegistryClient.builder().urls(server.url()).build();
            assertThatThrownBy(() -> scripted.register("s", SchemaDefinition.avro(ORDER_V1), false))
                    .isInstanceOfSatisfying(IncompatibleSchemaException.class, e ->
                            assertThat(e.reasons()).isNotEmpty());
            assertThat(server.requests()).hasSize(1);
        }
    }
}
