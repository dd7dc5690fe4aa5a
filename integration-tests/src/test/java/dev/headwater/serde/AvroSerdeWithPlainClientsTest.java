package dev.headwater.serde;

import static dev.headwater.support.Schemas.ORDER_V1;
import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.support.Schemas;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.junit.jupiter.api.Test;

/** The serde configured by class name in plain Kafka clients, through a real broker. */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class AvroSerdeWithPlainClientsTest {

    @Test
    void plainProducerAndConsumerExchangeRecordsAndABadRecordNamesItsPartitionAndOffset(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) throws Exception {
        String topic = Topics.unique("retail.orders.plain");
        kafka.createTopic(topic, 1, (short) 1);
        GenericRecord order = new GenericData.Record(Schemas.parse(ORDER_V1));
        order.put("id", "order-1");
        order.put("amount", 3.5);
        order.put("currency", "EUR");
        try (KafkaProducer<Object, Object> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", AvroSerializer.class.getName(),
                "value.serializer", AvroSerializer.class.getName(),
                "schema.registry.url", registry.url()))) {
            producer.send(new ProducerRecord<>(topic, "order-1", order)).get();
        }
        Topics.write(kafka.bootstrapServers(), List.of(new ProducerRecord<>(topic, null,
                "not avro".getBytes(StandardCharsets.UTF_8))));

        List<Object> values = new ArrayList<>();
        RecordDeserializationException bad = null;
        try (KafkaConsumer<Object, Object> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "plain-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest",
                "key.deserializer", AvroDeserializer.class.getName(),
                "value.deserializer", AvroDeserializer.class.getName(),
                "schema.registry.url", registry.url()))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (bad == null && System.nanoTime() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                } catch (RecordDeserializationException e) {
                    bad = e;
                }
            }
        }
        assertThat(values).containsExactly(order);
        assertThat(bad).isNotNull();
        assertThat(bad.topicPartition().topic()).isEqualTo(topic);
        assertThat(bad.offset()).isEqualTo(1);
        assertThat(bad.getCause()).isInstanceOf(SerdeException.class).hasMessageContaining("magic byte");
    }
}
