package dev.headwater.consumer;

import dev.headwater.consumer.internal.HandlerRetry;
import dev.headwater.consumer.internal.Offsets;
import dev.headwater.consumer.internal.RecordLoop;
import dev.headwater.consumer.internal.TransientRetries;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.governance.HeadwaterClientBuilder;
import dev.headwater.governance.ReadBuilder;
import dev.headwater.governance.ReadPipeline;
import dev.headwater.tenant.GuardrailViolationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer that runs the poll loop for the application: poll, let the {@link ReadPipeline} prepare each record
 * (decode, read rules, lineage), hand it to the {@link RecordHandler} inside the pipeline's handling (span, lineage
 * context, freshness), and commit. The same pipeline governs Spring listeners and the consumer interceptor, so every
 * route gives the same outcome. Offsets are committed only for records whose handling finished (handled or
 * dead-lettered), so processing is at-least-once and no record is skipped.
 *
 * <p>A record that cannot be deserialized, breaks the contract's read rules, or whose handler still fails after its
 * retries goes to the dead-letter topic, when one is set, with its original key, value and headers byte for byte plus
 * {@link dev.headwater.deadletter.DeadLetterHeaders}; then the loop goes on. Without a dead-letter topic (or with {@link Builder#stopOnError()})
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
    /** How long {@link #close()} waits for a running loop to finish its record and commit. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final Consumer<byte[], byte[]> consumer;
    private final ReadPipeline pipeline;
    /** The first topic subscribed to: with one contract, every topic's refused records go to the same place. */
    private final String topic;
    private final HandlerRetry retry;
    private final Offsets offsets;
    private final RecordLoop<K, V> loop;
    /** Prepares (deserializes and checks) the batch read ahead; null without read-ahead. */
    private final ExecutorService preparer;
    /** Held by the thread in {@link #run()} or {@link #pollOnce(Duration)}; {@link #close()} waits for it. */
    private final ReentrantLock polling = new ReentrantLock();
    private volatile boolean stopRequested;
    private volatile boolean closing;
    private volatile boolean closed;
    /** The gauge of this consumer's lag; closed with it. */
    private final AutoCloseable lagReport;

    private GovernedConsumer(Builder<K, V> builder, Map<String, Object> kafka) {
        String group = String.valueOf(kafka.get(ConsumerConfig.GROUP_ID_CONFIG));
        this.topic = builder.topics.get(0);
        this.retry = new HandlerRetry(builder.maxAttempts, builder.initialBackoff, builder.maxBackoff,
                builder.retryable);
        TransientRetries transientRetries = new TransientRetries(builder.transientBackoff,
                builder.maxTransientBackoff);
        this.offsets = new Offsets(transientRetries::forget);
        this.pipeline = builder.pipeline(kafka);
        try {
            pipeline.reading(group, builder.topics); // the tenant's guardrail, before anything is read
            this.consumer = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        this.offsets.bind(consumer);
        this.preparer = builder.readAhead ? Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "headwater-consumer-prepare-" + group);
            thread.setDaemon(true);
            return thread;
        }) : null;
        ReadPipeline.Member member = pipeline.member(group, RecordLoop.clientIdOf(consumer, group));
        this.loop = new RecordLoop<>(consumer, pipeline, member, builder.handler, retry, transientRetries, offsets,
                preparer, () -> closing);
        this.lagReport = member.observeLag(this::lag);
        this.consumer.subscribe(builder.topics, offsets);
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
        try {
            return loop.poll(timeout);
        } finally {
            offsets.commit();
        }
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
            loop.abort();
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
            loop.dropReadAhead();
            if (preparer != null) {
                preparer.shutdownNow();
            }
            try {
                lagReport.close();
            } catch (Exception e) {
                log.debug("Could not stop reporting the consumer's lag", e);
            }
            try {
                consumer.close();
            } finally {
                pipeline.close();
            }
        }
    }

    /** @return the lag per partition as Kafka's consumer last measured it ({@code records-lag}), from its metrics */
    private Map<org.apache.kafka.common.TopicPartition, Long> lag() {
        Map<org.apache.kafka.common.TopicPartition, Long> lag = new java.util.HashMap<>();
        if (closed) {
            return lag;
        }
        consumer.metrics().forEach((name, metric) -> {
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && name.tags().containsKey("topic") && name.tags().containsKey("partition")
                    && metric.metricValue() instanceof Double value && !value.isNaN()) {
                lag.put(new org.apache.kafka.common.TopicPartition(name.tags().get("topic"),
                        Integer.parseInt(name.tags().get("partition"))), value.longValue());
            }
        });
        return lag;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This governed consumer is closed; build a new one");
        }
    }

    /**
     * @return where records that fail go (the dead-letter topic set, else the contract's), or empty when they stop
     *     the consumer
     */
    public Optional<String> deadLetterTopic() {
        return pipeline.deadLetterTopic(topic);
    }

    /**
     * Builds a {@link GovernedConsumer}: the settings every governed client takes ({@link HeadwaterClientBuilder}),
     * those of every consuming route ({@link ReadBuilder}), and the poll loop's. Not thread safe.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> extends ReadBuilder<Builder<K, V>> {
        private Deserializer<K> keyDeserializer;
        private Deserializer<V> valueDeserializer;
        private List<String> topics = List.of();
        private RecordHandler<K, V> handler;
        private int maxAttempts = 1;
        private Duration initialBackoff = Duration.ofMillis(100);
        private final Duration maxBackoff = Duration.ofSeconds(10);
        private Duration transientBackoff = Duration.ofMillis(200);
        private Duration maxTransientBackoff = Duration.ofSeconds(30);
        private Predicate<Throwable> retryable = error -> !(error instanceof ContractViolationException);
        // on one CPU the two threads would only take turns
        private boolean readAhead = Runtime.getRuntime().availableProcessors() > 1;

        private Builder() {
            super("GovernedConsumer");
        }

        /**
         * Chooses whether the consumer reads ahead: reads the next batch before handling the one in hand and prepares
         * it (deserializers and read rules) on a thread of its own meanwhile; the handler always runs on the polling
         * thread. Records read ahead from a partition that is revoked are left for its new owner, uncommitted.
         *
         * @param enabled true to read ahead; by default true when the JVM has more than one processor
         * @return this builder
         */
        public Builder<K, V> readAhead(boolean enabled) {
            this.readAhead = enabled;
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
            if (Objects.requireNonNull(initialBackoff, "initialBackoff").isNegative()) {
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

        /** @param deserializer deserializes keys @return this builder */
        public Builder<K, V> keyDeserializer(Deserializer<K> deserializer) {
            this.keyDeserializer = Objects.requireNonNull(deserializer, "keyDeserializer");
            return this;
        }

        /**
         * @param deserializer deserializes values; without one, values are read as wire-format Avro through the
         *     schema registry
         * @return this builder
         */
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

        private ReadPipeline pipeline(Map<String, Object> kafka) {
            String group = String.valueOf(kafka.get(ConsumerConfig.GROUP_ID_CONFIG));
            Object clientId = kafka.get(ConsumerConfig.CLIENT_ID_CONFIG);
            return buildPipeline(kafka, clientId == null ? group : clientId.toString(), keyDeserializer,
                    valueDeserializer);
        }

        /**
         * Builds the consumer and subscribes it.
         *
         * @return a new consumer
         * @throws IllegalArgumentException naming the missing or conflicting setting
         * @throws GuardrailViolationException when the tenant may not read a topic or write the dead-letter topic
         */
        public GovernedConsumer<K, V> build() {
            requireKafkaProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
            requireKafkaProperty(ConsumerConfig.GROUP_ID_CONFIG);
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("GovernedConsumer setting 'topics' is required: call topics(...)");
            }
            if (contracts().size() > 1) {
                throw new IllegalArgumentException("GovernedConsumer enforces one contract; use one consumer per "
                        + "contract");
            }
            require(keyDeserializer, "keyDeserializer");
            require(handler, "handler");
            HandlerRetry.checkFits(maxAttempts, initialBackoff, maxBackoff, kafkaProperties());
            Map<String, Object> kafka = new HashMap<>(kafkaProperties());
            kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            kafka.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            kafka.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
            kafka.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
            return new GovernedConsumer<>(this, kafka);
        }
    }
}
