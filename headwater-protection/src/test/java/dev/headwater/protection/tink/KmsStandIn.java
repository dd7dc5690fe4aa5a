package dev.headwater.protection.tink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.Random;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for AWS KMS that speaks the part of its API the key service uses: {@code TrentService.Encrypt}
 * and {@code TrentService.Decrypt} over JSON 1.1, with encryption context, and KMS's error shapes. Keys are AES-256-GCM
 * keys of its own; the ciphertext blob names its key, as KMS's does. It can deny access to a key, disable one, or stop
 * answering (503) for a number of requests, to show how the service treats each. Signatures are not checked.
 */
final class KmsStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Aead> keys = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Set<String> disabled = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger decrypts = new AtomicInteger();

    private KmsStandIn(HttpServer server) {
        this.server = server;
    }

    static KmsStandIn start(String... keyIds) throws IOException, GeneralSecurityException {
        KmsStandIn kms = new KmsStandIn(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        for (String id : keyIds) {
            kms.keys.put(id, TinkKeys.aesGcm(Random.randBytes(32)));
        }
        kms.server.createContext("/", kms::handle);
        kms.server.start();
        return kms;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void deny(String keyId) {
        denied.add(keyId);
    }

    void disable(String keyId) {
        disabled.add(keyId);
    }

    /** The next {@code requests} requests are answered 503 ServiceUnavailable. */
    void unavailableFor(int requests) {
        unavailable.set(requests);
    }

    int decrypts() {
        return decrypts.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(exchange, 503, error("ServiceUnavailableException", "stand-in is down"));
                return;
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(body);
            try {
                ObjectNode answer = switch (target == null ? "" : target) {
                    case "TrentService.Encrypt" -> encrypt(request);
                    case "TrentService.Decrypt" -> decrypt(request);
                    default -> throw new Refusal(400, "UnsupportedOperationException", "not in the stand-in: "
                            + target);
                };
                reply(exchange, 200, answer);
            } catch (Refusal refusal) {
                reply(exchange, refusal.status, error(refusal.code, refusal.getMessage()));
            }
        }
    }

    private ObjectNode encrypt(JsonNode request) throws Refusal {
        String keyId = request.path("KeyId").asText();
        Aead key = usable(keyId);
        byte[] plaintext = Base64.getDecoder().decode(request.path("Plaintext").asText());
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] sealed = key.encrypt(plaintext, context(request));
            ByteBuffer blob = ByteBuffer.allocate(1 + id.length + sealed.length);
            blob.put((byte) id.length).put(id).put(sealed);
            ObjectNode answer = JSON.createObjectNode();
            answer.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob.array()));
            answer.put("KeyId", keyId);
            answer.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
            return answer;
        } catch (GeneralSecurityException e) {
            throw new Refusal(500, "KMSInternalException", e.getMessage());
        }
    }

    private ObjectNode decrypt(JsonNode request) throws Refusal {
        decrypts.incrementAndGet();
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(request.path("CiphertextBlob").asText()));
        byte[] id = new byte[blob.get() & 0xff];
        if (id.length == 0 || id.length > blob.remaining()) {
            throw new Refusal(400, "InvalidCiphertextException", "not a ciphertext blob");
        }
        blob.get(id);
        String keyId = new String(id, StandardCharsets.UTF_8);
        Aead key = usable(keyId);
        byte[] sealed = new byte[blob.remaining()];
        blob.get(sealed);
        try {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("Plaintext", Base64.getEncoder().encodeToString(key.decrypt(sealed, context(request))));
            answer.put("KeyId", keyId);
            answer.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
            return answer;
        } catch (GeneralSecurityException e) {
            throw new Refusal(400, "InvalidCiphertextException", "the blob does not decrypt under its key and context");
        }
    }

    private Aead usable(String keyId) throws Refusal {
        Aead key = keys.get(keyId);
        if (key == null) {
            throw new Refusal(400, "NotFoundException", "Key '" + keyId + "' does not exist");
        }
        if (denied.contains(keyId)) {
            throw new Refusal(400, "AccessDeniedException", "not authorized to use key " + keyId);
        }
        if (disabled.contains(keyId)) {
            throw new Refusal(400, "DisabledException", "key " + keyId + " is disabled");
        }
        return key;
    }

    private static byte[] context(JsonNode request) {
        Map<String, String> sorted = new TreeMap<>();
        request.path("EncryptionContext").fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        return sorted.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("__type", code);
        error.put("message", message);
        return error;
    }

    private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A KMS error answer. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
