package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.RecordHandler;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The governed consumer's lifecycle follows Kafka's: close() closes from any thread, wakeup() only stops the loop,
 * nothing leaks, a waiting dead-letter write does not hold close() up, and Errors are not dead-lettered.
 */
@HeadwaterTest
class LifecycleTest {

    private static GovernedConsumer.Builder<String, String> consumer(EmbeddedKafkaCluster kafka, String topic,
            String group, RecordHandler<String, String> handler) {
        return GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics(topic).handler(handler);
    }

    private static void write(EmbeddedKafkaCluster kafka, String topic, String... keys) throws Exception {
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers()), new org.apache.kafka.common.serialization
                .StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            for (String key : keys) {
                producer.send(new ProducerRecord<>(topic, key, "value of " + key)).get();
            }
        }
    }

    private static int members(EmbeddedKafkaCluster kafka, String group) throws Exception {
        return kafka.admin().describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
    }

    private static boolean prepareThreadAlive(String group) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("headwater-consumer-prepare-" + group) && t.isAlive());
    }

    @Test
    void closeFromAnotherThreadEndsRunNormallyAndLeavesNoMemberNorThread(EmbeddedKafkaCluster kafka)
            throws Exception {
        String topic = Faults.topic("lifecycle");
        kafka.createTopic(topic, 1, (short) 1);
        write(kafka, topic, "a", "b");
        String group = "run-" + UUID.randomUUID();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        var consumer = consumer(kafka, topic, group, r -> handled.add(r.key())).readAhead(true).build();
        Loop loop = Loop.start(consumer, "lifecycle-loop");
        Faults.await("both records handled", () -> handled.size() == 2, Duration.ofSeconds(30));

        consumer.close();

        loop.thread().join(10_000);
        assertThat(loop.thread().isAlive()).as("run() returned").isFalse();
        assertThat(loop.thrown().get()).as("what run() threw").isNull();
        assertThat(members(kafka, group)).as("members left in the group").isZero();
        assertThat(prepareThreadAlive(group)).isFalse();
        assertThatThrownBy(() -> consumer.pollOnce(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closeWithoutALoopClosesAndTryWithResourcesWorks(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Faults.topic("lifecycle");
        kafka.createTopic(topic, 1, (short) 1);
        write(kafka, topic, "a");
        String group = "idle-" + UUID.randomUUID();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (var consumer = consumer(kafka, topic, group, r -> handled.add(r.key())).readAhead(true).build()) {
            Faults.pollUntil(consumer, () -> handled.size() == 1, Duration.ofSeconds(30));
            assertThat(members(kafka, group)).isEqualTo(1);
        }
        assertThat(members(kafka, group)).isZero();
        assertThat(prepareThreadAlive(group)).isFalse();
    }

    @Test
    void wakeupStopsRunWithoutClosingAndRunCanGoOn(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Faults.topic("lifecycle");
        kafka.createTopic(topic, 1, (short) 1);
        write(kafka, topic, "a");
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (var consumer = consumer(kafka, topic, "wakeup-" + UUID.randomUUID(), r -> handled.add(r.key()))
                .build()) {
            Loop loop = Loop.start(consumer, "wakeup-loop");
            Faults.await("a handled", () -> handled.contains("a"), Duration.ofSeconds(30));
            consumer.wakeup();
            loop.thread().join(10_000);
            assertThat(loop.thread().isAlive()).isFalse();
            assertThat(loop.thrown().get()).isNull();

            write(kafka, topic, "b");
            Faults.pollUntil(consumer, () -> handled.contains("b"), Duration.ofSeconds(30));
            assertThat(handled).containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void closeEndsADeadLetterWriteThatIsWaitingAndTheRecordStaysUncommitted(EmbeddedKafkaCluster kafka)
            throws Exception {
        String topic = Faults.topic("lifecycle");
        kafka.createTopic(topic, 1, (short) 1);
        write(kafka, topic, "poison");
        String group = "blocked-" + UUID.randomUUID();
        // a dead-letter producer that cannot reach any broker waits for metadata up to max.block.ms (60 s)
        var consumer = consumer(kafka, topic, group, r -> {
            throw new IllegalStateException("refused " + r.key());
        }).deadLetterTopic(topic + ".dlq")
                .deadLetterProducerProperties(Map.of("bootstrap.servers", "127.0.0.1:1", "max.block.ms", 60_000))
                .build();
        Loop loop = Loop.start(consumer, "blocked-loop");
        Faults.await("the dead-letter write waiting", () -> inDeadLetterWrite(loop.thread()),
                Duration.ofSeconds(30));

        long start = System.nanoTime();
        consumer.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;
        loop.thread().join(10_000);

        assertThat(closeMillis).as("close() took, in ms").isLessThan(10_000);
        assertThat(loop.thread().isAlive()).isFalse();
        assertThat(loop.thrown().get()).isNull();
        Set<String> again = ConcurrentHashMap.newKeySet();
        try (var next = consumer(kafka, topic, group, r -> again.add(r.key())).build()) {
            Faults.pollUntil(next, () -> again.contains("poison"), Duration.ofSeconds(30));
        }
        assertThat(again).as("read again by the next member: it was not committed").contains("poison");
        Figures.record("consumer closed while its dead-letter write waits for an unreachable cluster", 1, 0, 0, 0, 0,
                "close() returned in " + closeMillis + " ms; the record stayed uncommitted and the next member read "
                + "it");
    }

    @Test
    void anErrorInTheHandlerStopsTheLoopWithoutCommitOrDeadLetter(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = Faults.topic("lifecycle");
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(topic + ".dlq", 1, (short) 1);
        write(kafka, topic, "fatal");
        String group = "error-" + UUID.randomUUID();
        var consumer = consumer(kafka, topic, group, r -> {
            throw new StackOverflowError("the handler recursed");
        }).deadLetterTopic(topic + ".dlq").build();

        assertThatThrownBy(consumer::run).isInstanceOf(StackOverflowError.class);

        assertThat(Faults.read(kafka.bootstrapServers(), topic + ".dlq", 1, Duration.ofSeconds(2))).isEmpty();
        Set<String> again = ConcurrentHashMap.newKeySet();
        try (var next = consumer(kafka, topic, group, r -> again.add(r.key())).build()) {
            Faults.pollUntil(next, () -> again.contains("fatal"), Duration.ofSeconds(30));
        }
        assertThat(again).contains("fatal");
    }

    @Test
    void aCommitRefusedBecauseTheGroupMovedOnDoesNotEscapeRunAndTheRecordIsReadAgain(EmbeddedKafkaCluster kafka)
            throws Exception {
        String topic = Faults.topic("lifecycle");
        kafka.createTopic(topic, 1, (short) 1);
        write(kafka, topic, "slow");
        String group = "moved-on-" + UUID.randomUUID();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        var consumer = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group,
                        "max.poll.interval.ms", 1_000))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics(topic).handler(r -> {
                    if (calls.incrementAndGet() == 1) {
                        // slower than max.poll.interval.ms: the group moves on and the commit after it is refused
                        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
                    }
                }).build();
        Loop loop = Loop.start(consumer, "moved-on-loop");
        Faults.await("the record handled again after the refused commit", () -> calls.get() >= 2,
                Duration.ofSeconds(60));
        assertThat(loop.thread().isAlive()).as("run() still running").isTrue();
        consumer.close();
        loop.thread().join(10_000);
        assertThat(loop.thrown().get()).as("what run() threw").isNull();
        Set<String> again = ConcurrentHashMap.newKeySet();
        try (var next = consumer(kafka, topic, group, r -> again.add(r.key())).build()) {
            Faults.pollUntil(next, () -> false, Duration.ofSeconds(3));
        }
        assertThat(again).as("committed after it was handled again").isEmpty();
    }

    @Test
    void retriesThatCouldOutlastThePollIntervalAreRefusedAtBuild(EmbeddedKafkaCluster kafka) {
        assertThatThrownBy(() -> GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "g",
                        "max.poll.interval.ms", 60_000))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics("t").handler(r -> { }).retry(10, Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'retry'").hasMessageContaining("max.poll.interval.ms (60000 ms)");
    }

    /** A consumer's {@code run()} on a thread of its own, and what it threw. */
    private record Loop(Thread thread, AtomicReference<Throwable> thrown) {
        static Loop start(GovernedConsumer<?, ?> consumer, String name) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread thread = new Thread(() -> {
                try {
                    consumer.run();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }, name);
            thread.start();
            return new Loop(thread, thrown);
        }
    }

    private static boolean inDeadLetterWrite(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().endsWith("DeadLetterWriter") && frame.getMethodName().equals("write")) {
                return true;
            }
        }
        return false;
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
