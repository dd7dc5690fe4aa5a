package dev.headwater.lineage;

import dev.headwater.internal.ClientSettings;
import dev.headwater.lineage.internal.CompactLineage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes lineage descriptors (format 2) to a cluster's descriptor topic for every governed producer of an
 * application that shares the cluster and its security settings: the topic is checked (or created, compacted, one
 * partition) once, and one producer, created on the first descriptor and inheriting the application's connection and
 * security settings, writes every descriptor with {@code acks=all}. A governed producer publishes its descriptor when
 * it is built and waits for it (bounded) before its first record, so that its records refer to it instead of carrying
 * it; only a descriptor that cannot be published is carried inline. Producers lease it from
 * {@link dev.headwater.SharedResources#descriptorPublisher}; the last lease closed closes its producer. Thread safe.
 */
public final class DescriptorPublisher {

    private static final Logger log = LoggerFactory.getLogger(DescriptorPublisher.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final Map<String, Object> producerSettings;
    private final Map<String, Object> adminSettings;
    private final Runnable whenUnused;
    private int users;
    /** Topics checked (or created) and fit for descriptors: a topic is checked once. */
    private final Map<String, CompletableFuture<Void>> topics = new ConcurrentHashMap<>();
    private volatile Producer<byte[], byte[]> producer;
    private volatile boolean closed;

    /**
     * @param clientSettings the application's producer settings, inherited by the internal clients
     * @param whenUnused told when the last user released the publisher, after it closed
     */
    public DescriptorPublisher(Map<String, ?> clientSettings, Runnable whenUnused) {
        String clientId = "headwater-lineage-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        this.producerSettings = ClientSettings.derive(clientSettings, ClientSettings.Kind.PRODUCER, clientId,
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
        this.adminSettings = ClientSettings.derive(clientSettings, ClientSettings.Kind.ADMIN, clientId, Map.of());
        this.whenUnused = Objects.requireNonNull(whenUnused, "whenUnused");
    }

    /**
     * The settings that tell publishers apart: two producers whose connection and security settings are the same share
     * one publisher.
     *
     * @param clientSettings a producer's settings
     * @return the part of them the publisher inherits, without the client id
     */
    public static Map<String, Object> key(Map<String, ?> clientSettings) {
        Map<String, Object> key = ClientSettings.derive(clientSettings, ClientSettings.Kind.PRODUCER, "", Map.of());
        key.keySet().removeIf(name -> ProducerConfig.configNames().contains(name) && !name.equals("bootstrap.servers")
                && !name.startsWith("security.") && !name.startsWith("sasl.") && !name.startsWith("ssl.")
                && !name.equals("client.dns.lookup"));
        return key; // the connection, the security settings and the plug-ins' own keys
    }

    /** @return a lease of this publisher, one more user until it is closed; null once the last user left */
    public synchronized Lease lease() {
        if (closed) {
            return null;
        }
        users++;
        return new Lease();
    }

    /** One user is done: the last one closes the producer and says the publisher is unused. */
    private void release() {
        synchronized (this) {
            if (--users > 0) {
                return;
            }
            closed = true;
        }
        Producer<byte[], byte[]> current = producer;
        if (current != null) {
            current.close(java.time.Duration.ofSeconds(5));
        }
        whenUnused.run();
    }

    /** One producer's use of the publisher: close it when the producer closes. Not thread safe to close twice. */
    public final class Lease implements AutoCloseable {
        private boolean released;

        private Lease() {
        }

        /**
         * @param topic the descriptor topic
         * @param descriptorId the descriptor's id
         * @param descriptor the descriptor
         * @return completed when the descriptor is on the topic, or exceptionally with why it cannot be
         * @see DescriptorPublisher#publish
         */
        public CompletableFuture<Void> publish(String topic, long descriptorId, LineageDescriptor descriptor) {
            return DescriptorPublisher.this.publish(topic, descriptorId, descriptor);
        }

        /**
         * Writes one record of the platform's own (an observed rule's sample) with the publisher's producer, so that
         * it takes no connections of its own.
         *
         * @param topic the topic
         * @param key the key, may be null
         * @param value the value
         * @return completed when the record is written, or exceptionally with why it was not
         */
        public CompletableFuture<Void> send(String topic, byte[] key, byte[] value) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            try {
                producer().send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                    if (error != null) {
                        sent.completeExceptionally(error);
                    } else {
                        sent.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
            }
            return sent;
        }

        /** @return the publisher leased: producers of the same cluster and security settings share one */
        public DescriptorPublisher publisher() {
            return DescriptorPublisher.this;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release();
            }
        }
    }

    /**
     * Publishes a descriptor: checks (or creates) the topic on the first descriptor for it, then writes the
     * descriptor keyed by the id's 16 hex digits and completes once every in-sync replica has it.
     *
     * @param topic the descriptor topic
     * @param descriptorId the descriptor's id
     * @param descriptor the descriptor
     * @return completed when the descriptor is on the topic, or exceptionally with why it cannot be
     */
    CompletableFuture<Void> publish(String topic, long descriptorId, LineageDescriptor descriptor) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(descriptor, "descriptor");
        CompletableFuture<Void> published = new CompletableFuture<>();
        CompletableFuture<Void> check = topics.computeIfAbsent(topic, this::checkTopic);
        check.whenComplete((ok, error) -> {
            if (error != null) {
                topics.remove(topic, check); // the next producer checks again: the cause may have passed
                published.completeExceptionally(error);
                return;
            }
            try {
                producer().send(new ProducerRecord<>(topic, CompactLineage.hex(descriptorId)
                        .getBytes(StandardCharsets.US_ASCII), CompactLineage.writeDescriptor(descriptor)),
                        (metadata, sendError) -> {
                            if (sendError != null) {
                                published.completeExceptionally(sendError);
                            } else {
                                log.debug("Published lineage descriptor {} of application '{}' to topic '{}'",
                                        CompactLineage.hex(descriptorId), descriptor.application(), topic);
                                published.complete(null);
                            }
                        });
            } catch (RuntimeException e) {
                published.completeExceptionally(e);
            }
        });
        return published;
    }

    /** Checks the topic once, on a thread of its own: the caller waits for the outcome only as long as it chooses. */
    private CompletableFuture<Void> checkTopic(String topic) {
        return CompletableFuture.runAsync(() -> {
            try {
                ensureTopic(topic);
            } catch (ExecutionException e) {
                throw new IllegalStateException(describe(e.getCause() == null ? e : e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking the topic", e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the cluster did not answer within " + ADMIN_TIMEOUT_SECONDS + " s",
                        e);
            }
        }, task -> {
            Thread thread = new Thread(task, "headwater-lineage-topic-check");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private void ensureTopic(String topic) throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminSettings)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
            if (!keepsRecords(config)) {
                throw new IllegalStateException("topic '" + topic + "' deletes old records ("
                        + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + value(config, TopicConfig.CLEANUP_POLICY_CONFIG)
                        + ", " + TopicConfig.RETENTION_MS_CONFIG + "=" + value(config, TopicConfig.RETENTION_MS_CONFIG)
                        + "), so descriptors would disappear before the records that refer to them; set "
                        + TopicConfig.CLEANUP_POLICY_CONFIG + "=compact");
            }
        }
    }

    /**
     * A topic keeps descriptors when it is compacted and nothing else ({@code compact,delete} deletes old records
     * too), or when it deletes nothing: retention without limit of time or size.
     */
    static boolean keepsRecords(Config config) {
        Set<String> policies = Set.copyOf(Arrays.stream(value(config, TopicConfig.CLEANUP_POLICY_CONFIG).split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList());
        if (policies.equals(Set.of(TopicConfig.CLEANUP_POLICY_COMPACT))) {
            return true;
        }
        return "-1".equals(value(config, TopicConfig.RETENTION_MS_CONFIG))
                && "-1".equals(value(config, TopicConfig.RETENTION_BYTES_CONFIG));
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null || entry.value() == null ? "" : entry.value();
    }

    private synchronized Producer<byte[], byte[]> producer() {
        if (closed) {
            throw new IllegalStateException("the application's producers are closed");
        }
        if (producer == null) {
            producer = new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /**
     * @param error why a descriptor could not be published
     * @return a short reason, for logs and metrics
     */
    public static String describe(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IllegalStateException && cause.getMessage() != null && cause.getCause() != null) {
            return cause.getMessage();
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return "the topic does not exist and could not be created";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    @Override
    public String toString() {
        return "DescriptorPublisher{" + producerSettings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + "}";
    }
}
