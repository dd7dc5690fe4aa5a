package dev.headwater.consumer;

import dev.headwater.consumer.internal.ConsumerTelemetry;
import dev.headwater.consumer.internal.DeadLetterWriter;
import dev.headwater.consumer.internal.HandlerRetry;
import dev.headwater.consumer.internal.Offsets;
import dev.headwater.consumer.internal.ReadBatch;
import dev.headwater.consumer.internal.RecordPreparer;
import dev.headwater.consumer.internal.TransientRetries;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.internal.HeadwaterProperties;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.telemetry.internal.QuotaTelemetry;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TenantQuotas;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer that runs the poll loop for the application: poll, deserialize, hand each record with its lineage to
 * the {@link RecordHandler}, and commit. Offsets are committed only for records whose handling finished (handled or
 * dead-lettered), so processing is at-least-once and no record is skipped.
 *
 * <p>A record that cannot be deserialized, breaks the contract's read rules, or whose handler still fails after its
 * retries goes to the dead-letter topic, when one is set, with its original key, value and headers byte for byte plus
 * {@link DeadLetterHeaders}; then the loop goes on. Without a dead-letter topic (or with {@link Builder#stopOnError()})
 * the loop stops with a {@link ConsumerStoppedException} and the record stays uncommitted. A record that cannot be read
 * for a reason that is not its own (the schema registry does not answer) is never dead-lettered: its partition waits
 * and reads it again, with back-off, while the consumer keeps polling the others.
 *
 * <p>Read-ahead: by default (with more than one processor) the consumer reads the next batch before handling the one
 * in hand, and a thread of its own deserializes it and checks its rules meanwhile, so that this work does not hold up
 * the handler. Records read ahead are not committed until handled; those of a partition revoked meanwhile are left to
 * its new owner. The key and value deserializers then run on that thread (one record at a time), the handler always on
 * the polling thread. {@link Builder#readAhead(boolean) readAhead(false)} does everything on the polling thread.
 *
 * <p>Lifecycle, as Kafka's own consumer: {@link #run()} and {@link #pollOnce(Duration)} are called from one thread;
 * {@link #wakeup()} may be called from any thread and makes {@code run()} finish the record in hand, commit and
 * return; {@link #close()} may be called from any thread and closes: it stops a running loop (which finishes the record
 * in hand and commits), ends a dead-letter write that is waiting (that record stays uncommitted), and releases the
 * consumer, its threads and its internal clients. Use it in try-with-resources.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GovernedConsumer<K, V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GovernedConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** How long one read-ahead poll waits for records while the batch in hand is still being prepared. */
    private static final Duration READ_AHEAD_WAIT = Duration.ofMillis(1);
    /** How long {@link #close()} waits for a running loop to finish its record and commit. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final RecordHandler<K, V> handler;
    private final DataContract contract;
    /** Deserializes and checks each record, on the read-ahead thread or the polling thread. */
    private final RecordPreparer<K, V> recordPreparer;
    private final HandlerRetry retry;
    private final ConsumerTelemetry telemetry;
    private final TenantQuotas quotas;
    /** The consume quota's metrics, unregistered on close. */
    private final AutoCloseable quotaTelemetry;
    private final String groupId;
    private final Offsets offsets;
    private final TransientRetries transientRetries;
    /** Writes dead letters; null when records that fail stop the consumer. */
    private final DeadLetterWriter deadLetters;
    /** Prepares (deserializes and checks) the batch read ahead; null without read-ahead. */
    private final ExecutorService preparer;
    /** Finds the descriptors of lineage format 2 records, reading the descriptor topic on first need. */
    private final LineageDescriptors descriptors;
    private final DatasetEvents datasetEvents;
    private final List<DatasetUse> datasetUses;
    /** Held by the thread in {@link #run()} or {@link #pollOnce(Duration)}; {@link #close()} waits for it. */
    private final ReentrantLock polling = new ReentrantLock();
    private ReadBatch ahead;
    private volatile boolean stopRequested;
    private volatile boolean closing;
    private volatile boolean closed;

    private GovernedConsumer(Builder<K, V> builder) {
        this.handler = builder.handler;
        this.contract = builder.contract;
        this.quotas = builder.tenantPolicy == null || builder.tenantPolicy.consumeQuota().unlimited() ? null
                : TenantQuotas.consume(builder.tenantPolicy);
        this.retry = new HandlerRetry(builder.maxAttempts, builder.initialBackoff, builder.maxBackoff,
                builder.retryable);
        Map<String, Object> kafka = new HashMap<>(builder.kafkaProperties);
        kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        kafka.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        kafka.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        kafka.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        this.groupId = String.valueOf(kafka.get(ConsumerConfig.GROUP_ID_CONFIG));
        String deadLetterTopic = builder.deadLetterTopic();
        this.deadLetters = deadLetterTopic == null ? null : new DeadLetterWriter(deadLetterTopic, kafka,
                groupId + "-dead-letters", builder.deadLetterProducerProperties);
        this.telemetry = new ConsumerTelemetry(builder.openTelemetry, groupId,
                String.valueOf(kafka.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, groupId)), builder.tenant,
                contract == null ? "" : contract.subject(),
                contract == null ? Duration.ZERO : contract.serviceLevels().freshness());
        this.quotaTelemetry = quotas == null ? () -> { }
                : QuotaTelemetry.observe(builder.openTelemetry, ConsumerTelemetry.SCOPE, quotas);
        this.transientRetries = new TransientRetries(builder.transientBackoff, builder.maxTransientBackoff);
        this.offsets = new Offsets(transientRetries::forget);
        this.descriptors = LineageDescriptors.fromKafka(kafka, builder.descriptorTopic);
        this.recordPreparer = new RecordPreparer<>(builder.keyDeserializer, builder.valueDeserializer, contract,
                descriptors);
        this.consumer = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.offsets.bind(consumer);
        this.preparer = builder.readAhead ? Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "headwater-consumer-prepare-" + groupId);
            thread.setDaemon(true);
            return thread;
        }) : null;
        this.consumer.subscribe(builder.topics, offsets);
        this.datasetEvents = builder.datasetEvents;
        Object bootstrap = kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        this.datasetUses = builder.topics.stream().map(topic -> new DatasetUse(DatasetUse.Role.CONSUMER,
                builder.application, builder.applicationVersion, builder.tenant, groupId,
                bootstrap == null ? "" : String.valueOf(bootstrap), topic, contract)).toList();
        datasetUses.forEach(datasetEvents::started);
    }

    /**
     * Returns a builder.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return a new builder
     */
    public static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /**
     * Builds a consumer from one Kafka-style properties map: Kafka's consumer keys plus Headwater's
     * ({@code headwater.contract.file}, {@code headwater.tenant.policy.file}, {@code headwater.dead.letter.topic},
     * {@code schema.registry.url}, ... declared in {@link GovernedConsumerConfig#CONFIG_DEF}). Topics are
     * {@code headwater.topics}, or the contract's.
     *
     * @param properties the properties
     * @param keyDeserializer deserializes keys
     * @param valueDeserializer deserializes values; null to read wire-format Avro through the registry
     * @param handler handles each record
     * @param <K> the key type
     * @param <V> the value type
     * @return a new consumer, subscribed
     * @throws org.apache.kafka.common.config.ConfigException naming a bad or unknown Headwater key
     */
    public static <K, V> GovernedConsumer<K, V> fromProperties(Map<String, ?> properties,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, RecordHandler<K, V> handler) {
        Builder<K, V> builder = GovernedConsumerConfig.apply(properties, GovernedConsumer.<K, V>builder())
                .keyDeserializer(keyDeserializer).handler(handler);
        if (valueDeserializer != null) {
            builder.valueDeserializer(valueDeserializer);
        }
        return builder.build();
    }

    /**
     * Runs the poll loop until {@link #wakeup()} or {@link #close()} is called (from another thread, or from the
     * handler), then commits what finished and returns. When a record stops the consumer (no dead-letter topic, or
     * stop-on-error) the consumer is closed and the {@link ConsumerStoppedException} thrown.
     *
     * @throws ConsumerStoppedException when a record fails and there is no dead-letter topic
     * @throws IllegalStateException when the consumer is closed
     */
    public void run() {
        ensureOpen();
        polling.lock();
        boolean failed = true;
        try {
            while (!stopRequested) {
                poll(POLL_TIMEOUT);
            }
            offsets.commit();
            failed = false;
        } finally {
            stopRequested = false;
            try {
                if (failed || closing) {
                    release();
                }
            } finally {
                polling.unlock();
            }
        }
    }

    /**
     * Handles one batch of records (in order, per partition) and commits their offsets. With read-ahead (the default),
     * the batch handled is the one read by the previous call when there is one, and this call reads the next batch
     * without waiting for it, so that it is deserialized and checked while this one is handled; without, it is the
     * batch this call polls.
     *
     * @param timeout how long to wait for records when none were read ahead
     * @return how many records finished: handled or dead-lettered
     * @throws ConsumerStoppedException when a record fails and there is no dead-letter topic
     * @throws IllegalStateException when the consumer is closed
     */
    public int pollOnce(Duration timeout) {
        ensureOpen();
        polling.lock();
        try {
            return poll(timeout);
        } finally {
            try {
                if (closing && polling.getHoldCount() == 1) {
                    release(); // close() was called from the handler
                }
            } finally {
                polling.unlock();
            }
        }
    }

    private int poll(Duration timeout) {
        if (closing) {
            return 0;
        }
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
            ahead = closing ? null : read(Duration.ZERO);
            while (ahead == null && !current.prepared() && !closing) {
                ahead = read(READ_AHEAD_WAIT);
            }
        }
        if (quotas != null) {
            // taken for the batch about to be handled, not for the one read ahead
            takeQuota(current.polled());
        }
        try {
            return handle(current);
        } finally {
            offsets.commit();
        }
    }

    private int handle(ReadBatch batch) {
        try {
            batch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsumerStoppedException("Interrupted while waiting for records of " + batch.partitions()
                    + " to be deserialized; they were not handled or committed", e);
        }
        int done = 0;
        for (int p = 0; p < batch.partitions().size(); p++) {
            TopicPartition partition = batch.partitions().get(p);
            if (batch.skipped(partition) || offsets.revoked(partition)) {
                // given to another consumer while reading ahead: left uncommitted, for the new owner to handle
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> records = batch.records(p);
            Object[] prepared = batch.prepared(p);
            long[] createdAt = batch.createdAt(p);
            long next = -1;
            try {
                for (int i = 0; i < records.size() && !closing; i++) {
                    ConsumerRecord<byte[], byte[]> record = records.get(i);
                    if (prepared[i] instanceof RecordPreparer.Transient failure) {
                        transientRetries.retryLater(consumer, partition, record.offset(), failure.error());
                        telemetry.retried(record.topic());
                        if (ahead != null) {
                            ahead.skip(partition); // read past the record before the rewind: read again later
                        }
                        break;
                    }
                    if (!handle(record, prepared[i], createdAt[i])) {
                        break; // the consumer stopped during a retry back-off: neither handled nor committed
                    }
                    next = record.offset() + 1;
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
            batch.prepare(recordPreparer);
        } else {
            batch.prepareOn(preparer, recordPreparer);
        }
        return batch;
    }

    /** Waits for the tenant's consume quota (backpressure: a consumer cannot refuse what it polled), or a close. */
    private void takeQuota(ConsumerRecords<byte[], byte[]> records) {
        long bytes = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            bytes += Math.max(0, record.serializedValueSize()) + Math.max(0, record.serializedKeySize());
        }
        quotas.acquireOrWait(records.count(), bytes, () -> closing);
    }

    /**
     * Handles one record: its span, freshness, lineage context and handler (with retries), or its dead letter.
     *
     * @return true when the record finished (handled or dead-lettered); false when the consumer stopped during a
     *     retry back-off, leaving it unfinished
     */
    @SuppressWarnings("unchecked")
    private boolean handle(ConsumerRecord<byte[], byte[]> raw, Object prepared, long createdAt) {
        Span span = telemetry.startProcess(raw);
        // a span without a valid context (OpenTelemetry not installed) would change nothing the handler can see
        try (Scope ignored = span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop()) {
            if (createdAt >= 0) {
                telemetry.delay(raw.topic(), System.currentTimeMillis() - createdAt);
            }
            if (prepared instanceof RecordPreparer.Refusal refusal) {
                telemetry.failed(span, refusal.error());
                return deadLetterOrStop(raw, refusal.reason(), refusal.error(), refusal.violations());
            }
            GovernedRecord<K, V> record = (GovernedRecord<K, V>) prepared;
            // correlation and causation are read only if the handler produces a record
            LineageContext lineage = LineageContext.of(raw.topic(), raw.partition(), raw.offset(), raw.headers());
            try (LineageContext.Scope context = lineage.makeCurrent()) {
                retry.run(() -> handler.handle(record));
                telemetry.finished(raw.topic(), Math.max(0, raw.serializedValueSize()), false);
            } catch (HandlerRetry.Stopped stopped) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConsumerStoppedException("The handler was interrupted on the record at topic '"
                        + raw.topic() + "' partition " + raw.partition() + " offset " + raw.offset()
                        + "; it was not committed", e);
            } catch (Exception e) {
                telemetry.failed(span, e);
                return deadLetterOrStop(raw, "HANDLER", e, List.of());
            }
            return true;
        } finally {
            span.end();
        }
    }

    /** @return true when dead-lettered; false when the consumer is closing and the write was ended */
    private boolean deadLetterOrStop(ConsumerRecord<byte[], byte[]> raw, String reason, Throwable error,
            List<Violation> violations) {
        DeadLetterRecords.Reason why = new DeadLetterRecords.Reason(reason, error, violations,
                contract == null ? "" : contract.subject() + "@" + contract.version(), "", raw.topic(),
                raw.partition(), raw.offset(), groupId);
        if (deadLetters == null) {
            throw new ConsumerStoppedException("Record at " + why.where() + " failed (" + reason + "): "
                    + error.getMessage() + ". The consumer stopped without committing it; set deadLetterTopic(...) "
                    + "(or one in the contract) to set such records aside instead.", error);
        }
        try {
            deadLetters.write(raw, why);
        } catch (ConsumerStoppedException e) {
            if (closing) {
                return false; // close() ended the write: the record stays uncommitted for the next member
            }
            throw e;
        }
        telemetry.finished(raw.topic(), Math.max(0, raw.serializedValueSize()), true);
        return true;
    }

    /**
     * Asks a running loop to stop: {@link #run()} finishes the record in hand, commits and returns; a
     * {@link #pollOnce(Duration)} waiting for records returns at once. The consumer stays open. Thread safe.
     */
    public void wakeup() {
        stopRequested = true;
        consumer.wakeup();
    }

    /**
     * Closes the consumer. A loop running on another thread is stopped first: it finishes the record in hand and
     * commits (this waits for it, up to 30 seconds); a dead-letter write that is waiting is ended, and its record
     * stays uncommitted for the next member to read. Then what finished is committed and the consumer, its read-ahead
     * thread, its descriptor reader and its dead-letter producer are closed. Thread safe and idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        stopRequested = true;
        retry.stop();
        if (polling.isHeldByCurrentThread()) {
            return; // called from the handler: the loop releases everything when it returns
        }
        if (polling.isLocked()) {
            if (deadLetters != null) {
                deadLetters.abort();
            }
            consumer.wakeup();
        }
        boolean locked = false;
        try {
            locked = polling.tryLock(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            log.warn("The governed consumer's loop did not stop within {} after close(); it closes the consumer "
                    + "when its handler returns", CLOSE_WAIT);
            return;
        }
        try {
            release();
        } finally {
            polling.unlock();
        }
    }

    /** Commits what finished and releases everything; with {@link #polling} held. */
    private void release() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        try {
            offsets.commit();
        } catch (RuntimeException e) {
            log.warn("Could not commit the offsets of finished records while closing ({}); they are read again by "
                    + "the next member (at-least-once)", e.toString());
        } finally {
            ahead = null; // read ahead, never handled nor committed: the group reads it again
            if (preparer != null) {
                preparer.shutdownNow();
            }
            consumer.close();
            descriptors.close();
            if (deadLetters != null) {
                deadLetters.close();
            }
            datasetUses.forEach(datasetEvents::completed);
            datasetEvents.close();
            try {
                quotaTelemetry.close();
            } catch (Exception e) {
                log.debug("Could not unregister the tenant quota's metrics", e);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This governed consumer is closed; build a new one");
        }
    }

    /** @return the dead-letter topic records that fail go to, or empty when they stop the consumer */
    public java.util.Optional<String> deadLetterTopic() {
        return java.util.Optional.ofNullable(deadLetters).map(DeadLetterWriter::topic);
    }

    /**
     * Builds a {@link GovernedConsumer}. Not thread safe.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private Map<String, Object> kafkaProperties = Map.of();
        private Map<String, Object> deadLetterProducerProperties = Map.of();
        private Deserializer<K> keyDeserializer;
        private Deserializer<V> valueDeserializer;
        private List<String> topics = List.of();
        private RecordHandler<K, V> handler;
        private String deadLetterTopic;
        private DataContract contract;
        private SchemaRegistryClient registry;
        private boolean specificReader;
        private int maxAttempts = 1;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Duration transientBackoff = Duration.ofMillis(200);
        private Duration maxTransientBackoff = Duration.ofSeconds(30);
        private Predicate<Throwable> retryable = error -> !(error instanceof ContractViolationException);
        private OpenTelemetry openTelemetry;
        private String tenant = "";
        private TenantPolicy tenantPolicy;
        private DatasetEvents datasetEvents;
        private String application = "";
        private String applicationVersion = "";
        private boolean stopOnError;
        // on one CPU the two threads would only take turns
        private boolean readAhead = Runtime.getRuntime().availableProcessors() > 1;
        private String descriptorTopic = LineageDescriptors.DEFAULT_TOPIC;

        private Builder() {
        }

        /**
         * Sets the compacted topic lineage descriptors are read from (records in lineage format 2 refer to their
         * producer's descriptor there); the producers' setting must match.
         *
         * @param topic the topic; {@value LineageDescriptors#DEFAULT_TOPIC} by default
         * @return this builder
         */
        public Builder<K, V> lineageDescriptorTopic(String topic) {
            this.descriptorTopic = Objects.requireNonNull(topic, "topic");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("lineageDescriptorTopic must name a topic, was blank");
            }
            return this;
        }

        /**
         * Chooses whether the consumer reads ahead: reads the next batch before handling the one in hand and
         * deserializes it and checks its rules on a thread of its own meanwhile (key and value deserializers are then
         * called on that thread, one record at a time; the handler always runs on the polling thread). Records read
         * ahead from a partition that is revoked are left for its new owner, uncommitted. Without, each
         * {@link GovernedConsumer#pollOnce(Duration)} polls, then deserializes, checks and handles what came, all on
         * the polling thread.
         *
         * @param enabled true to read ahead; by default true when the JVM has more than one processor
         * @return this builder
         */
        public Builder<K, V> readAhead(boolean enabled) {
            this.readAhead = enabled;
            return this;
        }

        /**
         * Stops the loop at the first record that cannot be handled (after retries), leaving it uncommitted, instead of
         * dead-lettering it, even when a dead-letter topic (or the contract's) is set.
         *
         * @return this builder
         */
        public Builder<K, V> stopOnError() {
            this.stopOnError = true;
            return this;
        }

        /**
         * Puts the consumer inside a tenant's guardrails: subscribing to a topic the tenant may not read, or
         * dead-lettering to a topic it may not write, is refused with a {@link GuardrailViolationException} when the
         * consumer is built, and the tenant's consume quota (shared by all its consumers in the JVM) is taken per
         * batch, waiting when it is reached.
         *
         * @param policy the tenant's policy; also sets {@link #tenant(String)}
         * @return this builder
         */
        public Builder<K, V> tenantPolicy(TenantPolicy policy) {
            this.tenantPolicy = Objects.requireNonNull(policy, "policy");
            this.tenant = policy.tenant();
            return this;
        }

        /**
         * Reads values in the Confluent wire format through this registry (Avro, GenericRecord unless
         * {@link #specificAvroReader()}), instead of a value deserializer.
         *
         * @param url the registry URL(s)
         * @return this builder
         */
        public Builder<K, V> schemaRegistry(String url) {
            this.registry = SchemaRegistryClient.builder().urls(Objects.requireNonNull(url, "url")).build();
            return this;
        }

        /** @param client a configured registry client @return this builder */
        public Builder<K, V> schemaRegistry(SchemaRegistryClient client) {
            this.registry = Objects.requireNonNull(client, "client");
            return this;
        }

        /** @return this builder, reading values into generated SpecificRecord classes */
        public Builder<K, V> specificAvroReader() {
            this.specificReader = true;
            return this;
        }

        /**
         * Checks the contract's rules on every record read (violations are dead-lettered, or stop the consumer),
         * measures freshness against its objective, and uses its dead-letter topic unless another is set.
         *
         * @param contract the contract of the records read
         * @return this builder
         */
        public Builder<K, V> contract(DataContract contract) {
            this.contract = Objects.requireNonNull(contract, "contract");
            return this;
        }

        /**
         * Retries a failing handler before the record is dead-lettered (or the consumer stops), waiting between
         * attempts with exponential back-off of at most 10 seconds each.
         *
         * @param maxAttempts attempts in all, at least 1; default 1 (no retry)
         * @param initialBackoff wait before the second attempt, doubled each time
         * @return this builder
         */
        public Builder<K, V> retry(int maxAttempts, Duration initialBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("GovernedConsumer setting 'retry': maxAttempts must be at least 1, "
                        + "was " + maxAttempts);
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            if (initialBackoff.isNegative()) {
                throw new IllegalArgumentException("GovernedConsumer setting 'retry': initialBackoff must not be "
                        + "negative, was " + initialBackoff);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = initialBackoff;
            return this;
        }

        /**
         * Sets how long a partition waits before reading again a record that could not be read for a reason that is
         * not its own (the schema registry did not answer): {@code initial}, doubled each time up to {@code max}.
         *
         * @param initial the first wait; 200 ms by default
         * @param max the longest wait; 30 s by default
         * @return this builder
         */
        public Builder<K, V> transientRetryBackoff(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("GovernedConsumer setting 'transientRetryBackoff' needs 0 < initial "
                        + "<= max, was " + initial + " and " + max);
            }
            this.transientBackoff = initial;
            this.maxTransientBackoff = max;
            return this;
        }

        /**
         * Chooses which handler exceptions are retried; by default all but contract violations. Errors and
         * interruptions are never retried nor dead-lettered: they stop the loop without committing the record.
         *
         * @param retryable true for exceptions worth another attempt
         * @return this builder
         */
        public Builder<K, V> retryOn(Predicate<Throwable> retryable) {
            this.retryable = Objects.requireNonNull(retryable, "retryable");
            return this;
        }

        /** @param openTelemetry where spans and metrics go; {@link GlobalOpenTelemetry} by default @return this */
        public Builder<K, V> openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * Names the consuming application, for dataset lineage (the consumer group names the reader; the application
         * says which service it is).
         *
         * @param name the application's name
         * @param version its version, may be empty
         * @return this builder
         */
        public Builder<K, V> application(String name, String version) {
            this.application = Objects.requireNonNull(name, "name");
            this.applicationVersion = version == null ? "" : version;
            return this;
        }

        /**
         * Sets where the topics this consumer reads are reported, for dataset lineage and catalogs (such as
         * OpenLineage with {@code headwater-openlineage}). By default they are reported as the JVM's system properties
         * {@code headwater.lineage.openlineage.*} or OpenLineage's own configuration say, and not at all when neither
         * is set. The consumer closes them when it closes.
         *
         * @param events the dataset events
         * @return this builder
         */
        public Builder<K, V> datasetEvents(DatasetEvents events) {
            this.datasetEvents = Objects.requireNonNull(events, "events");
            return this;
        }

        /** @param tenant the tenant this consumer works for @return this builder */
        public Builder<K, V> tenant(String tenant) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        /**
         * Sets the Kafka consumer properties; {@code bootstrap.servers} and {@code group.id} are required. Auto commit
         * is always off: the consumer commits what it finished. Every internal client (the dead-letter producer, the
         * lineage descriptor reader) inherits the connection and security settings given here.
         *
         * @param properties Kafka consumer configuration; Headwater's {@code headwater.*} keys belong in
         *     {@link GovernedConsumer#fromProperties}
         * @return this builder
         * @throws IllegalArgumentException naming a {@code headwater.*} key given here
         */
        public Builder<K, V> kafkaProperties(Map<String, ?> properties) {
            HeadwaterProperties.refuseHeadwaterKeys(Objects.requireNonNull(properties, "properties"),
                    "GovernedConsumer");
            this.kafkaProperties = Map.copyOf(properties);
            return this;
        }

        /**
         * Sets settings of the dead-letter producer that win over those it inherits from the consumer (connection and
         * security settings are inherited; {@code acks=all} and idempotence are its defaults), such as a larger
         * {@code max.request.size} or a {@code transactional.id}-free {@code client.dns.lookup}.
         *
         * @param properties Kafka producer settings
         * @return this builder
         */
        public Builder<K, V> deadLetterProducerProperties(Map<String, ?> properties) {
            this.deadLetterProducerProperties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
            return this;
        }

        /** @param deserializer deserializes keys @return this builder */
        public Builder<K, V> keyDeserializer(Deserializer<K> deserializer) {
            this.keyDeserializer = Objects.requireNonNull(deserializer, "keyDeserializer");
            return this;
        }

        /** @param deserializer deserializes values @return this builder */
        public Builder<K, V> valueDeserializer(Deserializer<V> deserializer) {
            this.valueDeserializer = Objects.requireNonNull(deserializer, "valueDeserializer");
            return this;
        }

        /** @param topics the topics to subscribe to @return this builder */
        public Builder<K, V> topics(String... topics) {
            this.topics = List.of(topics);
            return this;
        }

        /** @param handler handles each record @return this builder */
        public Builder<K, V> handler(RecordHandler<K, V> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Sets aside records that fail in this topic instead of stopping.
         *
         * @param topic the dead-letter topic
         * @return this builder
         */
        public Builder<K, V> deadLetterTopic(String topic) {
            this.deadLetterTopic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** @return the dead-letter topic in effect: none with stop-on-error, else the one set, else the contract's */
        private String deadLetterTopic() {
            if (stopOnError) {
                return null;
            }
            if (deadLetterTopic != null) {
                return deadLetterTopic;
            }
            return contract != null && !contract.deadLetterTopic().isEmpty() ? contract.deadLetterTopic() : null;
        }

        /**
         * Builds the consumer and subscribes it.
         *
         * @return a new consumer
         * @throws IllegalArgumentException naming the missing or conflicting setting
         * @throws GuardrailViolationException when the tenant may not read a topic or write the dead-letter topic
         */
        public GovernedConsumer<K, V> build() {
            for (String key : List.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConsumerConfig.GROUP_ID_CONFIG)) {
                if (!kafkaProperties.containsKey(key)) {
                    throw new IllegalArgumentException("Kafka property '" + key + "' is required: pass it in "
                            + "kafkaProperties(...)");
                }
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("GovernedConsumer setting 'topics' is required: call topics(...)");
            }
            if (tenantPolicy != null) {
                topics.forEach(tenantPolicy::checkRead);
                String deadLetters = deadLetterTopic();
                if (deadLetters != null) {
                    tenantPolicy.checkWrite(deadLetters);
                }
            }
            if (keyDeserializer == null || handler == null) {
                throw new IllegalArgumentException("GovernedConsumer settings 'keyDeserializer' and 'handler' are "
                        + "required");
            }
            checkRetriesFitThePollInterval();
            if (valueDeserializer == null) {
                if (registry == null) {
                    throw new IllegalArgumentException("GovernedConsumer needs a 'valueDeserializer' or a "
                            + "'schemaRegistry' to read wire-format Avro values");
                }
                valueDeserializer = avroValues();
            }
            if (openTelemetry == null) {
                openTelemetry = GlobalOpenTelemetry.get();
            }
            if (datasetEvents == null) {
                datasetEvents = DatasetEvents.configure(Map.of());
            }
            return new GovernedConsumer<>(this);
        }

        /**
         * Refuses retries whose back-offs alone could outlast {@code max.poll.interval.ms}: the group would then take
         * the partitions away while the loop waits, and the retried record would be handled twice.
         */
        private void checkRetriesFitThePollInterval() {
            Object configured = kafkaProperties.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
            long interval = configured == null ? 300_000 : Long.parseLong(configured.toString());
            Duration worst = HandlerRetry.worstCaseWait(maxAttempts, initialBackoff, maxBackoff);
            if (worst.toMillis() >= interval / 2) {
                throw new IllegalArgumentException("GovernedConsumer setting 'retry': " + maxAttempts + " attempts "
                        + "starting at " + initialBackoff + " can wait " + worst + " for one record, more than half of "
                        + ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG + " (" + interval + " ms): the group would take "
                        + "the partition away meanwhile. Use fewer attempts or a shorter back-off, or raise "
                        + ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
            }
        }

        @SuppressWarnings("unchecked")
        private Deserializer<V> avroValues() {
            AvroSerdeConfig config = AvroSerdeConfig.builder()
                    .urls(registry.urls().stream().map(Object::toString).toArray(String[]::new))
                    .specificAvroReader(specificReader).build();
            return (Deserializer<V>) new AvroDeserializer<Object>(registry, config, false);
        }
    }
}
