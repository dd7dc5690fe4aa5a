package dev.headwater.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.internal.Redaction;
import dev.headwater.registry.internal.RegistryTransport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A client for the Confluent Schema Registry REST API (also spoken by Karapace, Redpanda and Apicurio's compatibility
 * API), on {@code java.net.http} and Jackson.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.builder()
 *         .urls("https://registry-1:8081", "https://registry-2:8081")
 *         .basicAuth("svc-orders", secret)
 *         .build();
 * int id = registry.register("retail.orders.placed.v1-value", SchemaDefinition.avro(schemaJson), true);
 * }</pre>
 *
 * <p><b>Caches.</b> Schemas by id are kept forever (ids are immutable); ids by (subject, schema) likewise; a subject's
 * latest version for {@link Builder#latestCacheTtl(Duration)}. So records whose schemas are cached serialize and
 * deserialize while the registry is down.
 *
 * <p><b>Resilience.</b> Connection failures, timeouts and 5xx answers fail over to the next URL, are retried with
 * exponential backoff and counted by a circuit breaker; 4xx answers are final and raise a
 * {@link SchemaRegistryException} carrying the registry's error code. Credentials never appear in logs, exceptions or
 * {@link #toString()}.
 *
 * <p>Thread safe: share one client per registry.
 */
public final class SchemaRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> urls;
    private final RegistryTransport transport;
    private final Duration latestTtl;
    private final Clock clock;
    private final Map<Integer, SchemaDefinition> byId = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();
    private final Map<String, Timed> latest = new ConcurrentHashMap<>();

    private SchemaRegistryClient(Builder builder, List<URI> urls, Supplier<Optional<String>> authorization) {
        this.urls = urls;
        this.latestTtl = builder.latestCacheTtl;
        this.clock = builder.clock;
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                // redirects are followed by the transport, which never sends credentials to another origin
                .followRedirects(HttpClient.Redirect.NEVER);
        if (builder.sslContext != null) {
            http.sslContext(builder.sslContext);
        }
        if (builder.sslParameters != null) {
            http.sslParameters(builder.sslParameters);
        }
        Retry retry = Retry.of("schema-registry", RetryConfig.custom()
                .maxAttempts(builder.maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(builder.initialBackoff, 2.0))
                .retryOnException(RegistryTransport::isTransient)
                .build());
        CircuitBreaker breaker = CircuitBreaker.of("schema-registry", builder.circuitBreakerConfig);
        this.transport = new RegistryTransport(urls, http.build(), builder.requestTimeout, authorization, retry,
                breaker, JSON);
    }

    /**
     * Builds a client from Kafka-style properties with Confluent's key names ({@code schema.registry.url},
     * {@code basic.auth.credentials.source}, {@code basic.auth.user.info}, {@code bearer.auth.token},
     * {@code schema.registry.ssl.truststore.*}, {@code schema.registry.ssl.keystore.*}, declared in
     * {@link SchemaRegistryClientConfig#CONFIG_DEF}); other keys are ignored.
     *
     * @param properties the properties
     * @return a new client
     * @throws org.apache.kafka.common.config.ConfigException naming a bad key, never a secret's value
     */
    public static SchemaRegistryClient fromProperties(Map<String, ?> properties) {
        return SchemaRegistryClientConfig.builder(properties).build();
    }

    /** @return a builder; {@link Builder#urls(String...)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers a schema under a subject, or returns the id it already has there (registering is idempotent).
     *
     * @param subject the subject, such as {@code retail.orders.placed.v1-value}
     * @param schema the schema, with its references, metadata and rule set
     * @param normalize ask the registry to normalize the schema first, so equivalent texts get the same id
     * @return the global schema id
     * @throws IncompatibleSchemaException when the subject's compatibility level refuses the schema
     * @throws SchemaRegistryException for an invalid schema (42201) or any other refusal or failure
     */
    public int register(String subject, SchemaDefinition schema, boolean normalize) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = transport.send("POST", "/subjects/" + encode(subject) + "/versions?normalize=" + normalize,
                toJson(schema));
        int id = answer.path("id").asInt(-1);
        idBySubjectSchema.put(key, id);
        byId.putIfAbsent(id, schema);
        latest.remove(subject);
        return id;
    }

    /**
     * Looks up the version and id a schema has under a subject, without registering it.
     *
     * @param subject the subject
     * @param schema the schema
     * @param normalize normalize before comparing
     * @return the registered schema
     * @throws SchemaRegistryException with error code 40401 (subject) or 40403 (schema) when not registered there
     */
    public RegisteredSchema lookup(String subject, SchemaDefinition schema, boolean normalize) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = lookups.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = transport.send("POST", "/subjects/" + encode(subject) + "?normalize=" + normalize,
                toJson(schema));
        RegisteredSchema found = registered(answer, subject);
        lookups.put(key, found);
        idBySubjectSchema.putIfAbsent(key, found.id());
        return found;
    }

    /**
     * Returns the schema with a global id. Cached forever once fetched.
     *
     * @param id the global schema id
     * @return the schema
     * @throws SchemaRegistryException with error code 40403 when there is no such schema
     */
    public SchemaDefinition schemaById(int id) {
        SchemaDefinition cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        SchemaDefinition fetched = definition(transport.send("GET", "/schemas/ids/" + id, null));
        byId.putIfAbsent(id, fetched);
        return fetched;
    }

    /**
     * Returns one version of a subject.
     *
     * @param subject the subject
     * @param version the version, from 1
     * @return the registered schema
     * @throws SchemaRegistryException with error code 40401 or 40402 when absent
     */
    public RegisteredSchema version(String subject, int version) {
        RegisteredSchema found = registered(transport.send("GET",
                "/subjects/" + encode(subject) + "/versions/" + version, null), subject);
        byId.putIfAbsent(found.id(), found.definition());
        return found;
    }

    /**
     * Returns the latest version of a subject, cached for the configured time to live.
     *
     * @param subject the subject
     * @return the latest registered schema
     * @throws SchemaRegistryException with error code 40401 when the subject does not exist
     */
    public RegisteredSchema latest(String subject) {
        Timed cached = latest.get(subject);
        Instant now = clock.instant();
        if (cached != null && now.isBefore(cached.expires)) {
            return cached.schema;
        }
        RegisteredSchema found = registered(transport.send("GET",
                "/subjects/" + encode(subject) + "/versions/latest", null), subject);
        byId.putIfAbsent(found.id(), found.definition());
        latest.put(subject, new Timed(found, now.plus(latestTtl)));
        return found;
    }

    /**
     * Returns the latest version of a subject whose metadata properties hold every given key and value.
     *
     * @param subject the subject
     * @param properties metadata properties to match, such as {@code major=2}
     * @return the matching registered schema
     * @throws SchemaRegistryException when no version matches
     */
    public RegisteredSchema latestWithMetadata(String subject, Map<String, String> properties) {
        StringBuilder query = new StringBuilder();
        properties.forEach((key, value) -> query.append(query.length() == 0 ? "?" : "&")
                .append("key=").append(encode(key)).append("&value=").append(encode(value)));
        RegisteredSchema found = registered(transport.send("GET",
                "/subjects/" + encode(subject) + "/metadata" + query, null), subject);
        byId.putIfAbsent(found.id(), found.definition());
        return found;
    }

    /**
     * Lists subjects.
     *
     * @param includeSoftDeleted include soft-deleted subjects too
     * @return subject names
     */
    public List<String> subjects(boolean includeSoftDeleted) {
        return strings(transport.send("GET", "/subjects" + (includeSoftDeleted ? "?deleted=true" : ""), null));
    }

    /**
     * Lists the versions of a subject that are not deleted.
     *
     * @param subject the subject
     * @return version numbers, ascending
     * @throws SchemaRegistryException with error code 40401 when the subject does not exist
     */
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        transport.send("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    /**
     * Tests whether a schema could be registered under a subject, against the subject's latest version (and, for a
     * transitive level, every version).
     *
     * @param subject the subject
     * @param schema the candidate schema
     * @return the verdict and the reasons
     */
    public CompatibilityResult testCompatibility(String subject, SchemaDefinition schema) {
        return compatibility(transport.send("POST", "/compatibility/subjects/" + encode(subject)
                + "/versions?verbose=true", toJson(schema)));
    }

    /**
     * Tests whether a schema is compatible with one version of a subject, at the subject's level.
     *
     * @param subject the subject
     * @param version the version to test against
     * @param schema the candidate schema
     * @return the verdict and the reasons
     */
    public CompatibilityResult testCompatibility(String subject, int version, SchemaDefinition schema) {
        return compatibility(transport.send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/"
                + version + "?verbose=true", toJson(schema)));
    }

    /** @return the registry's global compatibility level */
    public CompatibilityLevel compatibility() {
        return level(transport.send("GET", "/config", null));
    }

    /**
     * Returns the compatibility level that applies to a subject: its own, or the global one.
     *
     * @param subject the subject
     * @return the effective level
     */
    public CompatibilityLevel compatibility(String subject) {
        return level(transport.send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null));
    }

    /**
     * Sets the global compatibility level.
     *
     * @param level the level
     */
    public void setCompatibility(CompatibilityLevel level) {
        transport.send("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()));
    }

    /**
     * Sets a subject's compatibility level.
     *
     * @param subject the subject
     * @param level the level
     */
    public void setCompatibility(String subject, CompatibilityLevel level) {
        transport.send("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level.name()));
    }

    /**
     * Removes a subject's own compatibility level, so the global one applies.
     *
     * @param subject the subject
     */
    public void deleteCompatibility(String subject) {
        transport.send("DELETE", "/config/" + encode(subject), null);
    }

    /**
     * Deletes a subject: softly (versions hidden, ids kept) or permanently, which needs a soft delete first.
     *
     * @param subject the subject
     * @param permanent delete permanently
     * @return the versions deleted
     * @throws SchemaRegistryException with error code 40405 for a permanent delete without a soft delete first
     */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        List<Integer> versions = new ArrayList<>();
        transport.send("DELETE", "/subjects/" + encode(subject) + (permanent ? "?permanent=true" : ""), null)
                .forEach(v -> versions.add(v.asInt()));
        forget(subject);
        return versions;
    }

    /**
     * Deletes one version of a subject, softly or permanently (which needs a soft delete first).
     *
     * @param subject the subject
     * @param version the version
     * @param permanent delete permanently
     * @return the version deleted
     */
    public int deleteVersion(String subject, int version, boolean permanent) {
        int deleted = transport.send("DELETE", "/subjects/" + encode(subject) + "/versions/" + version
                + (permanent ? "?permanent=true" : ""), null).asInt();
        forget(subject);
        return deleted;
    }

    /** @return the registry URLs, without credentials */
    public List<URI> urls() {
        return urls;
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient{urls=" + urls + "}";
    }

    private void forget(String subject) {
        latest.remove(subject);
        idBySubjectSchema.keySet().removeIf(key -> key.subject.equals(subject));
        lookups.keySet().removeIf(key -> key.subject.equals(subject));
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ObjectNode toJson(SchemaDefinition schema) {
        ObjectNode node = JSON.createObjectNode();
        if (!SchemaDefinition.AVRO.equals(schema.schemaType())) {
            node.put("schemaType", schema.schemaType());
        }
        node.put("schema", schema.schema());
        if (!schema.references().isEmpty()) {
            ArrayNode references = node.putArray("references");
            for (SchemaReference reference : schema.references()) {
                references.addObject().put("name", reference.name()).put("subject", reference.subject())
                        .put("version", reference.version());
            }
        }
        if (schema.hasMetadata()) {
            node.set("metadata", schema.metadata());
        }
        if (schema.hasRuleSet()) {
            node.set("ruleSet", schema.ruleSet());
        }
        return node;
    }

    private static SchemaDefinition definition(JsonNode node) {
        List<SchemaReference> references = new ArrayList<>();
        node.path("references").forEach(r -> references.add(new SchemaReference(r.path("name").asText(),
                r.path("subject").asText(), r.path("version").asInt())));
        return new SchemaDefinition(node.path("schemaType").asText(SchemaDefinition.AVRO), node.path("schema").asText(),
                references, node.get("metadata"), node.get("ruleSet"));
    }

    private static RegisteredSchema registered(JsonNode node, String subject) {
        return new RegisteredSchema(node.path("subject").asText(subject), node.path("version").asInt(),
                node.path("id").asInt(), definition(node));
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static CompatibilityResult compatibility(JsonNode node) {
        List<String> messages = new ArrayList<>();
        node.path("messages").forEach(m -> messages.add(m.asText()));
        return new CompatibilityResult(node.path("is_compatible").asBoolean(false), messages);
    }

    private static CompatibilityLevel level(JsonNode node) {
        String value = node.has("compatibilityLevel") ? node.path("compatibilityLevel").asText()
                : node.path("compatibility").asText();
        return CompatibilityLevel.valueOf(value);
    }

    private record SubjectSchema(String subject, SchemaDefinition schema) {
    }

    private record Timed(RegisteredSchema schema, Instant expires) {
    }

    /** Builds a {@link SchemaRegistryClient}. Not thread safe. */
    public static final class Builder {
        private final List<String> urls = new ArrayList<>();
        private String basicUser;
        private String basicPassword;
        private Supplier<String> bearerToken;
        private SSLContext sslContext;
        private SSLParameters sslParameters;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration latestCacheTtl = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private CircuitBreakerConfig circuitBreakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .recordException(RegistryTransport::isTransient)
                .build();

        private Builder() {
        }

        /**
         * Sets the registry URLs, tried in order; the client fails over to the next one on a connection failure or a
         * 5xx answer. Credentials in a URL ({@code https://user:secret@host}) are taken as basic auth and removed.
         *
         * @param urls one or more base URLs
         * @return this builder
         */
        public Builder urls(String... urls) {
            this.urls.clear();
            for (String url : urls) {
                for (String part : url.split(",")) {
                    if (!part.isBlank()) {
                        this.urls.add(part.strip());
                    }
                }
            }
            return this;
        }

        /**
         * Authenticates with HTTP basic auth.
         *
         * @param user the user or API key
         * @param password the password or API secret
         * @return this builder
         */
        public Builder basicAuth(String user, String password) {
            this.basicUser = Objects.requireNonNull(user, "user");
            this.basicPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Authenticates with a bearer token, asked of the supplier for every request (so a refreshed token is used).
         *
         * @param token supplies the current token
         * @return this builder
         */
        public Builder bearerToken(Supplier<String> token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * Uses this TLS context: its trust managers check the registry's certificate, its key managers present the
         * client's certificate for mTLS.
         *
         * @param sslContext the TLS context
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** @param sslParameters TLS protocols, cipher suites and endpoint identification @return this builder */
        public Builder sslParameters(SSLParameters sslParameters) {
            this.sslParameters = Objects.requireNonNull(sslParameters, "sslParameters");
            return this;
        }

        /** @param timeout the longest wait to connect; default 5 s @return this builder */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** @param timeout the longest wait for one answer; default 10 s @return this builder */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Sets how transient failures are retried.
         *
         * @param maxAttempts attempts in all, at least 1; default 3
         * @param initialBackoff wait before the second attempt, doubled each time; default 200 ms
         * @return this builder
         */
        public Builder retries(int maxAttempts, Duration initialBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * Replaces the circuit breaker's settings; whatever they say, only transient failures are recorded.
         *
         * @param config the breaker's configuration
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreakerConfig config) {
            this.circuitBreakerConfig = CircuitBreakerConfig.from(Objects.requireNonNull(config, "config"))
                    .recordException(RegistryTransport::isTransient)
                    .build();
            return this;
        }

        /** @param ttl how long a subject's latest version is cached; default 1 minute @return this builder */
        public Builder latestCacheTtl(Duration ttl) {
            this.latestCacheTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /** @param clock the clock for cache expiry @return this builder */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the client. Nothing is sent until the first call.
         *
         * @return a new client
         * @throws IllegalArgumentException when no URL is set or a URL is malformed
         */
        public SchemaRegistryClient build() {
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("Schema registry setting 'urls' is required: give at least one "
                        + "URL, such as http://localhost:8081");
            }
            List<URI> clean = new ArrayList<>();
            String user = basicUser;
            String password = basicPassword;
            for (String url : urls) {
                URI uri;
                try {
                    uri = new URI(url);
                } catch (URISyntaxException e) {
                    // no cause attached: its message holds the URL as given, credentials and all
                    throw new IllegalArgumentException("Schema registry URL is malformed (" + e.getReason()
                            + " at index " + e.getIndex() + "): " + redact(url));
                }
                if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                    throw new IllegalArgumentException("Schema registry URL must be http:// or https:// with a host, "
                            + "was " + redact(url));
                }
                if (uri.getRawUserInfo() != null) {
                    String[] parts = uri.getUserInfo().split(":", 2);
                    if (user == null) {
                        user = parts[0];
                        password = parts.length > 1 ? parts[1] : "";
                    }
                    uri = URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort()
                            : "") + (uri.getRawPath() == null ? "" : uri.getRawPath()));
                }
                clean.add(uri);
            }
            if (user != null && bearerToken != null) {
                throw new IllegalArgumentException("Schema registry: set basic auth or a bearer token, not both");
            }
            Supplier<Optional<String>> authorization;
            if (user != null) {
                String header = "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8));
                authorization = () -> Optional.of(header);
            } else if (bearerToken != null) {
                Supplier<String> token = bearerToken;
                authorization = () -> Optional.of("Bearer " + token.get());
            } else {
                authorization = Optional::empty;
            }
            return new SchemaRegistryClient(this, List.copyOf(clean), authorization);
        }

        private static String redact(String url) {
            return Redaction.url(url);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        @Override
        public String toString() {
            return "SchemaRegistryClient.Builder{urls=" + urls.stream().map(Builder::redact).toList() + "}";
        }
    }

}
