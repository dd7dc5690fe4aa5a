package dev.headwater.pipeline.usage;

import java.util.List;
import java.util.Objects;

/**
 * What one tenant used in a period.
 *
 * <p>Client figures come from the governed clients' metrics ({@code headwater.producer.records},
 * {@code headwater.producer.record.size}, {@code headwater.consumer.records}, {@code headwater.consumer.bytes}),
 * bytes being serialized record values; broker figures from the Admin API.
 *
 * @param tenant the tenant
 * @param topics the topics its policy owns
 * @param recordsProduced records its governed producers wrote (sent or dead-lettered)
 * @param bytesProduced their value bytes
 * @param recordsConsumed records its governed consumers finished (handled or dead-lettered)
 * @param bytesConsumed their value bytes
 * @param quota how it kept to its quota
 */
public record TenantUsage(String tenant, List<TopicUsage> topics, long recordsProduced, long bytesProduced,
        long recordsConsumed, long bytesConsumed, QuotaAdherence quota) {

    /** Copies the list. */
    public TenantUsage {
        Objects.requireNonNull(tenant, "tenant");
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        Objects.requireNonNull(quota, "quota");
    }

    /** @return partitions of its topics */
    public int partitions() {
        return topics.stream().mapToInt(TopicUsage::partitions).sum();
    }

    /** @return bytes of its topics on the brokers, every replica counted */
    public long storageBytes() {
        return topics.stream().mapToLong(TopicUsage::storageBytes).sum();
    }

    /** @return records appended to its topics in the period, by any client (brokers) */
    public long recordsAppended() {
        return topics.stream().mapToLong(TopicUsage::recordsAppended).sum();
    }

    /** @return bytes appended to its topics in the period, estimated from the logs (one replica) */
    public long bytesAppendedEstimate() {
        return topics.stream().mapToLong(TopicUsage::bytesAppendedEstimate).sum();
    }

    /**
     * @return the bytes produced that the chargeback counts: the clients' figure, or the brokers' estimate when the
     *     tenant's producers report no metrics (clients that are not governed)
     */
    public long chargedBytesProduced() {
        return producedChargedFromBrokers() ? bytesAppendedEstimate() : bytesProduced;
    }

    /**
     * @return whether the produced bytes charged are the brokers' estimate ({@link #bytesAppendedEstimate()}): the
     *     tenant's producers reported no records while its topics took some
     */
    public boolean producedChargedFromBrokers() {
        return recordsProduced == 0 && recordsAppended() > 0;
    }
}
