package dev.headwater.pipeline.usage;

import java.util.List;
import java.util.Objects;

/**
 * How a tenant's producers kept to the tenant's produce quota in the period.
 *
 * @param quotaRecordsPerSecond the quota from the tenant's policy, 0 when unlimited
 * @param peakRecordsPerSecond the highest rate of records appended to the tenant's topics in one interval of the
 *     period (from the brokers: every client counted, governed or not), compacted topics left out
 * @param recordsPerInterval records appended to the tenant's topics in each interval of the period, compacted topics
 *     left out
 * @param throttledSeconds time the tenant's governed producers waited for quota (client metrics), summed over the
 *     clients: two producers waiting through the same second count two seconds, so it can exceed the period
 * @param rejections records the tenant's governed producers refused for quota (client metrics)
 * @param consumeThrottledSeconds time the tenant's governed consumers waited for their consume quota, summed over the
 *     clients like {@code throttledSeconds}
 * @param estimatedTopics the tenant's compacted topics, whose records per interval are not in the series or the peak:
 *     compaction removes records, and an interval's edge, found by timestamp, lands on the next record that survived,
 *     charging every removed record to the interval before it. Their rates are estimates and never decide
 *     {@link Status#OVER}
 */
public record QuotaAdherence(long quotaRecordsPerSecond, double peakRecordsPerSecond, List<Long> recordsPerInterval,
        double throttledSeconds, long rejections, double consumeThrottledSeconds, List<String> estimatedTopics) {

    /** Copies the lists. */
    public QuotaAdherence {
        recordsPerInterval = List.copyOf(Objects.requireNonNull(recordsPerInterval, "recordsPerInterval"));
        estimatedTopics = List.copyOf(Objects.requireNonNull(estimatedTopics, "estimatedTopics"));
    }

    /**
     * @return the verdict: no quota, within, throttled (demand reached the quota and waited) or over; the peak that
     *     decides it leaves compacted topics out
     */
    public Status status() {
        if (rejections > 0 || quotaRecordsPerSecond > 0 && peakRecordsPerSecond > quotaRecordsPerSecond * OVER_MARGIN) {
            return Status.OVER;
        }
        if (throttledSeconds > 0 || consumeThrottledSeconds > 0) {
            return Status.THROTTLED;
        }
        return quotaRecordsPerSecond <= 0 ? Status.NO_QUOTA : Status.WITHIN;
    }

    /**
     * How far the peak may exceed the quota before it counts as over: the clients' token buckets allow a burst of a
     * tenth of a second, and an interval's edges cut batches.
     */
    public static final double OVER_MARGIN = 1.10;

    /** A tenant's standing against its quota. */
    public enum Status {
        /** The policy sets no produce quota, and no client waited for a consume quota. */
        NO_QUOTA,
        /** The peak stayed within the quota and nothing waited. */
        WITHIN,
        /** Demand reached the quota: clients waited, nothing was refused. */
        THROTTLED,
        /** Records were refused for quota, or the brokers took records faster than the quota allows. */
        OVER
    }
}
