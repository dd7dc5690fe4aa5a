package dev.headwater.lineage;

import dev.headwater.contract.DataContract;
import java.util.Objects;

/**
 * One governed client's use of one topic: the dataset-level lineage a catalog draws as an edge between an
 * application (or consumer group) and a topic, with the contract that governs the topic's data.
 *
 * @param role whether the client writes or reads the topic
 * @param application the application's name
 * @param applicationVersion its version, may be empty
 * @param tenant the tenant, may be empty
 * @param group the consumer group of a consumer; empty for a producer
 * @param bootstrapServers the cluster, as the client was given it
 * @param topic the topic
 * @param contract the contract governing the topic's values, or null
 */
public record DatasetUse(Role role, String application, String applicationVersion, String tenant, String group,
        String bootstrapServers, String topic, DataContract contract) {

    /** Whether a client writes or reads a topic. */
    public enum Role {
        /** A governed producer (or serializer) writing the topic. */
        PRODUCER,
        /** A governed consumer (or listener) reading the topic. */
        CONSUMER
    }

    /** Checks the required parts; null strings become empty. */
    public DatasetUse {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(topic, "topic");
        application = application == null ? "" : application;
        applicationVersion = applicationVersion == null ? "" : applicationVersion;
        tenant = tenant == null ? "" : tenant;
        group = group == null ? "" : group;
        bootstrapServers = bootstrapServers == null ? "" : bootstrapServers;
    }
}
