package dev.headwater.lineage;

import dev.headwater.lineage.internal.KafkaDescriptorCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the {@link LineageDescriptor} a record of {@link LineageFormat#COMPACT lineage format 2} refers to, the way a
 * registry client finds a schema by id: once, then from its cache. Producers publish their descriptor to a compacted
 * topic, {@value #DEFAULT_TOPIC} unless configured otherwise (see the README's "Lineage" section); {@link #fromKafka}
 * reads it. A record whose descriptor cannot be found still yields its event id, time, correlation, causation and
 * trace context.
 *
 * <p>Implementations are thread safe.
 */
public interface LineageDescriptors extends AutoCloseable {

    /** The compacted topic producers publish their descriptors to, unless configured otherwise. */
    String DEFAULT_TOPIC = "_headwater-lineage";

    /**
     * Finds a descriptor. Never holds the caller for long: the Kafka finder starts reading the descriptor topic when it
     * is created, waits at most 200 ms for a read of it (2 s for the first read, once), and only the first lookup of a
     * read waits; a descriptor that was not found is looked for again
     * only after a while, so records of an unknown producer do not cost a read each, and a record whose descriptor is
     * not known yet yields what it carries (its lineage says it is incomplete).
     *
     * @param descriptorId the id a record carries
     * @return the descriptor, or empty when it is unknown or cannot be read now
     */
    Optional<LineageDescriptor> find(long descriptorId);

    /**
     * Remembers a descriptor a record carried inline (a producer carries it inline while it cannot publish it), so
     * that later records referring to it are complete without a lookup. Does nothing by default.
     *
     * @param descriptorId the id
     * @param descriptor the descriptor
     */
    default void learn(long descriptorId, LineageDescriptor descriptor) {
    }

    /** Releases what the finder holds (an internal consumer); nothing by default. */
    @Override
    default void close() {
    }

    /** @return a finder that knows no descriptor: records yield only what they carry */
    static LineageDescriptors none() {
        return descriptorId -> Optional.empty();
    }

    /**
     * Returns a finder that reads descriptors from {@value #DEFAULT_TOPIC} of a Kafka cluster, with an internal
     * consumer that inherits the given client settings (bootstrap servers, security protocol, SASL and TLS settings;
     * not the group id, deserializers or interceptors). Close it when done.
     *
     * @param clientSettings the settings of the application's consumer (or producer) of that cluster
     * @return the finder
     */
    static LineageDescriptors fromKafka(Map<String, ?> clientSettings) {
        return fromKafka(clientSettings, DEFAULT_TOPIC);
    }

    /**
     * Returns a finder that reads descriptors from a topic of a Kafka cluster; see {@link #fromKafka(Map)}.
     *
     * @param clientSettings the settings of the application's consumer (or producer) of that cluster
     * @param topic the descriptor topic
     * @return the finder; close it when done
     */
    static LineageDescriptors fromKafka(Map<String, ?> clientSettings, String topic) {
        KafkaDescriptorCatalog catalog = new KafkaDescriptorCatalog(clientSettings, topic, Duration.ofSeconds(10))
                .start();
        return new LineageDescriptors() {
            @Override
            public Optional<LineageDescriptor> find(long descriptorId) {
                return catalog.find(descriptorId);
            }

            @Override
            public void learn(long descriptorId, LineageDescriptor descriptor) {
                catalog.learn(descriptorId, descriptor);
            }

            @Override
            public void close() {
                catalog.close();
            }

            @Override
            public String toString() {
                return catalog.toString();
            }
        };
    }
}
