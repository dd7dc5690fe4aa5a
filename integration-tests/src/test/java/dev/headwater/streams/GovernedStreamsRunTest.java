package dev.headwater.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.contract.DataContract;
import dev.headwater.support.Contracts;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/**
 * A governed Streams application on the in-process broker with {@code exactly_once_v2}: outputs and dead letters are
 * read committed, the poison input and the refused output set aside, every other input's output written once, each
 * caused by its input.
 */
@HeadwaterTest
class GovernedStreamsRunTest {

    private static final Path CONTRACTS = Path.of("src/test/resources/streams");

    @Test
    void exactlyOnceOutputsAndDeadLettersOfAGovernedApplication(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) throws Exception {
        String input = "retail.orders.placed.v1";
        String output = "retail.orders.audited.v1";
        for (String topic : List.of(input, input + ".dlq", output, output + ".dlq")) {
            kafka.createTopic(topic, 1, (short) 1);
        }
        DataContract orders = DataContract.load(CONTRACTS.resolve("orders.yaml"));
        List<String> events = new ArrayList<>();
        try (var producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(orders)
                .application("orders-service", "1.4.0").build()) {
            for (int i = 0; i < 10; i++) {
                events.add(producer.send(input, "o-" + i, order(orders, i == 4 ? 5000.0 : 10.0 + i)).join()
                        .eventId());
            }
        }
        try (var raw = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(input, "poison", "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }

        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "orders-audit-" + UUID.randomUUID().toString()
                .substring(0, 6));
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put("auto.offset.reset", "earliest");
        properties.put("headwater.application.name", "orders-audit");
        properties.put("headwater.contract.file", CONTRACTS.resolve("orders.yaml") + ","
                + CONTRACTS.resolve("audit.yaml"));
        properties.put("schema.registry.url", registry.url());
        HeadwaterStreams.governed(properties);
        StreamsBuilder builder = new StreamsBuilder();
        builder.<String, GenericRecord>stream(input, Consumed.with(Serdes.String(), null))
                .to(output, Produced.with(Serdes.String(), null));

        List<ConsumerRecord<byte[], byte[]>> outputs;
        List<ConsumerRecord<byte[], byte[]>> refused;
        List<ConsumerRecord<byte[], byte[]>> poison;
        try (KafkaStreams streams = new KafkaStreams(builder.build(), properties)) {
            streams.start();
            outputs = readCommitted(kafka, output, 9);
            refused = readCommitted(kafka, output + ".dlq", 1);
            poison = readCommitted(kafka, input + ".dlq", 1);
            assertThat(streams.state().isRunningOrRebalancing()).as("still running after the bad records").isTrue();
        }
        assertThat(outputs).hasSize(9);
        assertThat(refused).singleElement().satisfies(dead -> assertThat(new String(dead.key(),
                StandardCharsets.UTF_8)).isEqualTo("o-4"));
        assertThat(new String(poison.get(0).headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8)).isEqualTo("DESERIALIZATION");
        try (LineageDescriptors descriptors = LineageDescriptors.fromKafka(Map.of("bootstrap.servers",
                kafka.bootstrapServers()))) {
            for (ConsumerRecord<byte[], byte[]> record : outputs) {
                Lineage lineage = Lineage.from(record, descriptors).orElseThrow();
                int index = Integer.parseInt(new String(record.key(), StandardCharsets.UTF_8).substring(2));
                assertThat(lineage.causationId()).isEqualTo(events.get(index));
                assertThat(lineage.source()).contains("orders-audit");
            }
        }
    }

    private static GenericRecord order(DataContract contract, double amount) {
        GenericRecord order = Contracts.validOrder(contract, UUID.randomUUID().toString());
        order.put("amount", amount);
        return order;
    }

    /** Reads what was committed to a topic until {@code expected} records arrived, or 60 s passed. */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(EmbeddedKafkaCluster kafka, String topic,
            int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "check-" + UUID.randomUUID(), "auto.offset.reset", "earliest", "isolation.level",
                "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
