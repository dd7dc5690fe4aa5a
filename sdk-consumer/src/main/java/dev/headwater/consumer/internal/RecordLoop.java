package dev.headwater.consumer.internal;

import dev.headwater.consumer.ConsumerStoppedException;
import dev.headwater.consumer.GovernedRecord;
import dev.headwater.consumer.RecordHandler;
import dev.headwater.contract.Violation;
import dev.headwater.governance.DeadLetter;
import dev.headwater.governance.DeadLetterWriteException;
import dev.headwater.governance.Read;
import dev.headwater.governance.ReadPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The governed consumer's transport around the {@link ReadPipeline}: polls (reading the next batch ahead while one is
 * handled, when asked), lets the pipeline prepare each record (on the read-ahead thread), waits for the tenant's consume
 * quota per batch, runs the handler with its retries inside the pipeline's handling, writes the pipeline's dead letters,
 * rewinds partitions whose record failed transiently, and records what finished for the commit. Everything governance
 * decides is the pipeline's. Used from the polling thread only, but {@link #abort()}. Internal: not for users.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RecordLoop<K, V> {

    /** How long one read-ahead poll waits for records while the batch in hand is still being prepared. */
    private static final Duration READ_AHEAD_WAIT = Duration.ofMillis(1);

    private final Consumer<byte[], byte[]> consumer;
    private final ReadPipeline pipeline;
    private final ReadPipeline.Member member;
    private final RecordHandler<K, V> handler;
    private final HandlerRetry retry;
    private final TransientRetries transientRetries;
    private final Offsets offsets;
    private final ExecutorService preparer;
    private final BooleanSupplier closing;
    private ReadBatch ahead;

    /**
     * @param consumer the consumer, subscribed with {@code offsets} as its rebalance listener
     * @param pipeline governs each record
     * @param member the consumer's group and client, for telemetry
     * @param handler the application's handler
     * @param retry the handler's retries
     * @param transientRetries the partitions waiting after a transient failure
     * @param offsets what finished, committed by the caller
     * @param preparer prepares batches read ahead; null to prepare on the polling thread
     * @param closing true once the consumer closes
     */
    public RecordLoop(Consumer<byte[], byte[]> consumer, ReadPipeline pipeline, ReadPipeline.Member member,
            RecordHandler<K, V> handler, HandlerRetry retry, TransientRetries transientRetries, Offsets offsets,
            ExecutorService preparer, BooleanSupplier closing) {
        this.consumer = consumer;
        this.pipeline = pipeline;
        this.member = member;
        this.handler = handler;
        this.retry = retry;
        this.transientRetries = transientRetries;
        this.offsets = offsets;
        this.preparer = preparer;
        this.closing = closing;
    }

    /**
     * Handles one batch: the one read ahead when there is one, else a new poll's; reads the next ahead meanwhile.
     *
     * @param timeout how long to wait for records when none were read ahead
     * @return how many records finished: handled or dead-lettered
     */
    public int poll(Duration timeout) {
        transientRetries.resumeDue(consumer);
        ReadBatch current = ahead;
        ahead = null;
        if (current == null) {
            current = read(timeout);
            if (current == null) {
                return 0;
            }
        }
        offsets.clearRevoked();
        if (preparer != null) {
            // the next batch, read now, is prepared on the other thread while this one is handled; while this one
            // is still being prepared there is time to wait for the next to arrive, and no longer
            ahead = closing.getAsBoolean() ? null : read(Duration.ZERO);
            while (ahead == null && !current.prepared() && !closing.getAsBoolean()) {
                ahead = read(READ_AHEAD_WAIT);
            }
        }
        // taken for the batch about to be handled, not for the one read ahead
        long bytes = 0;
        for (ConsumerRecord<byte[], byte[]> record : current.polled()) {
            bytes += Math.max(0, record.serializedValueSize()) + Math.max(0, record.serializedKeySize());
        }
        member.awaitQuota(current.polled().count(), bytes, closing);
        return handle(current);
    }

    /** Forgets what was read ahead: it was neither handled nor committed, and the group reads it again. */
    public void dropReadAhead() {
        ahead = null;
    }

    private int handle(ReadBatch batch) {
        try {
            batch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsumerStoppedException("Interrupted while waiting for records of " + batch.partitions()
                    + " to be prepared; they were not handled or committed", e);
        }
        int done = 0;
        for (int p = 0; p < batch.partitions().size(); p++) {
            TopicPartition partition = batch.partitions().get(p);
            if (batch.skipped(partition) || offsets.revoked(partition)) {
                // given to another consumer while reading ahead: left uncommitted, for the new owner to handle
                continue;
            }
            Object[] prepared = batch.prepared(p);
            long next = -1;
            try {
                for (int i = 0; i < prepared.length && !closing.getAsBoolean(); i++) {
                    Read read = (Read) prepared[i];
                    if (read.outcome() == Read.Outcome.TRANSIENT) {
                        transientRetries.retryLater(consumer, partition, read.record().offset(), read.error());
                        member.retried(partition.topic());
                        if (ahead != null) {
                            ahead.skip(partition); // read past the record before the rewind: read again later
                        }
                        break;
                    }
                    if (!handle(read)) {
                        break; // the consumer stopped during a retry back-off: neither handled nor committed
                    }
                    next = read.record().offset() + 1;
                    done++;
                }
            } finally {
                // the offset after the last record whose handling finished, even when a later one stopped the loop
                if (next >= 0) {
                    offsets.finished(partition, next);
                    transientRetries.recovered(partition);
                }
            }
        }
        return done;
    }

    /** Polls (empty after a wakeup) and starts preparing what came; null if nothing came. */
    private ReadBatch read(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return null;
        }
        if (records.isEmpty()) {
            return null;
        }
        ReadBatch batch = new ReadBatch(records);
        if (preparer == null) {
            batch.prepare(pipeline::prepare);
        } else {
            batch.prepareOn(preparer, pipeline::prepare);
        }
        return batch;
    }

    /**
     * Handles one prepared record inside the pipeline's handling: the handler with its retries, or its dead letter.
     *
     * @return true when the record finished (handled or dead-lettered); false when the consumer stopped during a
     *     retry back-off or a dead-letter write, leaving it unfinished
     */
    @SuppressWarnings("unchecked")
    private boolean handle(Read read) {
        @SuppressWarnings("unchecked")
        ConsumerRecord<byte[], byte[]> raw = (ConsumerRecord<byte[], byte[]>) read.record();
        try (ReadPipeline.Handling handling = member.begin(read)) {
            if (read.outcome() == Read.Outcome.REFUSED) {
                return deadLetterOrStop(raw, read.reason(), read.error(), read.violations());
            }
            GovernedRecord<K, V> record = new GovernedRecord<>(raw.topic(), raw.partition(), raw.offset(),
                    raw.timestamp(), (K) read.key(), (V) read.value(), raw.headers(), pipeline.descriptors());
            try {
                retry.run(() -> handler.handle(record));
            } catch (HandlerRetry.Stopped stopped) {
                handling.failed(stopped);
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handling.failed(e);
                throw new ConsumerStoppedException("The handler was interrupted on the record at topic '"
                        + raw.topic() + "' partition " + raw.partition() + " offset " + raw.offset()
                        + "; it was not committed", e);
            } catch (Exception e) {
                handling.failed(e);
                return deadLetterOrStop(raw, Read.HANDLER, e, List.of());
            }
            return true;
        }
    }

    /** @return true when dead-lettered; false when the consumer is closing and the write was ended */
    private boolean deadLetterOrStop(ConsumerRecord<byte[], byte[]> raw, String reason, Throwable error,
            List<Violation> violations) {
        String where = "topic '" + raw.topic() + "' partition " + raw.partition() + " offset " + raw.offset();
        Optional<DeadLetter> letter = pipeline.deadLetter(raw, reason, error, violations, member.group());
        if (letter.isEmpty()) {
            throw new ConsumerStoppedException("Record at " + where + " failed (" + reason + "): "
                    + error.getMessage() + ". The consumer stopped without committing it; set deadLetterTopic(...) "
                    + "(or one in the contract) to set such records aside instead.", error);
        }
        try {
            pipeline.deadLetterWriter().write(letter.get(), where);
        } catch (DeadLetterWriteException e) {
            if (closing.getAsBoolean()) {
                return false; // close() ended the write: the record stays uncommitted for the next member
            }
            throw new ConsumerStoppedException(e.getMessage() + ". It was not committed: the consumer reads it again "
                    + "when it restarts.", e.getCause());
        }
        member.deadLettered(raw);
        return true;
    }

    /** Makes a dead-letter write in progress fail now: for closing while one waits. Thread safe. */
    public void abort() {
        pipeline.deadLetterWriter().abort();
    }

    /**
     * @param consumer a consumer
     * @param otherwise what to return when its metrics name no client
     * @return the client id Kafka gave the consumer (its own default when none was set), as its metrics name it
     */
    public static String clientIdOf(Consumer<?, ?> consumer, String otherwise) {
        for (org.apache.kafka.common.MetricName name : consumer.metrics().keySet()) {
            String id = name.tags().get("client-id");
            if (id != null) {
                return id;
            }
        }
        return otherwise;
    }
}
