package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer's JVM is killed in the middle of a batch (SIGKILL: no close, no commit); the next member of the group
 * resumes from the last commit. Nothing is lost; what is handled twice is at most what the killed one handled since
 * its last commit (at-least-once).
 */
@HeadwaterTest
class ConsumerCrashTest {

    private static final int RECORDS = 2_000;

    @Test
    void aConsumerKilledMidBatchLosesNothingAndTheNextMemberResumes(EmbeddedKafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String topic = Faults.topic("crash");
        kafka.createTopic(topic, 2, (short) 1);
        try (var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, String.format("r-%05d", i), "v"));
            }
            producer.flush();
        }
        String group = "crash-" + UUID.randomUUID();
        Path killedHandled = dir.resolve("killed.txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingConsumer.class.getName(),
                kafka.bootstrapServers(), topic, group, killedHandled.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            Faults.await("the child handling a quarter of the records", () -> lines(killedHandled).size()
                    >= RECORDS / 4, Duration.ofSeconds(90));
        } finally {
            child.destroyForcibly(); // SIGKILL: no close, no commit, in the middle of a batch
            child.waitFor(30, TimeUnit.SECONDS);
        }
        List<String> first = lines(killedHandled);

        List<String> second = new ArrayList<>();
        // the killed member's partitions move once its session times out (6 s, set by the child)
        try (var next = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics(topic).handler(record -> second.add(record.key())).build()) {
            Faults.pollUntil(next, () -> union(first, second) >= RECORDS, Duration.ofSeconds(120));
        }

        Map<String, Integer> times = new HashMap<>();
        first.forEach(k -> times.merge(k, 1, Integer::sum));
        second.forEach(k -> times.merge(k, 1, Integer::sum));
        long lost = RECORDS - times.size();
        long duplicated = times.values().stream().filter(n -> n > 1).count();
        assertThat(lost).as("records neither handled by the killed member nor by the next").isZero();
        assertThat(times.values()).as("no record handled more than twice").allMatch(n -> n <= 2);
        assertThat(duplicated).as("handled twice: the killed member's records since its last commit")
                .isLessThanOrEqualTo(first.size());
        Figures.record("consumer JVM killed (SIGKILL) mid-batch, the next member of the group resumes", RECORDS,
                times.size(), 0, lost, duplicated, "at-least-once: handled by the killed member and not yet "
                + "committed (" + first.size() + " handled before the kill)");
    }

    private static int union(List<String> first, List<String> second) {
        java.util.Set<String> all = new java.util.HashSet<>(first);
        all.addAll(second);
        return all.size();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
