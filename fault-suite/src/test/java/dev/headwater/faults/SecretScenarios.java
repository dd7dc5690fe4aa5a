package dev.headwater.faults;

import com.sun.net.httpserver.HttpServer;
import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroSerdeConfig;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run in a child JVM with every logger at DEBUG by {@link SecretsTest}: everything a secret could leak through
 * (registry URLs with credentials, redirects to another origin, malformed settings, client settings with SASL and TLS
 * passwords, a dead letter written by an internal producer) is exercised, and every exception and {@code toString}
 * printed, so the test can search all that was printed for the secret.
 */
public final class SecretScenarios {

    static final String SECRET = "s3cret-pw-4711";

    private SecretScenarios() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        redirectToAnotherOrigin();
        print("serde config", () -> AvroSerdeConfig.fromProperties(Map.of(
                "schema.registry.url", "http://alice:" + SECRET + "@127.0.0.1:8081",
                "basic.auth.user.info", "alice:" + SECRET)));
        print("malformed URL", () -> SchemaRegistryClient.builder().urls("http://alice:" + SECRET + "@bad host:8081")
                .build());
        print("URL without a scheme", () -> SchemaRegistryClient.builder().urls("alice:" + SECRET
                + "@127.0.0.1:8081").build());
        print("misspelt Headwater key", () -> GovernedProducer.fromProperties(Map.of("bootstrap.servers", bootstrap,
                "headwater.application.name", "secrets", "headwater.registry.pasword", SECRET),
                new StringSerializer(), new StringSerializer()));
        deadLetterWithSecuredSettings(bootstrap);
        System.out.println("scenarios done");
    }

    /** The registry answers every request with a redirect to another origin, which records what it was sent. */
    private static void redirectToAnotherOrigin() throws Exception {
        AtomicReference<String> ownOrigin = new AtomicReference<>("none");
        AtomicReference<String> otherOrigin = new AtomicReference<>("none");
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            if (exchange.getRequestHeaders().getFirst("Authorization") != null) {
                otherOrigin.set("present");
            }
            byte[] body = "{\"schema\":\"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        other.start();
        HttpServer own = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        own.createContext("/", exchange -> {
            if (exchange.getRequestHeaders().getFirst("Authorization") != null) {
                ownOrigin.set("present");
            }
            exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + other.getAddress().getPort()
                    + exchange.getRequestURI());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        own.start();
        try {
            SchemaRegistryClient client = SchemaRegistryClient.builder()
                    .urls("http://alice:" + SECRET + "@127.0.0.1:" + own.getAddress().getPort()).build();
            System.out.println("client: " + client);
            System.out.println("schema after redirect: " + client.schemaById(1).schema());
        } finally {
            own.stop(0);
            other.stop(0);
        }
        System.out.println("own-origin-authorization=" + ownOrigin.get());
        System.out.println("other-origin-authorization=" + otherOrigin.get());
    }

    /** A consumer whose settings hold SASL and TLS passwords dead-letters a record through its internal producer. */
    private static void deadLetterWithSecuredSettings(String bootstrap) throws Exception {
        String topic = "retail.secrets." + UUID.randomUUID().toString().substring(0, 6) + ".v1";
        try (var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "poison", "v")).get();
        }
        boolean[] done = {false};
        try (var consumer = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap, "group.id", "secrets",
                        "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                + "username=\"alice\" password=\"" + SECRET + "\";",
                        "ssl.truststore.password", SECRET, "ssl.key.password", SECRET))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics(topic).deadLetterTopic(topic + ".dlq").handler(record -> {
                    throw new IllegalStateException("refused " + record.key());
                }).build()) {
            System.out.println("consumer: " + consumer);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!done[0] && System.nanoTime() < deadline) {
                done[0] = consumer.pollOnce(Duration.ofMillis(200)) > 0;
            }
        }
        System.out.println("dead-lettered=" + done[0]);
    }

    private static void print(String what, ThrowingSupplier action) {
        try {
            System.out.println(what + ": " + action.get());
        } catch (Exception e) {
            System.out.println(what + " refused:");
            e.printStackTrace(System.out);
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier {
        Object get() throws Exception;
    }
}
