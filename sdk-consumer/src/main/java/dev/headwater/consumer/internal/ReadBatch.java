package dev.headwater.consumer.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one poll and, per record, what preparing it gave (the deserialized record, or why it cannot be
 * handled). Prepared on one thread (the read-ahead thread, or the polling thread), read by the
 * polling thread after {@link #await()}. Partitions whose records must not be handled any more (revoked, or rewound
 * to retry a record) are marked {@link #skip skipped}. Internal: not for users.
 */
public final class ReadBatch {

    /** Prepares one record; never throws (a failure is an outcome). */
    @FunctionalInterface
    public interface Preparer {
        /**
         * @param record the record
         * @return what preparing it gave
         */
        Object prepare(ConsumerRecord<byte[], byte[]> record);
    }

    private final ConsumerRecords<byte[], byte[]> polled;
    private final List<TopicPartition> partitions;
    private final List<List<ConsumerRecord<byte[], byte[]>>> records;
    private final List<Object[]> prepared;
    private final Set<TopicPartition> skipped = new HashSet<>();
    private Future<?> preparing;

    /** @param polled what one poll returned, not empty */
    public ReadBatch(ConsumerRecords<byte[], byte[]> polled) {
        this.polled = polled;
        this.partitions = List.copyOf(polled.partitions());
        this.records = new ArrayList<>(partitions.size());
        this.prepared = new ArrayList<>(partitions.size());
        for (TopicPartition partition : partitions) {
            List<ConsumerRecord<byte[], byte[]>> part = polled.records(partition);
            records.add(part);
            prepared.add(new Object[part.size()]);
        }
    }

    /** Prepares every record on the calling thread. */
    public void prepare(Preparer preparer) {
        for (int p = 0; p < partitions.size(); p++) {
            List<ConsumerRecord<byte[], byte[]>> part = records.get(p);
            Object[] results = prepared.get(p);
            for (int i = 0; i < results.length; i++) {
                results[i] = preparer.prepare(part.get(i));
            }
        }
    }

    /** Starts preparing every record on another thread. */
    public void prepareOn(ExecutorService executor, Preparer preparer) {
        preparing = executor.submit(() -> prepare(preparer));
    }

    /** @return true once every record is prepared */
    public boolean prepared() {
        return preparing == null || preparing.isDone();
    }

    /**
     * Waits until every record is prepared.
     *
     * @throws InterruptedException when interrupted meanwhile
     * @throws IllegalStateException when preparing failed unexpectedly (a bug: the preparer reports failures as
     *     outcomes)
     */
    public void await() throws InterruptedException {
        if (preparing == null) {
            return;
        }
        try {
            preparing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Preparing records of " + partitions + " failed unexpectedly",
                    e.getCause());
        }
    }

    /** @return what was polled */
    public ConsumerRecords<byte[], byte[]> polled() {
        return polled;
    }

    /** @return the partitions, in the order of the poll */
    public List<TopicPartition> partitions() {
        return partitions;
    }

    /** @return the records of the partition at an index */
    public List<ConsumerRecord<byte[], byte[]>> records(int partition) {
        return records.get(partition);
    }

    /** @return what preparing each record of the partition at an index gave */
    public Object[] prepared(int partition) {
        return prepared.get(partition);
    }

    /** Marks a partition whose records in this batch must not be handled. */
    public void skip(TopicPartition partition) {
        skipped.add(partition);
    }

    /** @return true when the partition's records in this batch must not be handled */
    public boolean skipped(TopicPartition partition) {
        return skipped.contains(partition);
    }
}
