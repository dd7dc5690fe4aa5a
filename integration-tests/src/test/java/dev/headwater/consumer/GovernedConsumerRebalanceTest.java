package dev.headwater.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedConsumerRebalanceTest {

    private static final int RECORDS = 300;

    /** Refuses values that start with "poison", as a deserializer refuses corrupt bytes. */
    private static final Deserializer<String> VALUES = (topic, data) -> {
        String value = new String(data, StandardCharsets.UTF_8);
        if (value.startsWith("poison")) {
            throw new IllegalStateException("corrupt value");
        }
        return value;
    };

    @ParameterizedTest(name = "read-ahead {0}")
    @ValueSource(booleans = {true, false})
    void everyRecordIsHandledOrDeadLetteredAcrossARebalanceAndNoneIsLost(boolean readAhead,
            EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Topics.unique("retail.orders.rebalance");
        String deadLetters = topic + ".dlq";
        kafka.createTopic(topic, 3, (short) 1);
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        Set<String> expectedBad = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
            String key = "r-" + i;
            String value = i % 10 == 3 ? "poison-" + i : i % 10 == 7 ? "boom-" + i : "good-" + i;
            if (!value.startsWith("good")) {
                expectedBad.add(key);
            }
            input.add(new ProducerRecord<>(topic, i % 3, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8)));
        }
        // the first half is consumed by one consumer, the second half after a second one joined the group
        Topics.write(kafka.bootstrapServers(), input.subList(0, RECORDS / 2));

        String group = "rebalance-" + UUID.randomUUID();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Set<String> handlingThreads = ConcurrentHashMap.newKeySet();
        RecordHandler<String, String> handler = record -> {
            if (record.value().startsWith("boom")) {
                throw new IllegalArgumentException("cannot handle " + record.key());
            }
            handled.add(record.key());
            handlingThreads.add(Thread.currentThread().getName());
        };
        GovernedConsumer<String, String> first = consumer(kafka, topic, deadLetters, group, handler, readAhead);
        Thread firstLoop = new Thread(first::run, "consumer-1");
        firstLoop.start();
        waitFor(() -> committed(kafka, group, topic) == RECORDS / 2);

        GovernedConsumer<String, String> second = consumer(kafka, topic, deadLetters, group, handler, readAhead);
        Thread secondLoop = new Thread(second::run, "consumer-2");
        secondLoop.start();
        waitFor(() -> membersWithPartitions(kafka, group) == 2);
        Topics.write(kafka.bootstrapServers(), input.subList(RECORDS / 2, RECORDS));
        waitFor(() -> handled.size() >= RECORDS - expectedBad.size());
        waitFor(() -> committed(kafka, group, topic) == RECORDS);
        first.close();
        second.close();
        firstLoop.join(30_000);
        secondLoop.join(30_000);

        Set<String> deadLettered = Topics.read(kafka.bootstrapServers(), deadLetters, expectedBad.size(),
                Duration.ofSeconds(30)).stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        Set<String> all = new HashSet<>(handled);
        all.addAll(deadLettered);
        assertThat(all).as("records in = handled + dead-lettered").hasSize(RECORDS);
        assertThat(deadLettered).isEqualTo(expectedBad);
        assertThat(handled).doesNotContainAnyElementsOf(deadLettered);
        assertThat(committed(kafka, group, topic)).isEqualTo(RECORDS);
        assertThat(firstLoop.isAlive() || secondLoop.isAlive()).isFalse();
        assertThat(handlingThreads).as("both consumers handled records after the rebalance")
                .containsExactlyInAnyOrder("consumer-1", "consumer-2");
    }

    /**
     * A consumer reads a batch ahead while it handles the one in hand; when the group rebalances during that read,
     * the records in hand from partitions it loses must be left to their new owner (they are not committed), or they
     * would be handled twice. The group rebalances while both consumers are in the middle of a backlog.
     */
    @Test
    void recordsInHandFromAPartitionRevokedDuringTheReadAheadAreLeftToTheNewOwnerSoEachIsHandledOnce(
            EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Topics.unique("retail.orders.readahead");
        kafka.createTopic(topic, 3, (short) 1);
        int records = 900;
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            input.add(new ProducerRecord<>(topic, i % 3, ("r-" + i).getBytes(StandardCharsets.UTF_8),
                    ("good-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        Topics.write(kafka.bootstrapServers(), input);
        String group = "readahead-" + UUID.randomUUID();
        Map<String, AtomicInteger> timesHandled = new ConcurrentHashMap<>();
        Set<String> handlingThreads = ConcurrentHashMap.newKeySet();
        RecordHandler<String, String> handler = record -> {
            timesHandled.computeIfAbsent(record.key(), k -> new AtomicInteger()).incrementAndGet();
            handlingThreads.add(Thread.currentThread().getName());
            Thread.sleep(5); // slow enough that both consumers are still in the backlog when the group rebalances
        };
        // frequent heartbeats: a member learns of the rebalance within 100 ms, while records are in hand
        Map<String, Object> quickRebalance = Map.of("heartbeat.interval.ms", 100);
        GovernedConsumer<String, String> first = consumer(kafka, topic, topic + ".dlq", group, handler, true,
                quickRebalance);
        Thread firstLoop = new Thread(first::run, "consumer-1");
        firstLoop.start();
        waitFor(() -> timesHandled.size() >= 100);
        GovernedConsumer<String, String> second = consumer(kafka, topic, topic + ".dlq", group, handler, true,
                quickRebalance);
        Thread secondLoop = new Thread(second::run, "consumer-2");
        secondLoop.start();
        waitFor(() -> committed(kafka, group, topic) == records);
        first.close();
        second.close();
        firstLoop.join(30_000);
        secondLoop.join(30_000);

        assertThat(timesHandled).hasSize(records);
        assertThat(timesHandled.entrySet()).filteredOn(e -> e.getValue().get() != 1)
                .as("records handled more than once").isEmpty();
        assertThat(handlingThreads).as("the second consumer took partitions over in the middle of the backlog")
                .containsExactlyInAnyOrder("consumer-1", "consumer-2");
    }

    private static GovernedConsumer<String, String> consumer(EmbeddedKafkaCluster kafka, String topic,
            String deadLetters, String group, RecordHandler<String, String> handler, boolean readAhead) {
        return consumer(kafka, topic, deadLetters, group, handler, readAhead, Map.of());
    }

    private static GovernedConsumer<String, String> consumer(EmbeddedKafkaCluster kafka, String topic,
            String deadLetters, String group, RecordHandler<String, String> handler, boolean readAhead,
            Map<String, Object> extraProperties) {
        Map<String, Object> properties = new java.util.HashMap<>(extraProperties);
        properties.putAll(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group,
                "max.poll.records", 20));
        GovernedConsumer.Builder<String, String> builder = GovernedConsumer.<String, String>builder()
                .kafkaProperties(properties)
                .keyDeserializer(new StringDeserializer()).valueDeserializer(VALUES)
                .topics(topic).deadLetterTopic(deadLetters).handler(handler);
        builder.readAhead(readAhead);
        return builder.build();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.onSpinWait();
        }
    }

    private static long membersWithPartitions(EmbeddedKafkaCluster kafka, String group) {
        try {
            var description = kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group);
            return description.groupState().name().equals("STABLE") ? description.members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).count() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static long committed(EmbeddedKafkaCluster kafka, String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = kafka.admin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }
}
