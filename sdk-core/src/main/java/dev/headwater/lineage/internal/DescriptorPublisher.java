package dev.headwater.lineage.internal;

import dev.headwater.internal.ClientSettings;
import dev.headwater.lineage.LineageDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
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
 * Publishes a producer's lineage descriptor to the descriptor topic, on a thread of its own so that building the
 * producer never waits for it. The topic is created (compacted, one partition) when it does not exist; an existing
 * topic that deletes old records is refused, since descriptors must outlive the records that refer to them. The
 * descriptor is written with {@code acks=all} by a short-lived producer that inherits the application's connection and
 * security settings. Until it is acknowledged the producer's records carry the descriptor inline; if it cannot be
 * published they keep doing so, and the reason is logged once. Internal: not for users.
 */
public final class DescriptorPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DescriptorPublisher.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    /** Told the outcome, on the publisher's thread. */
    public interface Listener {
        /** The descriptor is on the topic: records may refer to it. */
        void published();

        /**
         * The descriptor could not be published: records keep carrying it inline.
         *
         * @param why the reason, for logs and metrics
         */
        void failed(String why);
    }

    private final Thread thread;
    private volatile boolean closed;

    private DescriptorPublisher(Map<String, ?> clientSettings, String topic, long descriptorId,
            LineageDescriptor descriptor, Listener listener) {
        String clientId = "headwater-lineage-" + CompactLineage.hex(descriptorId);
        Runnable work = () -> {
            try {
                ensureTopic(ClientSettings.derive(clientSettings, ClientSettings.Kind.ADMIN, clientId, Map.of()),
                        topic);
                write(ClientSettings.derive(clientSettings, ClientSettings.Kind.PRODUCER, clientId, Map.of(
                        ProducerConfig.ACKS_CONFIG, "all")), topic, descriptorId, descriptor);
                log.debug("Published lineage descriptor {} of application '{}' to topic '{}'",
                        CompactLineage.hex(descriptorId), descriptor.application(), topic);
                listener.published();
            } catch (InterruptedException e) {
                listener.failed("the producer was closed before its lineage descriptor was published");
            } catch (Exception e) {
                if (closed) {
                    listener.failed("the producer was closed before its lineage descriptor was published");
                    return;
                }
                String why = e instanceof ExecutionException && e.getCause() != null ? describe(e.getCause())
                        : describe(e);
                log.warn("Could not publish the lineage descriptor {} of application '{}' to topic '{}' ({}). Its "
                        + "records carry the descriptor inline instead, about {} bytes more each; nothing is lost. "
                        + "Create the topic (compacted; dev.headwater.pipeline.TenantProvisioner.provisionLineageTopic), grant this "
                        + "application write access to it, or choose another with headwater.lineage.descriptor.topic.",
                        CompactLineage.hex(descriptorId), descriptor.application(), topic, why,
                        CompactLineage.writeDescriptor(descriptor).length + 1);
                listener.failed(why);
            }
        };
        this.thread = new Thread(work, clientId);
        thread.setDaemon(true);
    }

    /**
     * Starts publishing a descriptor.
     *
     * @param clientSettings the application's producer settings, inherited by the internal clients
     * @param topic the descriptor topic
     * @param descriptorId the descriptor's id
     * @param descriptor the descriptor
     * @param listener told the outcome
     * @return the publisher; close it with the producer
     */
    public static DescriptorPublisher start(Map<String, ?> clientSettings, String topic, long descriptorId,
            LineageDescriptor descriptor, Listener listener) {
        DescriptorPublisher publisher = new DescriptorPublisher(Objects.requireNonNull(clientSettings),
                Objects.requireNonNull(topic), descriptorId, Objects.requireNonNull(descriptor),
                Objects.requireNonNull(listener));
        publisher.thread.start();
        return publisher;
    }

    private static void ensureTopic(Map<String, Object> settings, String topic) throws Exception {
        try (Admin admin = Admin.create(settings)) {
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
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + ADMIN_TIMEOUT_SECONDS + " s", e);
        }
    }

    private static boolean keepsRecords(Config config) {
        return value(config, TopicConfig.CLEANUP_POLICY_CONFIG).contains(TopicConfig.CLEANUP_POLICY_COMPACT)
                || "-1".equals(value(config, TopicConfig.RETENTION_MS_CONFIG));
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null || entry.value() == null ? "" : entry.value();
    }

    private static void write(Map<String, Object> settings, String topic, long descriptorId,
            LineageDescriptor descriptor) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, CompactLineage.hex(descriptorId)
                    .getBytes(StandardCharsets.US_ASCII), CompactLineage.writeDescriptor(descriptor))).get();
        }
    }

    private static String describe(Throwable error) {
        if (error instanceof UnknownTopicOrPartitionException) {
            return "the topic does not exist and could not be created";
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    /** @return true once the thread finished, either way */
    public boolean done() {
        return !thread.isAlive();
    }

    /** Stops publishing if it is still under way. */
    @Override
    public void close() {
        closed = true;
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
