package dev.headwater.consumer;

import static dev.headwater.support.Topics.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.support.Polling;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedConsumerTest {

    /** Refuses the value "poison", as a deserializer refuses corrupt bytes. */
    private static final Deserializer<String> REFUSES_POISON = (topic, data) -> {
        String value = new String(data, StandardCharsets.UTF_8);
        if (value.equals("poison")) {
            throw new IllegalStateException("corrupt value: not a valid record");
        }
        return value;
    };

    @Test
    void handsEachRecordWithItsLineageAndCommitsWhatWasHandled(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Topics.unique("retail.orders.placed");
        kafka.createTopic(topic, 1, (short) 1);
        List<SendResult> sent = new ArrayList<>();
        try (var producer = producer(kafka)) {
            for (int i = 0; i < 5; i++) {
                sent.add(producer.send(topic, "order-" + i, "{\"n\":" + i + "}").join());
            }
        }
        String group = "group-" + UUID.randomUUID();
        List<GovernedRecord<String, String>> handled = new ArrayList<>();
        var consumer = consumer(kafka, topic, group, null, handled::add);
        try {
            pollUntil(consumer, () -> handled.size() >= 5);
        } finally {
            consumer.close();
        }

        assertThat(handled).extracting(GovernedRecord::key)
                .containsExactly("order-0", "order-1", "order-2", "order-3", "order-4");
        assertThat(handled).allSatisfy(record -> {
            var lineage = record.lineage().orElseThrow();
            assertThat(lineage.application()).isEqualTo("orders-service");
            assertThat(lineage.tenant()).isEqualTo("retail");
            assertThat(lineage.createdAt()).isNotNull();
        });
        assertThat(handled).extracting(r -> r.lineage().orElseThrow().eventId())
                .containsExactlyElementsOf(sent.stream().map(SendResult::eventId).toList());
        assertThat(committed(kafka, group, topic)).isEqualTo(5);
    }

    @Test
    void deadLettersPoisonPillsAndHandlerFailuresByteForByteThenGoesOn(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Topics.unique("retail.orders.mixed");
        String deadLetters = topic + ".dlq";
        kafka.createTopic(topic, 1, (short) 1);
        var poison = new ProducerRecord<byte[], byte[]>(topic, "k-poison".getBytes(StandardCharsets.UTF_8),
                "poison".getBytes(StandardCharsets.UTF_8));
        poison.headers().add("origin", new byte[] {1, 2, 3});
        Topics.write(kafka.bootstrapServers(), List.of(
                raw(topic, "k-1", "good-1"), poison, raw(topic, "k-2", "boom"), raw(topic, "k-3", "good-2")));

        String group = "group-" + UUID.randomUUID();
        List<String> handled = new ArrayList<>();
        var consumer = consumer(kafka, topic, group, deadLetters, record -> {
            if (record.value().equals("boom")) {
                throw new IllegalArgumentException("order k-2 has no customer");
            }
            handled.add(record.value());
        });
        try {
            pollUntil(consumer, () -> handled.size() >= 2);
        } finally {
            consumer.close();
        }

        assertThat(handled).containsExactly("good-1", "good-2");
        assertThat(committed(kafka, group, topic)).isEqualTo(4);
        List<ConsumerRecord<byte[], byte[]>> dlq = Topics.read(kafka.bootstrapServers(), deadLetters, 2,
                Duration.ofSeconds(30));
        assertThat(dlq).hasSize(2);

        ConsumerRecord<byte[], byte[]> first = dlq.get(0);
        assertThat(first.key()).isEqualTo("k-poison".getBytes(StandardCharsets.UTF_8));
        assertThat(first.value()).isEqualTo("poison".getBytes(StandardCharsets.UTF_8));
        assertThat(first.headers().lastHeader("origin").value()).isEqualTo(new byte[] {1, 2, 3});
        assertThat(header(first, DeadLetterHeaders.REASON)).isEqualTo("DESERIALIZATION");
        assertThat(header(first, DeadLetterHeaders.ERROR_CLASS)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(first, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("corrupt value: not a valid record");
        assertThat(header(first, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
        assertThat(header(first, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(first, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(header(first, DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(group);
        assertThat(header(first, DeadLetterHeaders.TIME)).isNotBlank();

        ConsumerRecord<byte[], byte[]> second = dlq.get(1);
        assertThat(second.value()).isEqualTo("boom".getBytes(StandardCharsets.UTF_8));
        assertThat(header(second, DeadLetterHeaders.REASON)).isEqualTo("HANDLER");
        assertThat(header(second, DeadLetterHeaders.ERROR_MESSAGE)).isEqualTo("order k-2 has no customer");
        assertThat(header(second, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("2");
    }

    @Test
    void withoutADeadLetterTopicStopsAndLeavesTheFailedRecordUncommitted(EmbeddedKafkaCluster kafka)
            throws Exception {
        String topic = Topics.unique("retail.orders.strict");
        kafka.createTopic(topic, 1, (short) 1);
        Topics.write(kafka.bootstrapServers(), List.of(
                raw(topic, "k-1", "good-1"), raw(topic, "k-2", "poison"), raw(topic, "k-3", "good-2")));
        String group = "group-" + UUID.randomUUID();
        List<String> handled = new ArrayList<>();
        var consumer = consumer(kafka, topic, group, null, record -> handled.add(record.value()));
        try {
            assertThatThrownBy(() -> pollUntil(consumer, () -> false))
                    .isInstanceOf(ConsumerStoppedException.class)
                    .hasMessageContaining("topic '" + topic + "' partition 0 offset 1")
                    .hasMessageContaining("corrupt value")
                    .hasMessageContaining("deadLetterTopic");
        } finally {
            consumer.close();
        }
        assertThat(handled).containsExactly("good-1");
        assertThat(committed(kafka, group, topic)).isEqualTo(1);
    }

    @Test
    void recordsProducedInsideTheHandlerCarryCausationFromTheRecordInHand(EmbeddedKafkaCluster kafka) {
        String orders = Topics.unique("retail.orders.placed");
        String payments = Topics.unique("retail.payments.requested");
        kafka.createTopic(orders, 1, (short) 1);
        SendResult order;
        try (var producer = producer(kafka)) {
            order = producer.send(orders, "order-1", "{}").join();
        }
        List<SendResult> produced = new ArrayList<>();
        try (var producer = producer(kafka)) {
            var consumer = consumer(kafka, orders, "payments-" + UUID.randomUUID(), null,
                    record -> produced.add(producer.send(payments, record.key(), "{\"pay\":true}").join()));
            try {
                pollUntil(consumer, () -> !produced.isEmpty());
            } finally {
                consumer.close();
            }
        }
        ConsumerRecord<byte[], byte[]> payment = Topics.read(kafka.bootstrapServers(), payments, 1,
                Duration.ofSeconds(30)).get(0);
        Lineage lineage = Lineage.from(payment).orElseThrow();
        assertThat(lineage.correlationId()).isEqualTo(order.eventId());
        assertThat(lineage.causationId()).isEqualTo(orders + "/0/" + order.offset());
        assertThat(lineage.eventId()).isNotEqualTo(order.eventId());
    }

    @Test
    void runStopsCleanlyWhenClosedFromAnotherThread(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Topics.unique("retail.orders.loop");
        kafka.createTopic(topic, 1, (short) 1);
        Topics.write(kafka.bootstrapServers(), List.of(raw(topic, "k-1", "v-1")));
        String group = "group-" + UUID.randomUUID();
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        var consumer = consumer(kafka, topic, group, null, record -> handled.add(record.value()));
        Thread loop = new Thread(consumer::run, "governed-consumer-loop");
        loop.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (handled.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        consumer.close();
        loop.join(Duration.ofSeconds(30).toMillis());
        assertThat(loop.isAlive()).isFalse();
        assertThat(handled).containsExactly("v-1");
        assertThat(committed(kafka, group, topic)).isEqualTo(1);
    }

    @ParameterizedTest(name = "read-ahead {0}")
    @ValueSource(booleans = {true, false})
    void deserializesOnItsOwnThreadWithReadAheadAndOnThePollingThreadWithoutAndHandlesOnThePollingThread(
            boolean readAhead, EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Topics.unique("retail.orders.threads");
        List<ProducerRecord<byte[], byte[]>> input = writeNumbered(kafka, topic, 50);
        Set<String> deserializing = ConcurrentHashMap.newKeySet();
        Set<String> handling = ConcurrentHashMap.newKeySet();
        List<String> handled = new ArrayList<>();
        var builder = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "group-" + UUID.randomUUID(), "max.poll.records", 10))
                .keyDeserializer(new StringDeserializer())
                .valueDeserializer((t, data) -> {
                    deserializing.add(Thread.currentThread().getName());
                    return new String(data, StandardCharsets.UTF_8);
                })
                .topics(topic)
                .handler(record -> {
                    handling.add(Thread.currentThread().getName());
                    handled.add(record.value());
                });
        builder.readAhead(readAhead);
        var consumer = builder.build();
        try {
            pollUntil(consumer, () -> handled.size() >= 50);
        } finally {
            consumer.close();
        }

        assertThat(handled).as("in order, each once").containsExactlyElementsOf(
                input.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        assertThat(handling).containsExactly(Thread.currentThread().getName());
        if (readAhead) {
            assertThat(deserializing).singleElement().asString().startsWith("headwater-consumer-prepare-");
        } else {
            assertThat(deserializing).containsExactly(Thread.currentThread().getName());
        }
    }

    /**
     * Closing a consumer that has read a batch ahead commits only what it handled: the records read ahead are handled
     * by the next member of the group, none is skipped and none handled twice.
     */
    @Test
    void recordsReadAheadButNotHandledWhenTheConsumerClosesAreHandledByTheNextOne(EmbeddedKafkaCluster kafka)
            throws Exception {
        String topic = Topics.unique("retail.orders.closing");
        List<ProducerRecord<byte[], byte[]>> input = writeNumbered(kafka, topic, 100);
        String group = "group-" + UUID.randomUUID();
        List<String> first = new ArrayList<>();
        var consumer = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group,
                        "max.poll.records", 10))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(REFUSES_POISON)
                .topics(topic).readAhead(true).handler(record -> first.add(record.value())).build();
        try {
            pollUntil(consumer, () -> first.size() >= 30);
        } finally {
            consumer.close();
        }
        assertThat(committed(kafka, group, topic)).as("committed: what the first consumer handled, no more")
                .isEqualTo(first.size());

        List<String> second = new ArrayList<>();
        var next = consumer(kafka, topic, group, null, record -> second.add(record.value()));
        try {
            pollUntil(next, () -> first.size() + second.size() >= 100);
        } finally {
            next.close();
        }
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).containsExactlyElementsOf(
                input.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
    }

    /** Creates a one-partition topic and writes records k-0/v-0 to k-(count-1)/v-(count-1) to it. */
    private static List<ProducerRecord<byte[], byte[]>> writeNumbered(EmbeddedKafkaCluster kafka, String topic,
            int count) throws Exception {
        kafka.createTopic(topic, 1, (short) 1);
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            input.add(raw(topic, "k-" + i, "v-" + i));
        }
        Topics.write(kafka.bootstrapServers(), input);
        return input;
    }

    private static ProducerRecord<byte[], byte[]> raw(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static GovernedProducer<String, String> producer(EmbeddedKafkaCluster kafka) {
        return GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .valueSerializer(new StringSerializer())
                .application("orders-service", "2.3.1")
                .tenant("retail")
                .build();
    }

    private static GovernedConsumer<String, String> consumer(EmbeddedKafkaCluster kafka, String topic, String group,
            String deadLetterTopic, RecordHandler<String, String> handler) {
        var builder = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group))
                .keyDeserializer(new StringDeserializer())
                .valueDeserializer(REFUSES_POISON)
                .topics(topic)
                .handler(handler);
        if (deadLetterTopic != null) {
            builder.deadLetterTopic(deadLetterTopic);
        }
        return builder.build();
    }

    private static void pollUntil(GovernedConsumer<?, ?> consumer, java.util.function.BooleanSupplier done) {
        Polling.pollUntil(consumer, done, Duration.ofSeconds(30));
    }

    private static long committed(EmbeddedKafkaCluster kafka, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = kafka.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
        return offset == null ? 0 : offset.offset();
    }
}
