package dev.headwater.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.headwater.registry.IncompatibleSchemaException;
import dev.headwater.registry.SchemaRegistryException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to one of several registry URLs: fails over to the next URL on a connection failure or a 5xx answer,
 * retries with backoff, and opens a circuit breaker when the registry keeps failing. 4xx answers are final: never retried,
 * never counted by the breaker. Internal: not for users.
 */
public final class RegistryTransport {

    private static final Logger log = LoggerFactory.getLogger(RegistryTransport.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int SNIPPET = 120;
    private static final int MAX_REDIRECTS = 5;

    private final List<URI> urls;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Supplier<Optional<String>> authorization;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final ObjectMapper json;
    private final AtomicInteger preferred = new AtomicInteger();

    /**
     * Creates a transport.
     *
     * @param urls registry base URLs without credentials, tried in order starting from the last that answered
     * @param http the HTTP client (timeouts and TLS set)
     * @param requestTimeout the longest wait for one answer
     * @param authorization supplies the {@code Authorization} header value per request, if any
     * @param retry retries transient failures
     * @param breaker opens on repeated transient failures
     * @param json the mapper
     */
    public RegistryTransport(List<URI> urls, HttpClient http, Duration requestTimeout,
            Supplier<Optional<String>> authorization, Retry retry, CircuitBreaker breaker, ObjectMapper json) {
        this.urls = List.copyOf(urls);
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.authorization = authorization;
        this.retry = retry;
        this.breaker = breaker;
        this.json = json;
    }

    /** @return the predicate the retry and the breaker use: only failures that another try could fix */
    public static boolean isTransient(Throwable error) {
        return error instanceof TransientRegistryFailure;
    }

    /**
     * Sends a request and returns the JSON answer.
     *
     * @param method the HTTP method
     * @param path the path and query, starting with '/', already encoded
     * @param body the JSON body, or null
     * @return the parsed answer; {@link NullNode} for an empty one
     * @throws SchemaRegistryException for a 4xx answer, or when every try failed
     */
    public JsonNode send(String method, String path, JsonNode body) {
        Supplier<JsonNode> call = CircuitBreaker.decorateSupplier(breaker, () -> tryEachUrl(method, path, body));
        try {
            return Retry.decorateSupplier(retry, call).get();
        } catch (TransientRegistryFailure e) {
            SchemaRegistryException last = e.last;
            throw new SchemaRegistryException("Schema registry request " + method + " " + path + " failed after "
                    + retry.getRetryConfig().getMaxAttempts() + " attempt(s) on " + urls + ": " + last.getMessage()
                    + ". Check that the registry is up and reachable; records whose schemas are cached still work.",
                    last.httpStatus(), last.errorCode(), last.url(), last.registryMessage(), last);
        } catch (CallNotPermittedException e) {
            throw new SchemaRegistryException("Schema registry request " + method + " " + path + " not sent: the "
                    + "circuit breaker is open after repeated failures of " + urls + "; it lets a trial request through "
                    + "after " + breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1)
                    + " ms. Records whose schemas are cached still work.", -1, -1, urls.get(0).toString(), "", e);
        }
    }

    private JsonNode tryEachUrl(String method, String path, JsonNode body) {
        int start = preferred.get();
        SchemaRegistryException last = null;
        for (int i = 0; i < urls.size(); i++) {
            int index = (start + i) % urls.size();
            URI base = urls.get(index);
            try {
                JsonNode answer = exchange(base, method, path, body);
                preferred.set(index);
                return answer;
            } catch (TransientRegistryFailure e) {
                last = e.last;
                if (urls.size() > 1) {
                    log.debug("Schema registry {} failed ({}); trying the next URL", base, e.last.getMessage());
                }
            }
        }
        throw new TransientRegistryFailure(last);
    }

