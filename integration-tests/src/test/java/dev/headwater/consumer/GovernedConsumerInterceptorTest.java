package dev.headwater.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.support.Contracts;
import dev.headwater.support.TestTelemetry;
import dev.headwater.telemetry.MessagingAttributes;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedConsumerInterceptorTest {

    @Test
    void aPlainConsumerGetsSpansAndViolationHeadersFromTheInterceptor(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) {
        String topic = "retail.orders.plain-" + UUID.randomUUID().toString().substring(0, 6) + ".v1";
        DataContract contract = Contracts.orders(topic);
        kafka.createTopic(topic, 1, (short) 1);
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (OpenTelemetrySdk otel = TestTelemetry.sdk(spans, null)) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
            try (var producer = GovernedProducer.<String, GenericRecord>builder()
                    .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                    .keySerializer(new StringSerializer())
                    .valueSerializer(new AvroSerializer<>(client, AvroSerdeConfig.builder().urls(registry.url())
                            .build(), false))
                    .application("legacy-orders", "0.9").openTelemetry(otel).build()) {
                producer.send(topic, "good", Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
                producer.send(topic, "bad", Contracts.validOrder(contract, "not-a-uuid")).join();
            }

            Map<String, Object> config = new HashMap<>(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(), "group.id", "plain-" + UUID.randomUUID(),
                    "auto.offset.reset", "earliest",
                    "interceptor.classes", GovernedConsumerInterceptor.class.getName(),
                    GovernedConsumerInterceptor.CONTRACT_FILE, Contracts.ORDERS.toString()));
            config.put(GovernedConsumerInterceptor.OPENTELEMETRY, otel);
            List<ConsumerRecord<String, Object>> records = new ArrayList<>();
            try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new AvroDeserializer<>(client, AvroSerdeConfig.builder().urls(registry.url()).build(), false))) {
                consumer.subscribe(List.of(topic));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.size() < 2 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
            }
            assertThat(records).extracting(ConsumerRecord::key).containsExactly("good", "bad");
            assertThat(records.get(0).headers().lastHeader(GovernedConsumerInterceptor.VIOLATIONS_HEADER)).isNull();
            assertThat(new String(records.get(1).headers().lastHeader(GovernedConsumerInterceptor.VIOLATIONS_HEADER)
                    .value(), StandardCharsets.UTF_8)).contains("idIsUuid [id]");
            var send = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.PRODUCER).findFirst()
                    .orElseThrow();
            assertThat(spans.getFinishedSpanItems()).anySatisfy(span -> {
                assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
                // the interceptor sees a record when it is polled, not while the application processes it
                assertThat(span.getName()).isEqualTo("receive " + topic);
                assertThat(span.getAttributes().get(MessagingAttributes.OPERATION_TYPE)).isEqualTo("receive");
                assertThat(span.getParentSpanId()).isEqualTo(send.getSpanId());
            });
            assertThat(spans.getFinishedSpanItems()).noneSatisfy(span ->
                    assertThat(span.getName()).startsWith("process "));
        }
    }
}
