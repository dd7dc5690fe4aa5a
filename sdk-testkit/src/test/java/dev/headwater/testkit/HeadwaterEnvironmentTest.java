package dev.headwater.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.contract.DataContract;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import io.opentelemetry.api.trace.SpanKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class HeadwaterEnvironmentTest {

    private static DataContract contract(HeadwaterEnvironment env) throws Exception {
        Path dir = Path.of("src/test/resources/contracts");
        String topic = env.uniqueTopic("retail.orders.placed");
        return DataContract.parse(Files.readString(dir.resolve("orders.yaml"))
                .replace("retail.orders.placed.v1", topic), "orders.yaml", dir.toAbsolutePath());
    }

    private static GenericRecord order(DataContract contract, String currency) {
        GenericRecord order = new GenericData.Record(contract.schema());
        order.put("id", UUID.randomUUID().toString());
        order.put("customer", "c");
        order.put("amount", 10.0);
        order.put("currency", currency);
        order.put("quantity", 1);
        order.put("sku", "SKU-ABC-123");
        order.put("email", null);
        order.put("createdAt", System.currentTimeMillis() - 1000);
        order.put("channel", "web");
        order.put("express", false);
        return order;
    }

    @Test
    void boundProducersAndConsumersExchangeRecordsWithLineageSpansAndDeadLetters(HeadwaterEnvironment env)
            throws Exception {
        DataContract contract = contract(env);
        String topic = contract.topics().get(0);
        SendResult sent;
        try (GovernedProducer<String, GenericRecord> producer = env.<String, GenericRecord>producer(contract,
                new StringSerializer()).application("orders-service", "1.0").build()) {
            sent = producer.send(topic, "k-1", order(contract, "EUR")).join();
            producer.send(topic, "k-2", order(contract, "XXY")).join();
        }

        ConsumerRecord<byte[], byte[]> record = env.read(topic, 1, Duration.ofSeconds(30)).get(0);
        assertThat(env.lineage(record).eventId()).isEqualTo(sent.eventId());
        assertThat(env.lineage(record).application()).isEqualTo("orders-service");
        ConsumerRecord<byte[], byte[]> dead = env.deadLetters(contract, 1).get(0);
        assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.RULES).value(), StandardCharsets.UTF_8))
                .isEqualTo("currencyIsIso");

        List<String> handled = new ArrayList<>();
        var consumer = env.<String, GenericRecord>consumer(contract, new StringDeserializer(),
                r -> handled.add(r.key())).build();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (handled.isEmpty() && System.nanoTime() < deadline) {
                consumer.pollOnce(Duration.ofMillis(200));
            }
        } finally {
            consumer.close();
        }
        assertThat(handled).containsExactly("k-1");
        assertThat(env.spans()).anySatisfy(span -> {
            assertThat(span.getName()).isEqualTo("send " + topic);
            assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
        });
        assertThat(env.spans()).anySatisfy(span -> assertThat(span.getName()).isEqualTo("process " + topic));
    }

    @Test
    void uniqueTopicsNeverCollide(HeadwaterEnvironment env) {
        assertThat(env.uniqueTopic("a.b")).isNotEqualTo(env.uniqueTopic("a.b")).matches("a\\.b\\.[0-9a-f]{8}\\.v1");
    }
}