    private JsonNode exchange(URI base, String method, String path, JsonNode body) {
        String url = base.toString().replaceAll("/+$", "") + path;
        HttpResponse<String> response;
        try {
            response = sendFollowingRedirects(base, URI.create(url), method, body);
        } catch (IOException e) {
            throw new TransientRegistryFailure(new SchemaRegistryException("no answer from " + url + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                    -1, -1, url, "", e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while waiting for the schema registry at " + url, -1, -1,
                    url, "", e);
        }
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        if (status >= 200 && status < 300) {
            if (text.isBlank()) {
                return NullNode.getInstance();
            }
            try {
                return json.readTree(text);
            } catch (JsonProcessingException e) {
                throw new SchemaRegistryException("The schema registry at " + url + " answered HTTP " + status
                        + " with " + contentType(response) + " that is not JSON: '" + snippet(text) + "'. Is this URL "
                        + "the registry's, and not a proxy or login page?", status, -1, url, "", e);
            }
        }
        SchemaRegistryException error = errorFrom(url, status, text, response);
        if (status >= 500 || status == 429 || status == 408) {
            throw new TransientRegistryFailure(error);
        }
        throw error;
    }

    /**
     * Sends a request and follows up to {@link #MAX_REDIRECTS} redirects itself, as browsers do for credentials: the
     * {@code Authorization} header goes only to the registry's own origin (scheme, host and port), never to another
     * one a redirect points to.
     */
    private HttpResponse<String> sendFollowingRedirects(URI base, URI target, String method, JsonNode body)
            throws IOException, InterruptedException {
        URI uri = target;
        String verb = method;
        JsonNode payload = body;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(requestTimeout)
                    .header("Accept", CONTENT_TYPE + ", application/json");
            if (sameOrigin(base, uri)) {
                authorization.get().ifPresent(value -> request.header("Authorization", value));
            }
            if (payload != null) {
                request.header("Content-Type", CONTENT_TYPE);
                request.method(verb, HttpRequest.BodyPublishers.ofByteArray(bytes(payload)));
            } else {
                request.method(verb, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if (status < 300 || status > 399 || status == 304 || location.isEmpty() || hop >= MAX_REDIRECTS) {
                return response;
            }
            URI next = uri.resolve(location.get());
            log.debug("Schema registry at {} redirects {} {} to {}{}", base, verb, uri.getRawPath(),
                    next.getScheme() + "://" + next.getHost() + (next.getPort() < 0 ? "" : ":" + next.getPort()),
                    sameOrigin(base, next) ? "" : " (another origin: no credentials sent there)");
            if (status == 303) {
                verb = "GET";
                payload = null;
            }
            uri = next;
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
                && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost())) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private SchemaRegistryException errorFrom(String url, int status, String text, HttpResponse<String> response) {
        int errorCode = -1;
        String message = "";
        try {
            JsonNode node = json.readTree(text);
            if (node != null && node.isObject()) {
                errorCode = node.path("error_code").asInt(-1);
                message = node.path("message").asText("");
            }
        } catch (JsonProcessingException e) {
            message = "";
        }
        String registrySays = message.isEmpty()
                ? contentType(response) + " '" + snippet(text) + "'"
                : "error_code " + errorCode + ": " + message;
        String advice = switch (status) {
            case 401 -> " Check the registry credentials (basic auth user and password, or bearer token).";
            case 403 -> " The credentials are valid but lack permission for this subject or operation.";
            default -> "";
        };
        String summary = "Schema registry at " + url + " answered HTTP " + status + " (" + registrySays + ")." + advice;
        // keyed on the HTTP status, as Confluent's own client does: registries answer an incompatible schema with
        // error code 409, or 40901 (Confluent 8.0.4+, 8.1.2+, 8.2+)
        if (status == 409) {
            return new IncompatibleSchemaException(summary, url, message, reasons(message));
        }
        return new SchemaRegistryException(summary, status, errorCode, url, message, null);
    }

    private static List<String> reasons(String message) {
        List<String> reasons = new ArrayList<>();
        int details = message.indexOf("details: [");
        if (details >= 0) {
            String list = message.substring(details + "details: [".length(), message.lastIndexOf(']'));
            for (String reason : list.split("\\}, \\{|\", \"")) {
                if (!reason.isBlank()) {
                    reasons.add(reason.strip());
                }
            }
        }
        if (reasons.isEmpty() && !message.isEmpty()) {
            reasons.add(message);
        }
        return reasons;
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").map(t -> "content-type " + t).orElse("no content-type");
    }

    private static String snippet(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= SNIPPET ? flat : flat.substring(0, SNIPPET) + "...";
    }

    private byte[] bytes(JsonNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a registry request body", e);
        }
    }

    /** A failure another try, or another URL, could fix. Carries the last failure. */
    static final class TransientRegistryFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient SchemaRegistryException last;

        TransientRegistryFailure(SchemaRegistryException last) {
            super(last.getMessage(), last, false, false);
            this.last = last;
        }
    }
}
