package dev.headwater.tenant;

/**
 * What a tenant's topics must look like.
 *
 * @param defaultPartitions partitions of a topic created for the tenant
 * @param minPartitions fewest partitions allowed
 * @param maxPartitions most partitions allowed
 * @param minReplicationFactor smallest replication factor allowed (also used when creating)
 * @param minInSyncReplicas smallest {@code min.insync.replicas} allowed (also used when creating)
 * @param maxRetentionMs longest {@code retention.ms} allowed, -1 for unlimited (also used when creating)
 * @param cleanupPolicy the required {@code cleanup.policy}, such as {@code delete}
 */
public record TopicLimits(int defaultPartitions, int minPartitions, int maxPartitions, short minReplicationFactor,
        int minInSyncReplicas, long maxRetentionMs, String cleanupPolicy) {

    /** Defaults for a small shared cluster. */
    public static final TopicLimits DEFAULTS = new TopicLimits(3, 1, 12, (short) 1, 1, 7L * 24 * 3600 * 1000,
            "delete");

    /** Checks the parts. */
    public TopicLimits {
        if (minPartitions < 1 || maxPartitions < minPartitions || defaultPartitions < minPartitions
                || defaultPartitions > maxPartitions) {
            throw new IllegalArgumentException("topic limits need 1 <= minPartitions <= defaultPartitions <= "
                    + "maxPartitions, were " + minPartitions + ", " + defaultPartitions + ", " + maxPartitions);
        }
        if (minReplicationFactor < 1 || minInSyncReplicas < 1 || minInSyncReplicas > minReplicationFactor) {
            throw new IllegalArgumentException("topic limits need 1 <= minInSyncReplicas <= minReplicationFactor, "
                    + "were " + minInSyncReplicas + " and " + minReplicationFactor);
        }
    }
}
