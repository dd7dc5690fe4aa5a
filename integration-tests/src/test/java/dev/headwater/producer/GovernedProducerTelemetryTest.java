package dev.headwater.producer;

import static dev.headwater.support.Topics.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.contract.DataContract;
import dev.headwater.support.Contracts;
import dev.headwater.support.TestTelemetry;
import dev.headwater.support.Topics;
import dev.headwater.telemetry.MessagingAttributes;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedProducerTelemetryTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk otel;
    private EmbeddedKafkaCluster kafka;
    private EmbeddedSchemaRegistry registry;
    private String topic;
    private DataContract contract;

    @BeforeEach
    void setUp(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry) {
        otel = TestTelemetry.sdk(spans, metrics);
        this.kafka = kafka;
        this.registry = registry;
        topic = Topics.unique("retail.orders.traced");
        contract = Contracts.orders(topic);
        kafka.createTopic(topic, 1, (short) 1);
    }

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    private GovernedProducer<String, GenericRecord> producer(Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("client.id", "orders-client");
        return GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(props).keySerializer(new StringSerializer())
                .schemaRegistry(registry.url()).contract(contract)
                .application("orders-service", "1.4.0").tenant("retail")
                .openTelemetry(otel).build();
    }

    @Test
    void eachSendIsAProducerSpanFollowingTheMessagingConventionsWithItsContextInTheHeaders() {
        SendResult result;
        try (var producer = producer(Map.of())) {
            result = producer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("send " + topic);
        assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(span.getInstrumentationScopeInfo().getSchemaUrl())
                .isEqualTo("https://opentelemetry.io/schemas/1.45.0");
        var attributes = span.getAttributes();
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_SYSTEM)).isEqualTo("kafka");
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME)).isEqualTo(topic);
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME)).isEqualTo("send");
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE)).isEqualTo("send");
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_CLIENT_ID)).isEqualTo("orders-client");
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_DESTINATION_PARTITION_ID)).isEqualTo("0");
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_KAFKA_OFFSET)).isEqualTo(result.offset());
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID)).isEqualTo(result.eventId());
        assertThat(attributes.get(MessagingIncubatingAttributes.MESSAGING_MESSAGE_BODY_SIZE)).isPositive();

        ConsumerRecord<byte[], byte[]> read = Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30))
                .get(0);
        assertThat(header(read, "traceparent")).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                + span.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void aSendTheBrokerRefusesEndsItsSpanWithAnError() {
        try (var producer = producer(Map.of("max.request.size", 200))) {
            assertThatThrownBy(() -> producer.send(topic, "k", Contracts.validOrder(contract,
                    UUID.randomUUID().toString())).join())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
        }
        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    }

    @Test
    void aConsumerInstrumentedByOpenTelemetryContinuesTheTrace() {
        try (var producer = producer(Map.of())) {
            producer.send(topic, "k", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
        }
        SpanData send = spans.getFinishedSpanItems().get(0);
        spans.reset();

        KafkaTelemetry telemetry = KafkaTelemetry.create(otel);
        try (Consumer<byte[], byte[]> consumer = telemetry.wrap(new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "otel-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer()))) {
            consumer.subscribe(List.of(topic));
            int received = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received == 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    received++;
                }
            }
            assertThat(received).isEqualTo(1);
        }
        assertThat(spans.getFinishedSpanItems()).as("OpenTelemetry's consumer spans").anySatisfy(span -> {
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            boolean child = span.getTraceId().equals(send.getTraceId())
                    && span.getParentSpanId().equals(send.getSpanId());
            boolean linked = span.getLinks().stream().anyMatch(l -> l.getSpanContext().getSpanId()
                    .equals(send.getSpanId()));
            assertThat(child || linked).as("child of, or linked to, the producer span").isTrue();
        });
    }

    @Test
    void recordsAreCountedByOutcomeTenantTopicAndContractAndViolationsByRule() {
        kafka.createTopic(contract.deadLetterTopic(), 1, (short) 1);
        try (var producer = producer(Map.of())) {
            producer.send(topic, "ok", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
            GenericRecord refused = Contracts.validOrder(contract, "not-a-uuid");
            producer.send(topic, "refused", refused).exceptionally(e -> null).join();
            GenericRecord dead = Contracts.validOrder(contract, UUID.randomUUID().toString());
            dead.put("currency", "XXY");
            producer.send(topic, "dead", dead).join();
        }
        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        MetricData records = metric(data, "headwater.producer.records");
        assertThat(records.getLongSumData().getPoints()).hasSize(3).allSatisfy(point -> {
            assertThat(point.getValue()).isEqualTo(1);
            assertThat(point.getAttributes().get(MessagingAttributes.TENANT)).isEqualTo("retail");
            assertThat(point.getAttributes().get(MessagingAttributes.CONTRACT)).isEqualTo(contract.subject());
        });
        assertThat(records.getLongSumData().getPoints()).extracting(p -> p.getAttributes()
                .get(MessagingAttributes.OUTCOME)).containsExactlyInAnyOrder("sent", "refused", "dead_lettered");
        MetricData violations = metric(data, "headwater.contract.violations");
        assertThat(violations.getLongSumData().getPoints()).extracting(p -> p.getAttributes()
                .get(MessagingAttributes.RULE)).containsExactlyInAnyOrder("idIsUuid", "currencyIsIso");
        MetricData size = metric(data, "headwater.producer.record.size");
        assertThat(size.getHistogramData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(2));
    }

    @Test
    void ourAttributeNamesAreThoseOfSemanticConventions1450() {
        List<AttributeKey<?>> ours = List.of(MessagingAttributes.SYSTEM, MessagingAttributes.DESTINATION_NAME,
                MessagingAttributes.DESTINATION_PARTITION_ID, MessagingAttributes.OPERATION_NAME,
                MessagingAttributes.OPERATION_TYPE, MessagingAttributes.CLIENT_ID, MessagingAttributes.KAFKA_OFFSET,
                MessagingAttributes.CONSUMER_GROUP_NAME, MessagingAttributes.MESSAGE_BODY_SIZE,
                MessagingAttributes.MESSAGE_ID);
        List<AttributeKey<?>> semconv = List.of(MessagingIncubatingAttributes.MESSAGING_SYSTEM,
                MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME,
                MessagingIncubatingAttributes.MESSAGING_DESTINATION_PARTITION_ID,
                MessagingIncubatingAttributes.MESSAGING_OPERATION_NAME,
                MessagingIncubatingAttributes.MESSAGING_OPERATION_TYPE,
                MessagingIncubatingAttributes.MESSAGING_CLIENT_ID,
                MessagingIncubatingAttributes.MESSAGING_KAFKA_OFFSET,
                MessagingIncubatingAttributes.MESSAGING_CONSUMER_GROUP_NAME,
                MessagingIncubatingAttributes.MESSAGING_MESSAGE_BODY_SIZE,
                MessagingIncubatingAttributes.MESSAGING_MESSAGE_ID);
        assertThat(ours).isEqualTo(semconv);
        assertThat(MessagingIncubatingAttributes.MessagingSystemIncubatingValues.KAFKA).isEqualTo("kafka");
    }

    private static MetricData metric(List<MetricData> data, String name) {
        return data.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + data));
    }
}
