package dev.headwater.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaClusterTest {

    @Test
    void producesAndConsumesThroughTheInProcessBroker() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start()) {
            kafka.createTopic("testkit.orders.v1", 2, (short) 1);

            try (KafkaProducer<String, String> producer = producer(kafka)) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("testkit.orders.v1", "key-" + i, "value-" + i)).get();
                }
            }

            List<ConsumerRecord<String, String>> records = Consume.records(kafka.bootstrapServers(),
                    "testkit.orders.v1", 10, Duration.ofSeconds(30));
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(
                            java.util.stream.IntStream.range(0, 10).mapToObj(i -> "value-" + i).toList());
        }
    }

    @Test
    void closeLeavesNoThreadsPortsOrDirectoriesBehind() throws Exception {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
        Path dataDirectory = kafka.dataDirectory();
        List<Integer> ports = Arrays.stream(kafka.bootstrapServers().split(","))
                .map(hostPort -> Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)))
                .toList();
        try (KafkaProducer<String, String> producer = producer(kafka)) {
            producer.send(new ProducerRecord<>("testkit.cleanup.v1", "k", "v")).get();
        }
        assertThat(Files.isDirectory(dataDirectory)).isTrue();

        kafka.close();

        assertThat(dataDirectory).doesNotExist();
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(socket.isBound()).as("port %d is free again", port).isTrue();
            }
        }
        Eventually.assertThat(Duration.ofSeconds(30), () -> {
            Set<String> leftOver = Thread.getAllStackTraces().keySet().stream()
                    .filter(Thread::isAlive)
                    .filter(t -> !threadsBefore.contains(t))
                    .filter(t -> !JvmThreads.isJvmOwned(t))
                    .map(Thread::getName)
                    .collect(Collectors.toSet());
            assertThat(leftOver).as("threads still running after close").isEmpty();
        });
    }

    @Test
    void threeBrokerClusterKeepsServingWhenTheLeaderStops() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).build().start()) {
            assertThat(kafka.brokerIds()).hasSize(3);
            kafka.createTopic("testkit.replicated.v1", 1, (short) 3);
            TopicPartitionInfo partition = kafka.admin().describeTopics(List.of("testkit.replicated.v1"))
                    .allTopicNames().get().get("testkit.replicated.v1").partitions().get(0);
            assertThat(partition.replicas()).hasSize(3);

            kafka.stopBroker(partition.leader().id());

            try (KafkaProducer<String, String> producer = producer(kafka)) {
                RecordMetadata metadata = producer.send(
                        new ProducerRecord<>("testkit.replicated.v1", "k", "after-failover")).get();
                assertThat(metadata.offset()).isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void createTopicReturnsOnceEveryPartitionHasALeaderSoAProducerCanSendAtOnce() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
                KafkaProducer<String, String> producer = producer(kafka)) {
            for (int t = 0; t < 5; t++) {
                String topic = "testkit.fresh." + t;
                kafka.createTopic(topic, 6, (short) 1);

                List<TopicPartitionInfo> partitions = kafka.admin().describeTopics(List.of(topic)).allTopicNames()
                        .get().get(topic).partitions();
                assertThat(partitions).hasSize(6).allSatisfy(p -> assertThat(p.leader()).isNotNull());
                for (int partition = 0; partition < 6; partition++) {
                    RecordMetadata written = producer.send(new ProducerRecord<>(topic, partition, "k", "v"))
                            .get(30, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(written.offset()).isZero();
                }
            }
        }
    }

    @Test
    void createTopicThatTheClusterRefusesNamesTheTopicAndTheReason() {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start()) {
            assertThatThrownBy(() -> kafka.createTopic("testkit.bad name!", 1, (short) 1))
                    .isInstanceOf(dev.headwater.HeadwaterException.class)
                    .hasMessageContaining("Could not create topic 'testkit.bad name!'")
                    .hasMessageContaining("contains one or more characters other than ASCII alphanumerics");
        }
    }

    @Test
    void createTopicRejectsAReplicationFactorAboveTheBrokerCount() {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start()) {
            assertThatThrownBy(() -> kafka.createTopic("testkit.too-many-replicas", 1, (short) 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("testkit.too-many-replicas")
                    .hasMessageContaining("between 1 and 1");
        }
    }

    @Test
    void usingAClusterThatIsNotStartedSaysWhatToDo() {
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build();
        try {
            assertThatThrownBy(kafka::bootstrapServers)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("call start() first");
        } finally {
            kafka.close();
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafkaCluster kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads records from a topic in a consumer group of its own. */
    static final class Consume {
        static List<ConsumerRecord<String, String>> records(String bootstrap, String topic, int expected,
                Duration timeout) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + timeout.toNanos();
                while (records.size() < expected && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
                return records;
            }
        }
    }

    /** Threads the JVM or the test runner may start lazily and keep, which a cluster cannot be blamed for. */
    static final class JvmThreads {
        static boolean isJvmOwned(Thread thread) {
            String name = thread.getName();
            return thread.isDaemon() && (name.startsWith("ForkJoinPool.commonPool")
                    || name.equals("Attach Listener") || name.equals("Common-Cleaner")
                    || name.startsWith("process reaper") || name.equals("surefire-forkedjvm-ping-30s")
                    || name.equals("surefire-forkedjvm-command-thread"));
        }
    }
}
