package dev.headwater.testkit;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.RecordHandler;
import dev.headwater.contract.DataContract;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.producer.GovernedProducer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What a test gets from {@link HeadwaterTest}: a Kafka cluster and a schema registry (in-process, or in containers),
 * producers and consumers already bound to them and to an OpenTelemetry SDK that records spans, and helpers to read a
 * topic, its dead letters and a record's lineage. Declare a parameter of this type in a test or lifecycle method.
 *
 * <p>Test classes may run in parallel against a shared environment: use {@link #uniqueTopic(String)} so they never
 * share a topic. Thread safe.
 */
public final class HeadwaterEnvironment implements AutoCloseable {

    static final String NO_DOCKER = "Headwater's Testcontainers mode needs a Docker engine and none is available "
            + "here; the test is skipped. Run it where Docker runs, or use the embedded mode (the default).";

    private final String bootstrapServers;
    private final String registryUrl;
    private final Admin admin;
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk openTelemetry;
    private final AutoCloseable resources;
    private final LineageDescriptors descriptors;

    HeadwaterEnvironment(String bootstrapServers, String registryUrl, AutoCloseable resources) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.resources = resources;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        this.descriptors = LineageDescriptors.fromKafka(Map.of("bootstrap.servers", bootstrapServers));
        this.openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /**
     * Starts an environment in this JVM: an in-process broker and registry.
     *
     * @param brokers the number of brokers
     * @return the environment; close it when done
     */
    public static HeadwaterEnvironment embedded(int brokers) {
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(brokers).build().start();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
        return new HeadwaterEnvironment(kafka.bootstrapServers(), registry.url(), () -> {
            registry.close();
            kafka.close();
        });
    }

    /**
     * An environment on a cluster and a registry the test started itself, such as spring-kafka-test's
     * {@code @EmbeddedKafka} (on the Kafka version Spring Boot manages) and an {@link EmbeddedSchemaRegistry}. Nothing
     * of Kafka's server code is used by this mode: a test using it may leave the testkit's broker artifacts out.
     *
     * @param bootstrapServers the cluster
     * @param registryUrl the schema registry
     * @return the environment; close it when done (the cluster and the registry stay the caller's)
     */
    public static HeadwaterEnvironment connect(String bootstrapServers, String registryUrl) {
        return new HeadwaterEnvironment(java.util.Objects.requireNonNull(bootstrapServers, "bootstrapServers"),
                java.util.Objects.requireNonNull(registryUrl, "registryUrl"), () -> { });
    }

    /**
     * Starts an environment in containers: Apache Kafka's image and Confluent's Schema Registry image, through
     * Testcontainers.
     *
     * @param kafkaImage such as {@code apache/kafka:4.1.1}
     * @param registryImage such as {@code confluentinc/cp-schema-registry:8.1.0}
     * @return the environment; close it when done
     * @throws org.opentest4j.TestAbortedException when Docker is not available, so a test using it is skipped with
     *     the reason rather than failed
     */
    public static HeadwaterEnvironment containers(String kafkaImage, String registryImage) {
        if (!dockerAvailable()) {
            throw new org.opentest4j.TestAbortedException(NO_DOCKER);
        }
        org.testcontainers.containers.Network network = org.testcontainers.containers.Network.newNetwork();
        org.testcontainers.kafka.KafkaContainer kafka = new org.testcontainers.kafka.KafkaContainer(
                org.testcontainers.utility.DockerImageName.parse(kafkaImage))
                .withNetwork(network).withListener("kafka:19092");
        kafka.start();
        org.testcontainers.containers.GenericContainer<?> registry =
                new org.testcontainers.containers.GenericContainer<>(
                        org.testcontainers.utility.DockerImageName.parse(registryImage))
                        .withNetwork(network)
                        .withExposedPorts(8081)
                        .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                        .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                        .dependsOn(kafka);
        registry.start();
        String registryUrl = "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
        return new HeadwaterEnvironment(kafka.getBootstrapServers(), registryUrl, () -> {
            registry.stop();
            kafka.stop();
            network.close();
        });
    }

    /** @return true when Testcontainers finds a Docker engine */
    public static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** @return the {@code bootstrap.servers} of the cluster */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** @return the schema registry's URL */
    public String registryUrl() {
        return registryUrl;
    }

    /** @return an admin client of the cluster, owned by the environment */
    public Admin admin() {
        return admin;
    }

    /** @return the OpenTelemetry SDK the bound producers and consumers report to */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /**
     * Returns a topic name no other test uses: {@code {prefix}.{random}.v1}.
     *
     * @param prefix such as {@code retail.orders}
     * @return the name; the topic is not created
     */
    public String uniqueTopic(String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 8) + ".v1";
    }

    /**
     * Creates topics with one partition each (existing ones are kept) and waits until each has a leader, so that a
     * producer can send to them at once.
     *
     * @param topics the topics
     * @return this environment
     * @throws dev.headwater.HeadwaterException naming the topic if the cluster refuses it or it gets no leader in time
     */
    public HeadwaterEnvironment createTopics(String... topics) {
        for (String topic : topics) {
            TopicCreation.createAndAwaitLeaders(admin, new NewTopic(topic, 1, (short) 1), Duration.ofSeconds(30));
        }
        return this;
    }

    /**
     * Returns a governed producer builder bound to this cluster, registry and OpenTelemetry SDK, enforcing a contract.
     * Its topic and dead-letter topic are created first.
     *
     * @param contract the contract
     * @param keySerializer the key serializer
     * @param <K> the key type
     * @param <V> the value type
     * @return a builder; set {@code application(...)} and build it
     */
    public <K, V> GovernedProducer.Builder<K, V> producer(DataContract contract, Serializer<K> keySerializer) {
        createTopics(contract.topics().toArray(String[]::new));
        if (!contract.deadLetterTopic().isEmpty()) {
            createTopics(contract.deadLetterTopic());
        }
        return GovernedProducer.<K, V>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrapServers))
                .keySerializer(keySerializer)
                .schemaRegistry(registryUrl)
                .contract(contract)
                .openTelemetry(openTelemetry);
    }

    /**
     * Returns a governed consumer builder bound to this cluster, registry and OpenTelemetry SDK, reading a contract's
     * topics in a consumer group of its own.
     *
     * @param contract the contract
     * @param keyDeserializer the key deserializer
     * @param handler handles each record
     * @param <K> the key type
     * @param <V> the value type
     * @return a builder; build it and poll
     */
    public <K, V> GovernedConsumer.Builder<K, V> consumer(DataContract contract, Deserializer<K> keyDeserializer,
            RecordHandler<K, V> handler) {
        return GovernedConsumer.<K, V>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrapServers,
                        "group.id", "test-" + UUID.randomUUID()))
                .keyDeserializer(keyDeserializer)
                .schemaRegistry(registryUrl)
                .contract(contract)
                .topics(contract.topics().toArray(String[]::new))
                .openTelemetry(openTelemetry)
                .handler(handler);
    }

    /**
     * Reads a topic from the start until the expected number of records arrived or the timeout passed.
     *
     * @param topic the topic
     * @param expected how many records to wait for
     * @param timeout the longest wait
     * @return the records read, raw
     */
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected, Duration timeout) {
        return read(bootstrapServers, topic, expected, timeout);
    }

    /**
     * Reads a topic of any cluster from the start, in a consumer group of its own, until the expected number of
     * records arrived or the timeout passed.
     *
     * @param bootstrapServers the cluster
     * @param topic the topic
     * @param expected how many records to wait for
     * @param timeout the longest wait
     * @return the records read, raw
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrapServers, String topic, int expected,
            Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrapServers, "group.id", "reader-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * Reads a contract's dead-letter topic.
     *
     * @param contract the contract
     * @param expected how many records to wait for
     * @return the dead letters, with their reasons in {@link dev.headwater.deadletter.DeadLetterHeaders}
     */
    public List<ConsumerRecord<byte[], byte[]>> deadLetters(DataContract contract, int expected) {
        if (contract.deadLetterTopic().isEmpty()) {
            throw new IllegalArgumentException("contract " + contract.subject() + " has no deadLetterTopic");
        }
        return read(contract.deadLetterTopic(), expected, Duration.ofSeconds(30));
    }

    /**
     * Reads the lineage of a record, in either format; the descriptor of a format 2 record is found on this cluster's
     * descriptor topic.
     *
     * @param record a record
     * @return its lineage
     * @throws AssertionError when the record carries no lineage
     */
    public Lineage lineage(ConsumerRecord<?, ?> record) {
        return Lineage.from(record, descriptors).orElseThrow(() -> new AssertionError("record at " + record.topic()
                + "-" + record.partition() + "@" + record.offset() + " carries no lineage (neither an hw nor a ce_id "
                + "header): was it produced by a governed producer?"));
    }

    /** @return the spans finished so far by the bound producers and consumers */
    public List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    /** Forgets the spans recorded so far. */
    public void resetSpans() {
        spans.reset();
    }

    @Override
    public void close() throws Exception {
        descriptors.close();
        admin.close(Duration.ofSeconds(5));
        openTelemetry.close();
        resources.close();
    }

    @Override
    public String toString() {
        return "HeadwaterEnvironment{bootstrapServers=" + bootstrapServers + ", registry=" + registryUrl + "}";
    }
}
