package dev.headwater.samples.springorders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.lineage.Lineage;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterEnvironment;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as configured by {@code application.yml}, in Spring Kafka's usual test setup: {@code @EmbeddedKafka} on
 * the Kafka version Spring Boot manages, beside the testkit's in-process schema registry (only their addresses are set
 * here, and the OpenTelemetry SDK the spans are read from): orders in over HTTP, out through {@code KafkaTemplate},
 * back in through {@code @KafkaListener}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoint.health.show-details=always",
                "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                "headwater.lineage.openlineage.transport.type=file"})
@EmbeddedKafka(partitions = 3)
class SpringOrdersApplicationTest {

    private static final String ORDERS = "retail.orders.placed.v1";
    private static final String REVIEW = "retail.orders.review.v1";
    private static final String DEAD_LETTERS = "retail.orders.placed.v1.dlq";

    // one registry for the JVM; the JVM's exit stops it after Spring's cached context is closed
    private static final EmbeddedSchemaRegistry REGISTRY = EmbeddedSchemaRegistry.start();
    private static final Path LINEAGE = tempFile();

    private static Path tempFile() {
        try {
            return Files.createTempFile("spring-orders-openlineage", ".jsonl");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        registry.add("headwater.registry.url", REGISTRY::url);
        registry.add("headwater.lineage.openlineage.transport.location", LINEAGE::toString);
    }

    @TestConfiguration
    static class Telemetry {
        @Bean(destroyMethod = "close")
        HeadwaterEnvironment headwaterEnvironment(EmbeddedKafkaBroker broker) {
            return HeadwaterEnvironment.connect(broker.getBrokersAsString(), REGISTRY.url());
        }

        @Bean
        OpenTelemetry openTelemetry(HeadwaterEnvironment environment) {
            return environment.openTelemetry();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    HeadwaterEnvironment env;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anOrderIsSentWithLineageAndTheListenerForwardsALargeOneWithTheOrderAsItsCause() throws Exception {
        HttpResponse<String> answer = post(2500.0, "EUR", "web");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(answer.body()).contains("\"status\":\"SENT\"", "\"topic\":\"" + ORDERS + "\"");
        String id = idOf(answer);

        ConsumerRecord<byte[], byte[]> order = await(ORDERS, keyed(id));
        Lineage placed = env.lineage(order);
        assertThat(placed.application()).isEqualTo("spring-orders");
        assertThat(placed.applicationVersion()).isEqualTo("1.0.0");
        assertThat(decode(order).get("amount")).isEqualTo(2500.0);

        ConsumerRecord<byte[], byte[]> review = await(REVIEW, keyed(id));
        Lineage forwarded = env.lineage(review);
        assertThat(forwarded.causationId()).isEqualTo(ORDERS + "/" + order.partition() + "/" + order.offset());
        assertThat(forwarded.correlationId()).isEqualTo(placed.eventId());
        assertThat(forwarded.eventId()).isNotEqualTo(placed.eventId());

        // the listener's span is a child of the span that sent the order; the forward's span a child of the listener's
        String[] sentBy = header(order, "traceparent").split("-");
        SpanData sending = span(s -> s.getSpanId().equals(sentBy[2]));
        assertThat(sending.getKind()).isEqualTo(SpanKind.PRODUCER);
        SpanData listening = span(s -> s.getKind() == SpanKind.CONSUMER && s.getParentSpanId().equals(sentBy[2]));
        assertThat(listening.getName()).isEqualTo("process " + ORDERS);
        assertThat(listening.getTraceId()).isEqualTo(sentBy[1]);
        String[] forwardedBy = header(review, "traceparent").split("-");
        assertThat(forwardedBy[1]).isEqualTo(sentBy[1]);
        assertThat(span(s -> s.getSpanId().equals(forwardedBy[2])).getParentSpanId())
                .isEqualTo(listening.getSpanId());
    }

    @Test
    void anOrderBreakingAnErrorRuleIsRefusedNamingRuleAndFieldAndNothingIsSent() throws Exception {
        HttpResponse<String> answer = post(0.0, "EUR", "web");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
        assertThat(answer.body()).contains("\"status\":\"REFUSED\"", "amountInRange", "amount");
        String id = idOf(answer);
        assertThat(readAll(ORDERS)).noneMatch(keyed(id));
        assertThat(readAll(DEAD_LETTERS)).noneMatch(r -> id.equals(String.valueOf(decode(r).get("id"))));
    }

    @Test
    void anOrderBreakingOnlyADlqRuleIsDeadLetteredWithTheReasonAndTheAnswerSaysSo() throws Exception {
        HttpResponse<String> answer = post(30.0, "EURO", "web");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(answer.body()).contains("\"status\":\"DEAD_LETTERED\"", "\"topic\":\"" + DEAD_LETTERS + "\"",
                "currencyIsIso");
        String id = idOf(answer);
        ConsumerRecord<byte[], byte[]> deadLetter = await(DEAD_LETTERS,
                r -> id.equals(String.valueOf(decode(r).get("id"))));
        assertThat(header(deadLetter, "hw_dlq_reason")).isEqualTo("CONTRACT_VIOLATION");
        assertThat(header(deadLetter, "hw_dlq_rules")).contains("currencyIsIso");
        assertThat(env.lineage(deadLetter).application()).isEqualTo("spring-orders");
        assertThat(readAll(ORDERS)).noneMatch(keyed(id));
    }

    @Test
    void anOrderBreakingAReadRuleIsDeadLetteredByTheListenerWithHeadwaterAndSpringHeaders() throws Exception {
        HttpResponse<String> answer = post(40.0, "JPY", "store");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(answer.body()).contains("\"status\":\"SENT\"");
        String id = idOf(answer);

        ConsumerRecord<byte[], byte[]> deadLetter = await(DEAD_LETTERS, keyed(id));
        assertThat(decode(deadLetter).get("currency").toString()).isEqualTo("JPY");
        assertThat(header(deadLetter, "hw_dlq_reason")).isEqualTo("CONTRACT_VIOLATION");
        assertThat(header(deadLetter, "hw_dlq_rules")).contains("currencyShipped");
        assertThat(header(deadLetter, "hw_dlq_source_topic")).isEqualTo(ORDERS);
        assertThat(header(deadLetter, "hw_dlq_consumer_group")).isEqualTo("spring-orders-review");
        assertThat(header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(ORDERS);
        assertThat(header(deadLetter, "kafka_dlt-exception-fqcn")).isNotEmpty();
        assertThat(readAll(REVIEW)).noneMatch(keyed(id));
    }

    @Test
    void aRecordThatIsNotWireFormatAvroIsDeadLetteredAsItWasWritten() throws Exception {
        String key = "not-avro-" + UUID.randomUUID();
        byte[] value = "{\"id\": \"a JSON order from a service without the contract\"}".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> rogue = new KafkaProducer<>(Map.of("bootstrap.servers",
                env.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            rogue.send(new ProducerRecord<>(ORDERS, key, value)).get();
        }

        ConsumerRecord<byte[], byte[]> deadLetter = await(DEAD_LETTERS, keyed(key));
        assertThat(deadLetter.value()).isEqualTo(value);
        assertThat(header(deadLetter, "hw_dlq_reason")).isEqualTo("DESERIALIZATION");
        assertThat(header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(ORDERS);
    }

    @Test
    void openLineageEventsShowTheServiceWritingBothTopicsAndItsListenerReadingOrders() throws Exception {
        assertThat(post(1200.0, "EUR", "web").statusCode()).isEqualTo(202);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        java.util.Set<String> edges = new java.util.HashSet<>();
        while (System.nanoTime() < deadline && !edges.containsAll(java.util.Set.of(
                "spring-orders -> " + ORDERS, "spring-orders -> " + REVIEW, ORDERS + " -> spring-orders-review"))) {
            for (String line : Files.readAllLines(LINEAGE)) {
                JsonNode event = new ObjectMapper().readTree(line);
                String job = event.path("job").path("name").asText();
                event.path("outputs").forEach(o -> edges.add(job + " -> " + o.path("name").asText()));
                event.path("inputs").forEach(i -> edges.add(i.path("name").asText() + " -> " + job));
            }
            sleep();
        }
        assertThat(edges).contains("spring-orders -> " + ORDERS, "spring-orders -> " + REVIEW,
                ORDERS + " -> spring-orders-review");
    }

    @Test
    void theHealthShowsTheRegistryAndTheRegisteredContract() throws Exception {
        assertThat(post(12.0, "GBP", "mobile").statusCode()).isEqualTo(202); // the first send registers the contract

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode headwater = new ObjectMapper().readTree(health.body()).path("components").path("headwater");
        assertThat(headwater.path("status").asText()).as(health.body()).isEqualTo("UP");
        JsonNode orders = headwater.path("details").path("contracts").path("retail.orders.placed.v1-value");
        assertThat(orders.path("contractVersion").asText()).as(health.body()).isEqualTo("1.0.0");
        assertThat(orders.path("schemaId").isInt()).as(health.body()).isTrue();
        assertThat(headwater.path("details").path("registry").asText()).contains(env.registryUrl());
    }

    private HttpResponse<String> post(double amount, String currency, String channel) throws Exception {
        String body = "{\"customer\":\"customer-7\",\"amount\":" + amount + ",\"currency\":\"" + currency
                + "\",\"channel\":\"" + channel + "\"}";
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/orders"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String idOf(HttpResponse<String> answer) {
        String body = answer.body();
        int start = body.indexOf("\"id\":\"") + 6;
        return body.substring(start, body.indexOf('"', start));
    }

    private static Predicate<ConsumerRecord<byte[], byte[]>> keyed(String key) {
        return r -> r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s of %s", name, record).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private GenericRecord decode(ConsumerRecord<byte[], byte[]> record) {
        try (AvroDeserializer<GenericRecord> avro = new AvroDeserializer<>()) {
            avro.configure(Map.of("schema.registry.url", env.registryUrl()), false);
            return avro.deserialize(record.topic(), record.value());
        } catch (RuntimeException notAvro) {
            return new org.apache.avro.generic.GenericData.Record(org.apache.avro.SchemaBuilder.record("NotAvro")
                    .fields().optionalString("id").endRecord());
        }
    }

    private SpanData span(Predicate<SpanData> which) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SpanData> found = env.spans().stream().filter(which).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            sleep();
        }
        throw new AssertionError("no such span among " + env.spans());
    }

    /** Reads a topic from the start until a record matches, for up to 30 seconds. */
    private ConsumerRecord<byte[], byte[]> await(String topic, Predicate<ConsumerRecord<byte[], byte[]>> which) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ConsumerRecord<byte[], byte[]>> found = readAll(topic).stream().filter(which).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            sleep();
        }
        throw new AssertionError("no matching record on " + topic + " within 30 s");
    }

    /** Reads everything a topic holds now, from every partition. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                env.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
