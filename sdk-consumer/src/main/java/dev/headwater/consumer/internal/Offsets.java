package dev.headwater.consumer.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets a governed consumer may commit and what rebalances take from it: the offset after the last record of
 * each partition whose handling finished (handled or dead-lettered), committed synchronously after each batch and
 * before partitions are revoked. Partitions revoked or lost are forgotten, so a later commit cannot move their offsets
 * back, and remembered until the next read so that records in hand from them are left to their new owner.
 *
 * <p>Used from the polling thread only (the rebalance callbacks run inside its {@code poll}). Internal: not for users.
 */
public final class Offsets implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(Offsets.class);

    private final Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
    private final Set<TopicPartition> revoked = new HashSet<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final java.util.function.Consumer<Collection<TopicPartition>> onRevoked;
    private Consumer<?, ?> consumer;

    /** @param onRevoked called with partitions revoked or lost (their pauses and retries are void) */
    public Offsets(java.util.function.Consumer<Collection<TopicPartition>> onRevoked) {
        this.onRevoked = onRevoked;
    }

    /** @param consumer the consumer whose offsets these are; set once it exists */
    public void bind(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /**
     * Records that every record of a partition before {@code next} finished.
     *
     * @param partition the partition
     * @param next the offset of the next record to read
     */
    public void finished(TopicPartition partition, long next) {
        finished.put(partition, new OffsetAndMetadata(next));
    }

    /** @return true when the partition was revoked or lost since {@link #clearRevoked()} */
    public boolean revoked(TopicPartition partition) {
        return revoked.contains(partition);
    }

    /** Forgets which partitions were revoked: called before each read. */
    public void clearRevoked() {
        revoked.clear();
    }

    /** @return the partitions assigned now */
    public Set<TopicPartition> assigned() {
        return assigned;
    }

    /**
     * Commits what finished. A commit refused because a rebalance is under way is kept for the next one; a commit
     * refused because the group moved on ({@link CommitFailedException}: this member was too slow and its partitions
     * went to others) is dropped with a warning, since the new owners read those records again (at-least-once). A
     * {@code wakeup()} during the commit does not lose it: the commit is tried once more.
     */
    public void commit() {
        if (finished.isEmpty()) {
            return;
        }
        try {
            commitOnce();
        } catch (WakeupException e) {
            commitOnce();
        }
    }

    private void commitOnce() {
        try {
            consumer.commitSync(Map.copyOf(finished));
            finished.clear();
        } catch (RebalanceInProgressException e) {
            // kept: committed after the next poll completes the rebalance, or when the partitions are revoked
        } catch (CommitFailedException e) {
            log.warn("Could not commit offsets {}: the group rebalanced without this member ({}). The records after "
                    + "them are read again by the partitions' new owners (at-least-once); consider a longer "
                    + "max.poll.interval.ms or smaller batches (max.poll.records).", finished, e.getMessage());
            finished.clear();
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        commit();
        // no longer ours, even if that commit was refused: a later commit must not move their offsets back
        forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // owned by another member already: their offsets cannot be committed, the new owner handles them again
        forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(finished::remove);
        assigned.removeAll(partitions);
        revoked.addAll(partitions);
        onRevoked.accept(partitions);
    }
}
