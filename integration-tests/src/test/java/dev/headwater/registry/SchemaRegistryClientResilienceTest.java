package dev.headwater.registry;

import static dev.headwater.support.Schemas.ORDER_V1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.support.ScriptedHttpServer;
import dev.headwater.support.ScriptedHttpServer.Answer;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientResilienceTest {

    private static final String LATEST = "{\"subject\":\"s\",\"version\":1,\"id\":7,\"schema\":\"\\\"string\\\"\"}";

    @Test
    void retriesA500AndThenReportsTheRegistrysErrorCode() throws Exception {
        try (var server = new ScriptedHttpServer(exchange -> Answer.json(500,
                "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}"))) {
            SchemaRegistryClient client = client(server.url()).build();

            assertThatThrownBy(() -> client.latest("orders-value"))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(500);
                        assertThat(e.errorCode()).isEqualTo(50001);
                        assertThat(e.getMessage()).contains("failed after 3 attempt(s)").contains("backend data store");
                    });
            assertThat(server.requests()).hasSize(3);
        }
    }

    @Test
    void recoversWhenARetrySucceeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (var server = new ScriptedHttpServer(exchange -> calls.incrementAndGet() == 1
                ? Answer.json(503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}")
                : Answer.json(200, LATEST))) {
            assertThat(client(server.url()).build().latest("s").id()).isEqualTo(7);
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void neverRetriesA4xxAndTellsWhatToDoAbout401WithoutShowingTheSecret() throws Exception {
        try (var server = new ScriptedHttpServer(exchange -> Answer.json(401,
                "{\"error_code\":401,\"message\":\"Unauthorized\"}"))) {
            SchemaRegistryClient client = client(server.url()).basicAuth("svc-orders", "s3cr3t-pass").build();

            assertThatThrownBy(() -> client.latest("orders-value"))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("credentials").doesNotContain("s3cr3t-pass");
                    });
            assertThat(server.requests()).hasSize(1);
            assertThat(server.requests().get(0).authorization()).isEqualTo("Basic c3ZjLW9yZGVyczpzM2NyM3QtcGFzcw==");
            assertThat(client.toString()).doesNotContain("s3cr3t-pass").doesNotContain("svc-orders");
        }
    }

    @Test
    void credentialsInTheUrlAreUsedAndNeverShown() throws Exception {
        try (var server = new ScriptedHttpServer(exchange -> Answer.json(404,
                "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}"))) {
            String withCredentials = server.url().replace("http://", "http://svc:hunter2@");
            SchemaRegistryClient client = client(withCredentials).build();

            assertThatThrownBy(() -> client.latest("x"))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.getMessage()).doesNotContain("hunter2");
                        assertThat(e.url()).doesNotContain("hunter2").startsWith(server.url());
                    });
            assertThat(server.requests().get(0).authorization()).startsWith("Basic ");
            assertThat(client.toString()).doesNotContain("hunter2");
            assertThat(SchemaRegistryClient.builder().urls(withCredentials).toString()).doesNotContain("hunter2");
        }
    }

    @Test
    void asksTheBearerTokenSupplierOnEveryRequest() throws Exception {
        AtomicInteger token = new AtomicInteger();
        try (var server = new ScriptedHttpServer(exchange -> Answer.json(200, LATEST))) {
            SchemaRegistryClient client = client(server.url()).bearerToken(() -> "t" + token.incrementAndGet())
                    .latestCacheTtl(Duration.ZERO).build();
            client.latest("s");
            client.latest("s");
            assertThat(server.requests()).extracting(ScriptedHttpServer.Request::authorization)
                    .containsExactly("Bearer t1", "Bearer t2");
        }
    }

    @Test
    void htmlInsteadOfJsonGivesAClearError() throws Exception {
        try (var server = new ScriptedHttpServer(exchange -> new Answer(200, "text/html",
                "<html><body><h1>Please log in</h1></body></html>"))) {
            assertThatThrownBy(() -> client(server.url()).build().latest("orders-value"))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("not JSON")
                    .hasMessageContaining("text/html")
                    .hasMessageContaining("Please log in")
                    .hasMessageContaining("proxy or login page");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aRegistryThatIsDownFailsWithinTheRetriesAndSaysSo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SchemaRegistryClient client = client("http://127.0.0.1:" + closedPort).build();
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(-1);
                    assertThat(e.getMessage()).contains("failed after 3 attempt(s)").contains("no answer from")
                            .contains("ConnectException");
                });
    }

    @Test
    void aSlowRegistryTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var server = new ScriptedHttpServer(exchange -> {
            release.await(10, TimeUnit.SECONDS);
            return Answer.json(200, LATEST);
        })) {
            SchemaRegistryClient client = client(server.url()).requestTimeout(Duration.ofMillis(300))
                    .retries(2, Duration.ofMillis(10)).build();
            assertThatThrownBy(() -> client.latest("s"))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("HttpTimeoutException")
                    .hasMessageContaining("failed after 2 attempt(s)");
        } finally {
            release.countDown();
        }
    }

    @Test
    void failsOverToTheNextUrlWhenOneIsDown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            SchemaRegistryClient client = client("http://127.0.0.1:" + closedPort + "," + registry.url()).build();
            int id = client.register("orders-value", SchemaDefinition.avro(ORDER_V1), false);
            assertThat(client.version("orders-value", 1).id()).isEqualTo(id);
        }
    }

    @Test
    void theCircuitBreakerOpensAfterRepeatedFailuresAndStopsCallingTheRegistry() throws Exception {
        try (var server = new ScriptedHttpServer(exchange -> Answer.json(500,
                "{\"error_code\":50001,\"message\":\"down\"}"))) {
            SchemaRegistryClient client = client(server.url()).retries(1, Duration.ofMillis(1))
                    .circuitBreaker(CircuitBreakerConfig.custom().minimumNumberOfCalls(2).slidingWindowSize(2)
                            .waitDurationInOpenState(Duration.ofMinutes(1)).build())
                    .latestCacheTtl(Duration.ZERO).build();
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> client.latest("s")).isInstanceOf(SchemaRegistryException.class);
            }
            assertThatThrownBy(() -> client.latest("s"))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("circuit breaker is open");
            assertThat(server.requests()).hasSize(2);
        }
    }

    @Test
    void fourHundredsDoNotOpenTheCircuitBreaker() throws Exception {
        try (var server = new ScriptedHttpServer(exchange -> Answer.json(404,
                "{\"error_code\":40401,\"message\":\"Subject not found.\"}"))) {
            SchemaRegistryClient client = client(server.url())
                    .circuitBreaker(CircuitBreakerConfig.custom().minimumNumberOfCalls(2).slidingWindowSize(2).build())
                    .build();
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> client.latest("s"))
                        .isInstanceOfSatisfying(SchemaRegistryException.class,
                                e -> assertThat(e.errorCode()).isEqualTo(40401));
            }
            assertThat(server.requests()).hasSize(5);
        }
    }

    @Test
    void schemasCachedByIdAreServedWhileTheRegistryIsDown() {
        SchemaRegistryClient client;
        int id;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            client = client(registry.url()).build();
            id = client.register("orders-value", SchemaDefinition.avro(ORDER_V1), false);
            client.schemaById(id);
        }
        assertThat(client.schemaById(id).schema()).contains("OrderPlaced");
        assertThat(client.register("orders-value", SchemaDefinition.avro(ORDER_V1), false)).isEqualTo(id);
    }

    @Test
    void builderRejectsMissingOrMalformedUrls() {
        assertThatThrownBy(() -> SchemaRegistryClient.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'urls' is required");
        assertThatThrownBy(() -> SchemaRegistryClient.builder().urls("ftp://registry:8081").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> SchemaRegistryClient.builder().urls("http://u:pw@registry:8081")
                .bearerToken(() -> "t").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    }

    private static SchemaRegistryClient.Builder client(String urls) {
        return SchemaRegistryClient.builder().urls(urls).retries(3, Duration.ofMillis(10))
                .connectTimeout(Duration.ofSeconds(2));
    }
}
