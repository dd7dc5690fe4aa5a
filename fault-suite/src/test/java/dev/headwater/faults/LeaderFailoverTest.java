package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A partition leader stops while records are in flight: nothing is lost, nothing is written twice. */
@HeadwaterTest(brokers = 3)
class LeaderFailoverTest {

    private static final int RECORDS = 100_000;

    @Test
    void aLeaderStoppedMidwayLosesNothingAndDuplicatesNothing(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry) throws Exception {
        String topic = Faults.topic("failover");
        DataContract contract = Faults.contract(topic);
        kafka.createTopic(topic, 3, (short) 3);
        kafka.createTopic(contract.deadLetterTopic(), 1, (short) 3);
        AtomicLong failed = new AtomicLong();
        int stopped;
        try (var producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .application("payments-service", "1.0").build()) {
            stopped = -1;
            for (int i = 0; i < RECORDS; i++) {
                if (i == RECORDS / 2) {
                    stopped = kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                            .partitions().get(0).leader().id();
                    kafka.stopBroker(stopped); // with records of every partition in flight
                }
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key(i),
                        Faults.payment(key(i), 10.0 + i % 100, "EUR")), (result, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
        assertThat(stopped).isNotNegative();
        assertThat(failed).as("sends that failed").hasValue(0);

        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicLong handled = new AtomicLong();
        try (var consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "failover-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(contract)
                .topics(topic).handler(record -> {
                    handled.incrementAndGet();
                    seen.add(record.key());
                }).build()) {
            Faults.pollUntil(consumer, () -> seen.size() >= RECORDS, Duration.ofSeconds(120));
        }
        long lost = RECORDS - seen.size();
        long duplicated = handled.get() - seen.size();
        assertThat(lost).as("records lost").isZero();
        assertThat(duplicated).as("records written twice").isZero();
        Figures.record("leader of a partition stopped with records in flight (3 brokers, acks=all, idempotent "
                + "producer)", RECORDS, seen.size(), 0, lost, duplicated, "broker " + stopped + " stopped after "
                + RECORDS / 2 + " sends");
    }

    private static String key(int i) {
        return String.format("p-%06d", i);
    }
}
