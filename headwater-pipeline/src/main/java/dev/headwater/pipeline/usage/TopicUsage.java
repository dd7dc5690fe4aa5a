package dev.headwater.pipeline.usage;

import java.util.Objects;

/**
 * One topic as the brokers see it.
 *
 * @param topic the topic
 * @param tenant the tenant whose policy owns it, or empty when none does
 * @param partitions its partitions
 * @param replicationFactor its replicas per partition
 * @param storageBytes bytes of its log segments on the brokers, every replica counted
 * @param recordsInLog records it holds now (end offsets minus start offsets)
 * @param recordsAppended records appended in the period (offsets by timestamp at its end minus at its start); an
 *     estimate when the topic is compacted
 * @param compacted whether the topic's cleanup policy compacts it: compaction removes records and with them the
 *     timestamps the period's edges are found by, so its appended records and rates are estimates ({@link
 *     QuotaAdherence#estimatedTopics()})
 */
public record TopicUsage(String topic, String tenant, int partitions, int replicationFactor, long storageBytes,
        long recordsInLog, long recordsAppended, boolean compacted) {

    /** Checks the parts. */
    public TopicUsage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(tenant, "tenant");
    }

    /**
     * @return the bytes appended in the period, estimated from the records appended and the log's bytes per record
     *     (one replica); 0 for an empty log
     */
    public long bytesAppendedEstimate() {
        if (recordsInLog <= 0 || replicationFactor <= 0) {
            return 0;
        }
        return Math.round((double) storageBytes / replicationFactor / recordsInLog * recordsAppended);
    }
}
