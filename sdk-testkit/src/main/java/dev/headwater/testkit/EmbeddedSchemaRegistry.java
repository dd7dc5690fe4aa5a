package dev.headwater.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.headwater.HeadwaterException;
import dev.headwater.testkit.internal.RegistryStore.RegistryError;
import dev.headwater.testkit.internal.RegistryStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A schema registry in this JVM that speaks the Confluent Schema Registry REST API on 127.0.0.1, for tests, samples and
 * local development. No Docker is needed.
 *
 * <p>Faithful where clients can tell: the same schema under two subjects gets the same global id; registering again is
 * idempotent; versions per subject; compatibility levels NONE, BACKWARD, FORWARD, FULL and their TRANSITIVE forms,
 * checked with Avro's own checker; global and per-subject config; soft and hard deletes; {@code metadata} and
 * {@code ruleSet} stored and returned unchanged; the registry's HTTP statuses and error codes. Avro only. State lives in
 * memory and is lost on close. It also answers the part of Apicurio Registry's v2 API that Apicurio's Kafka serdes use
 * to find a schema by artifact or id, so that a peer stack built on them can be measured against it.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
 *     String url = registry.url(); // http://127.0.0.1:41234
 * }
 * }</pre>
 *
 * <p>Thread safe.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** When versions were created and modified, for Apicurio's API: the registry keeps no times of its own. */
    private static final String STARTED = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpServer server;
    private final ExecutorService executor;
    private final RegistryStore store = new RegistryStore();
    private final Path journal;

    private EmbeddedSchemaRegistry(int port, Path journal) throws IOException {
        this.journal = journal;
        if (journal != null && Files.exists(journal)) {
            replay(journal);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "headwater-embedded-registry");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts a registry on a free port of 127.0.0.1.
     *
     * @return the running registry
     */
    public static EmbeddedSchemaRegistry start() {
        return start(0);
    }

    /**
     * Starts a registry on a given port of 127.0.0.1.
     *
     * @param port the port, or 0 for a free one
     * @return the running registry
     * @throws HeadwaterException naming the port when it is already in use
     */
    public static EmbeddedSchemaRegistry start(int port) {
        return start(port, null);
    }

    /**
     * Starts a registry whose changes are appended to a journal file and replayed when it starts again, so its
     * schemas, ids and settings survive a restart.
     *
     * @param port the port, or 0 for a free one
     * @param journal the journal file, created if absent; null to keep state in memory only
     * @return the running registry
     * @throws HeadwaterException naming the port when it is already in use, or the journal when it cannot be read
     */
    public static EmbeddedSchemaRegistry start(int port, Path journal) {
        try {
            return new EmbeddedSchemaRegistry(port, journal);
        } catch (BindException e) {
            throw new HeadwaterException("Port " + port + " on 127.0.0.1 is already in use, so the in-process schema "
                    + "registry cannot start there; stop what uses it or choose another port.", e);
        } catch (IOException e) {
            throw new HeadwaterException("The in-process schema registry failed to start: " + e.getMessage(), e);
        }
    }

    /** @return the base URL, such as {@code http://127.0.0.1:41234} */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** @return the port the registry listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving, frees the port and ends the registry's threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedSchemaRegistry{url=" + url() + "}";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            JsonNode answer;
            try {
                String method = exchange.getRequestMethod();
                String path = exchange.getRequestURI().getRawPath();
                String rawQuery = exchange.getRequestURI().getRawQuery();
                byte[] body = exchange.getRequestBody().readAllBytes();
                synchronized (store) {
                    answer = route(method, path, query(rawQuery), new java.io.ByteArrayInputStream(body));
                    if (journal != null && !method.equals("GET") && !(method.equals("POST")
                            && (path.startsWith("/compatibility") || !path.endsWith("/versions")))) {
                        record(method, path, rawQuery, body);
                    }
                }
            } catch (RegistryError e) {
                status = e.status();
                answer = JSON.createObjectNode().put("error_code", e.errorCode()).put("message", e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                answer = JSON.createObjectNode().put("error_code", 50001).put("message",
                        "Error in the backend data store: " + e);
            }
            byte[] body = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void record(String method, String path, String rawQuery, byte[] body) throws IOException {
        var entry = JSON.createObjectNode().put("method", method).put("path", path)
                .put("query", rawQuery == null ? "" : rawQuery)
                .put("body", new String(body, StandardCharsets.UTF_8));
        Files.writeString(journal, JSON.writeValueAsString(entry) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private void replay(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode entry = JSON.readTree(line);
            try {
                route(entry.path("method").asText(), entry.path("path").asText(),
                        query(entry.path("query").asText().isEmpty() ? null : entry.path("query").asText()),
                        new java.io.ByteArrayInputStream(entry.path("body").asText().getBytes(StandardCharsets.UTF_8)));
            } catch (RegistryError e) {
                // a request the registry refused the first time is refused again: nothing to restore
            }
        }
    }

    private JsonNode route(String method, String rawPath, Map<String, List<String>> query, InputStream bodyStream)
            throws IOException {
        List<String> path = Arrays.stream(rawPath.split("/")).filter(p -> !p.isEmpty())
                .map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8)).toList();
        boolean deleted = flag(query, "deleted");
        boolean permanent = flag(query, "permanent");
        if (path.size() >= 3 && path.get(0).equals("apis") && path.get(1).equals("registry")
                && path.get(2).equals("v2")) {
            return apicurio(method, path.subList(3, path.size()), rawPath);
        }
        String route = method + " " + shape(path);
        return switch (route) {
            case "GET " -> JSON.createObjectNode();
            case "GET schemas/types" -> JSON.createArrayNode().add("AVRO");
            case "GET subjects" -> store.subjects(deleted);
            case "GET subjects/*/versions" -> store.versions(path.get(1), deleted);
            case "POST subjects/*/versions" -> store.register(path.get(1), body(bodyStream));
            case "POST subjects/*" -> store.lookup(path.get(1), body(bodyStream), deleted);
            case "GET subjects/*/versions/*" -> store.version(path.get(1), path.get(3), deleted);
            case "GET subjects/*/versions/*/schema" ->
                    JSON.readTree(store.version(path.get(1), path.get(3), deleted).path("schema").asText());
            case "GET subjects/*/metadata" -> store.latestWithMetadata(path.get(1), pairs(query));
            case "DELETE subjects/*" -> store.deleteSubject(path.get(1), permanent);
            case "DELETE subjects/*/versions/*" -> IntNode.valueOf(store.deleteVersion(path.get(1), path.get(3),
                    permanent));
            case "GET schemas/ids/*" -> store.schemaById(id(path.get(2)));
            case "GET schemas/ids/*/versions" -> store.subjectVersionsOf(id(path.get(2)), deleted);
            case "GET schemas/ids/*/schema" -> JSON.readTree(store.schemaById(id(path.get(2))).path("schema")
                    .asText());
            case "POST compatibility/subjects/*/versions" ->
                    store.testCompatibility(path.get(2), null, body(bodyStream), flag(query, "verbose"));
            case "POST compatibility/subjects/*/versions/*" ->
                    store.testCompatibility(path.get(2), path.get(4), body(bodyStream), flag(query, "verbose"));
            case "GET mode" -> JSON.createObjectNode().put("mode", "READWRITE");
            case "GET mode/*" -> JSON.createObjectNode().put("mode", "READWRITE");
            case "GET config" -> store.globalConfig();
            case "PUT config" -> store.setGlobalConfig(body(bodyStream));
            case "GET config/*" -> store.subjectConfig(path.get(1), flag(query, "defaultToGlobal"));
            case "PUT config/*" -> store.setSubjectConfig(path.get(1), body(bodyStream));
            case "DELETE config/*" -> store.deleteSubjectConfig(path.get(1));
            default -> throw RegistryStore.notFound(method, rawPath);
        };
    }

    /**
     * The part of Apicurio Registry's v2 REST API that Apicurio's own Kafka serdes (2.x) use to find a schema: an
     * artifact is a subject of the group {@code default} (the serdes' topic strategy names it {@code {topic}-value}),
     * and global and content ids are the registry's schema ids, so that records in the Confluent wire format read the
     * same through either API.
     */
    private JsonNode apicurio(String method, List<String> path, String rawPath) throws IOException {
        String route = method + " " + String.join("/", path.stream().map(p -> p.matches("\\d+") ? "#" : p)
                .toList());
        if (route.startsWith("GET groups/") && path.size() == 5 && path.get(2).equals("artifacts")
                && path.get(4).equals("meta")) {
            ObjectNode latest = store.version(path.get(3), "latest", false);
            int id = latest.path("id").asInt();
            return JSON.createObjectNode().put("groupId", path.get(1)).put("id", path.get(3))
                    .put("version", latest.path("version").asText()).put("type", "AVRO").put("state", "ENABLED")
                    .put("globalId", id).put("contentId", id).put("name", path.get(3))
                    .put("createdOn", STARTED).put("modifiedOn", STARTED).set("references", JSON.createArrayNode());
        }
        return switch (route) {
            case "GET ids/globalIds/#", "GET ids/contentIds/#" ->
                    JSON.readTree(store.schemaById(id(path.get(2))).path("schema").asText());
            case "GET ids/globalIds/#/references", "GET ids/contentIds/#/references" -> {
                store.schemaById(id(path.get(2)));
                yield JSON.createArrayNode();
            }
            default -> throw RegistryStore.notFound(method, rawPath);
        };
    }

    private static String shape(List<String> path) {
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            if (i > 0) {
                shape.append('/');
            }
            boolean fixed = (i == 0) || (path.get(0).equals("schemas") && i == 1)
                    || ((path.get(0).equals("subjects")) && (i == 2 || i == 4))
                    || (path.get(0).equals("schemas") && i == 3)
                    || (path.get(0).equals("compatibility") && (i == 1 || i == 3));
            shape.append(fixed ? path.get(i) : "*");
        }
        return shape.toString();
    }

    private static JsonNode body(InputStream stream) {
        try {
            JsonNode node = JSON.readTree(stream);
            if (node == null || node.isMissingNode()) {
                throw RegistryStore.badJson("empty body");
            }
            return node;
        } catch (IOException e) {
            throw RegistryStore.badJson(e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryStore.schemaNotFound(text);
        }
    }

    private static boolean flag(Map<String, List<String>> query, String name) {
        return query.getOrDefault(name, List.of()).contains("true");
    }

    private static Map<String, String> pairs(Map<String, List<String>> query) {
        List<String> keys = query.getOrDefault("key", List.of());
        List<String> values = query.getOrDefault("value", List.of());
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < keys.size() && i < values.size(); i++) {
            pairs.put(keys.get(i), values.get(i));
        }
        return pairs;
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new HashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(value);
        }
        return query;
    }
}
