package dev.headwater.consumer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitions waiting to read a record again after a transient failure (the schema registry did not answer), as
 * Spring Kafka's error handler seeks back and backs off: the partition is rewound to the record, paused for a back-off
 * that doubles up to a limit, and resumed, while the consumer keeps polling its other partitions (so the group keeps
 * the member). Nothing is dead-lettered for a transient failure. Used from the polling thread only. Internal: not for
 * users.
 */
public final class TransientRetries {

    private static final Logger log = LoggerFactory.getLogger(TransientRetries.class);

    private final Duration initial;
    private final Duration max;
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    private final Map<TopicPartition, Long> backoff = new HashMap<>();

    /**
     * @param initial the first back-off
     * @param max the longest back-off
     */
    public TransientRetries(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /**
     * Rewinds a partition to a record that failed transiently and pauses it.
     *
     * @param consumer the consumer
     * @param partition the partition
     * @param offset the record's offset, read again when the partition resumes
     * @param error why it failed
     * @return the back-off chosen
     */
    public Duration retryLater(Consumer<?, ?> consumer, TopicPartition partition, long offset, Throwable error) {
        long wait = backoff.getOrDefault(partition, initial.toMillis());
        backoff.put(partition, Math.min(wait * 2, max.toMillis()));
        resumeAt.put(partition, System.nanoTime() + wait * 1_000_000);
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        if (wait == initial.toMillis()) {
            log.warn("Cannot read the record at {} offset {} now ({}). It is not the record's fault: the partition "
                    + "waits and reads it again, backing off up to {}, and nothing is dead-lettered meanwhile.",
                    partition, offset, error.getMessage(), max);
        } else {
            log.debug("Record at {} offset {} still cannot be read ({}); next try in {} ms", partition, offset,
                    error.getMessage(), wait);
        }
        return Duration.ofMillis(wait);
    }

    /** Resumes the partitions whose back-off is over. */
    public void resumeDue(Consumer<?, ?> consumer) {
        if (resumeAt.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<TopicPartition> due = new ArrayList<>();
        resumeAt.forEach((partition, at) -> {
            if (now - at >= 0) {
                due.add(partition);
            }
        });
        if (!due.isEmpty()) {
            due.forEach(resumeAt::remove);
            consumer.resume(due);
        }
    }

    /** Says that a record of the partition was read: its next failure starts again with the first back-off. */
    public void recovered(TopicPartition partition) {
        if (backoff.remove(partition) != null) {
            log.info("Records of {} can be read again", partition);
        }
    }

    /** @return true when some partition waits */
    public boolean waiting() {
        return !resumeAt.isEmpty();
    }

    /** Forgets partitions that are no longer this consumer's. */
    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(p -> {
            resumeAt.remove(p);
            backoff.remove(p);
        });
    }
}
