package dev.headwater.consumer;

import dev.headwater.consumer.internal.ConsumerTelemetry;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.QuotaExceededException;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TenantQuotas;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka consumer that runs the poll loop for the application: poll, deserialize, hand each record with its lineage to
 * the {@link RecordHandler}, and commit. Offsets are committed only for records whose handling finished (handled or
 * dead-lettered), so processing is at-least-once and no record is skipped.
 *
 * <p>A record that cannot be deserialized or handled goes to the dead-letter topic, when one is set, with its original
 * key, value and headers byte for byte plus {@link DeadLetterHeaders}; then the loop goes on. Without a dead-letter topic
 * the loop stops with a {@link ConsumerStoppedException} and the record stays uncommitted.
 *
 * <p>Read-ahead: by default (with more than one processor) the consumer reads the next batch before handling the one
 * in hand, and a thread of its own deserializes it and checks its rules meanwhile, so that this work does not hold up
 * the handler. Records read ahead are not committed until handled; those of a partition revoked meanwhile are left to
 * its new owner. The key and value deserializers then run on that thread (one record at a time), the handler always on
 * the polling thread.
 * {@link Builder#readAhead(boolean) readAhead(false)} does everything on the polling thread.
 *
 * <p>Thread safety: {@link #run()} and {@link #pollOnce(Duration)} must be called from one thread;
 * {@link #close()} may be called from any thread and makes a running loop finish the record in hand, commit and return.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GovernedConsumer<K, V> implements AutoCloseable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** How long one read-ahead poll waits for records while the batch in hand is still being prepared. */
    private static final Duration READ_AHEAD_WAIT = Duration.ofMillis(1);

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final RecordHandler<K, V> handler;
    private final String deadLetterTopic;
    private final DataContract contract;
    private final ContractValidator validator;
    private final Retry retry;
    private final ConsumerTelemetry telemetry;
    private final TenantQuotas quotas;
    private final String groupId;
    private final Map<String, Object> producerProperties;
    /** Finds the descriptors of lineage format 2 records, reading the descriptor topic on first need. */
    private final LineageDescriptors descriptors;
    private final Map<TopicPartition, OffsetAndMetadata> finished = new HashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Prepares (deserializes and checks) the batch read ahead; null without read-ahead. */
    private final ExecutorService preparer;
    /** Partitions revoked or lost during the last read-ahead: their records in the batch in hand are not handled. */
    private final Set<TopicPartition> revoked = new HashSet<>();
    private Batch ahead;
    private Producer<byte[], byte[]> deadLetterProducer;
    private boolean closed;

    private GovernedConsumer(Builder<K, V> builder) {
        this.keyDeserializer = builder.keyDeserializer;
        this.valueDeserializer = builder.valueDeserializer;
        this.handler = builder.handler;
        this.contract = builder.contract;
        this.validator = contract == null ? null : contract.readValidator();
        this.deadLetterTopic = builder.stopOnError ? null : builder.deadLetterTopic != null ? builder.deadLetterTopic
                : contract != null && !contract.deadLetterTopic().isEmpty() ? contract.deadLetterTopic() : null;
        this.quotas = builder.tenantPolicy == null || builder.tenantPolicy.consumeQuota().unlimited() ? null
                : TenantQuotas.consume(builder.tenantPolicy);
        // without retries the handler is called directly: no per-record retry context
        this.retry = builder.maxAttempts == 1 ? null : Retry.of("governed-consumer", RetryConfig.custom()
                .maxAttempts(builder.maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(builder.initialBackoff, 2.0))
                .retryOnException(builder.retryable)
                .build());
        Map<String, Object> kafka = new HashMap<>(builder.kafkaProperties);
        kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        kafka.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.groupId = String.valueOf(kafka.get(ConsumerConfig.GROUP_ID_CONFIG));
        this.producerProperties = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, groupId + "-dead-letters");
        this.telemetry = new ConsumerTelemetry(builder.openTelemetry, groupId,
                String.valueOf(kafka.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, groupId)), builder.tenant,
                contract == null ? "" : contract.subject(),
                contract == null ? Duration.ZERO : contract.serviceLevels().freshness());
        kafka.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        kafka.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        this.descriptors = LineageDescriptors.fromKafka(kafka, builder.descriptorTopic);
        this.consumer = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.preparer = builder.readAhead ? Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "headwater-consumer-prepare-" + groupId);
            thread.setDaemon(true);
            return thread;
        }) : null;
        this.consumer.subscribe(builder.topics, new CommitOnRevoke());
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
     * Runs the poll loop until {@link #close()} is called from another thread, then commits and closes the consumer.
     *
     * @throws ConsumerStoppedException when a record fails and there is no dead-letter topic
     */
    public void run() {
        try {
            while (!closing.get()) {
                pollOnce(POLL_TIMEOUT);
            }
        } finally {
            closeNow();
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
     */
    public int pollOnce(Duration timeout) {
        Batch current = ahead;
        ahead = null;
        if (current == null) {
            current = read(timeout);
            if (current == null) {
                return 0;
            }
        }
        revoked.clear();
        if (preparer != null) {
            // the next batch, read now, is prepared on the other thread while this one is handled; while this one
            // is still being prepared there is time to wait for the next to arrive, and no longer
            ahead = closing.get() ? null : read(Duration.ZERO);
            while (ahead == null && !current.prepared() && !closing.get()) {
                ahead = read(READ_AHEAD_WAIT);
            }
        }
        if (quotas != null) {
            // taken for the batch about to be handled, not for the one read ahead
            takeQuota(current.polled);
        }
        int done = 0;
        try {
            current.await();
            for (int p = 0; p < current.partitions.size(); p++) {
                TopicPartition partition = current.partitions.get(p);
                if (revoked.contains(partition)) {
                    // given to another consumer while reading ahead: left uncommitted, for the new owner to handle
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> records = current.records.get(p);
                Object[] prepared = current.prepared.get(p);
                long[] createdAt = current.createdAt.get(p);
                long next = -1;
                try {
                    for (int i = 0; i < records.size(); i++) {
                        ConsumerRecord<byte[], byte[]> record = records.get(i);
                        handle(record, prepared[i], createdAt[i]);
                        next = record.offset() + 1;
                        done++;
                    }
                } finally {
                    // the offset after the last record whose handling finished, even when a later one stopped the loop
                    if (next >= 0) {
                        finished.put(partition, new OffsetAndMetadata(next));
                    }
                }
            }
        } finally {
            commitFinished();
        }
        return done;
    }

    /** Polls and starts preparing what came (on the preparer, or here without read-ahead); null if nothing came. */
    private Batch read(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return null;
        }
        if (records.isEmpty()) {
            return null;
        }
        Batch batch = new Batch(records);
        if (preparer == null) {
            batch.prepare();
        } else {
            batch.preparing = preparer.submit(batch::prepare);
        }
        return batch;
    }

    /**
     * The records of one poll and, per record, what preparing it gave: the deserialized record, or why it is refused.
     * Prepared on one thread (the preparer or the polling thread), read by the polling thread after {@link #await()}.
     */
    private final class Batch {
        final ConsumerRecords<byte[], byte[]> polled;
        final List<TopicPartition> partitions;
        final List<List<ConsumerRecord<byte[], byte[]>>> records;
        final List<Object[]> prepared;
        /** Per record, its creation time from the lineage headers (epoch ms), or -1. */
        final List<long[]> createdAt;
        Future<?> preparing;

        Batch(ConsumerRecords<byte[], byte[]> polled) {
            this.polled = polled;
            this.partitions = List.copyOf(polled.partitions());
            this.records = new ArrayList<>(partitions.size());
            this.prepared = new ArrayList<>(partitions.size());
            this.createdAt = new ArrayList<>(partitions.size());
            for (TopicPartition partition : partitions) {
                List<ConsumerRecord<byte[], byte[]>> part = polled.records(partition);
                records.add(part);
                prepared.add(new Object[part.size()]);
                createdAt.add(new long[part.size()]);
            }
        }

        void prepare() {
            for (int p = 0; p < partitions.size(); p++) {
                List<ConsumerRecord<byte[], byte[]>> part = records.get(p);
                Object[] results = prepared.get(p);
                long[] created = createdAt.get(p);
                for (int i = 0; i < results.length; i++) {
                    ConsumerRecord<byte[], byte[]> record = part.get(i);
                    results[i] = GovernedConsumer.this.prepare(record);
                    created[i] = Lineage.createdAtMillis(record);
                }
            }
        }

        boolean prepared() {
            return preparing == null || preparing.isDone();
        }

        void await() {
            if (preparing == null) {
                return;
            }
            try {
                preparing.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConsumerStoppedException("Interrupted while waiting for records of "
                        + partitions + " to be deserialized; they were not handled or committed", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new ConsumerStoppedException("Preparing records of " + partitions + " failed unexpectedly: "
                        + e.getCause() + "; they were not handled or committed", e.getCause());
            }
        }
    }

    /** Why a record cannot be handled, found while preparing it. */
    private record Refusal(String reason, RuntimeException error, String violations) {
    }

    /**
     * Waits for the tenant's consume quota (backpressure: the consume quota always blocks, see
     * {@link TenantQuotas#consume}), trying again after each wait until the consumer closes.
     */
    private void takeQuota(ConsumerRecords<byte[], byte[]> records) {
        long bytes = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            bytes += Math.max(0, record.serializedValueSize()) + Math.max(0, record.serializedKeySize());
        }
        while (true) {
            try {
                quotas.acquire(records.count(), bytes);
                return;
            } catch (QuotaExceededException e) {
                if (closing.get()) {
                    return;
                }
            }
        }
    }

    /**
     * Deserializes a record and checks the contract's read rules: a {@link GovernedRecord}, or the {@link Refusal}
     * that sends it to the dead-letter topic. Runs on the preparing thread; touches nothing the polling thread uses.
     */
    private Object prepare(ConsumerRecord<byte[], byte[]> raw) {
        GovernedRecord<K, V> record;
        try {
            record = deserialize(raw);
        } catch (RuntimeException e) {
            return new Refusal("DESERIALIZATION", e, "");
        }
        if (validator != null) {
            List<Violation> violations = validator.validate(record.value());
            if (!violations.isEmpty()) {
                return new Refusal("CONTRACT_VIOLATION", new ContractViolationException(raw.topic(),
                        contract.subject(), contract.version(), violations),
                        violations.stream().map(Violation::toString).collect(Collectors.joining("\n")));
            }
        }
        return record;
    }

    @SuppressWarnings("unchecked")
    private void handle(ConsumerRecord<byte[], byte[]> raw, Object prepared, long createdAt) {
        Span span = telemetry.startProcess(raw);
        // a span without a valid context (OpenTelemetry not installed) would change nothing the handler can see
        try (Scope ignored = span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop()) {
            if (createdAt >= 0) {
                telemetry.delay(raw.topic(), System.currentTimeMillis() - createdAt);
            }
            if (prepared instanceof Refusal refusal) {
                telemetry.failed(span, refusal.error());
                deadLetterOrStop(raw, refusal.reason(), refusal.error(), refusal.violations());
                return;
            }
            GovernedRecord<K, V> record = (GovernedRecord<K, V>) prepared;
            // correlation and causation are read only if the handler produces a record
            LineageContext lineage = LineageContext.of(raw.topic(), raw.partition(), raw.offset(), raw.headers());
            try (LineageContext.Scope context = lineage.makeCurrent()) {
                if (retry == null) {
                    handler.handle(record);
                } else {
                    Retry.decorateCheckedRunnable(retry, () -> handler.handle(record)).run();
                }
                telemetry.finished(raw.topic(), false);
            } catch (Throwable e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (e instanceof Error error && !(e instanceof AssertionError)) {
                    throw error;
                }
                telemetry.failed(span, e);
                deadLetterOrStop(raw, "HANDLER", e, "");
            }
        } finally {
            span.end();
        }
    }

    private GovernedRecord<K, V> deserialize(ConsumerRecord<byte[], byte[]> raw) {
        Headers headers = raw.headers();
        K key = keyDeserializer.deserialize(raw.topic(), headers, raw.key());
        V value = valueDeserializer.deserialize(raw.topic(), headers, raw.value());
        return new GovernedRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), key, value,
                headers, descriptors);
    }

    private void deadLetterOrStop(ConsumerRecord<byte[], byte[]> raw, String reason, Throwable error,
            String violations) {
        String where = "topic '" + raw.topic() + "' partition " + raw.partition() + " offset " + raw.offset();
        if (deadLetterTopic == null) {
            throw new ConsumerStoppedException("Record at " + where + " failed (" + reason + "): " + error.getMessage()
                    + ". The consumer stopped without committing it; set deadLetterTopic(...) (or one in the "
                    + "contract) to set such records aside instead.", error);
        }
        Headers headers = new RecordHeaders(raw.headers().toArray());
        DeadLetterRecords.put(headers, DeadLetterHeaders.REASON, reason);
        DeadLetterRecords.put(headers, DeadLetterHeaders.ERROR_CLASS, error.getClass().getName());
        DeadLetterRecords.put(headers, DeadLetterHeaders.ERROR_MESSAGE, String.valueOf(error.getMessage()));
        DeadLetterRecords.put(headers, DeadLetterHeaders.SOURCE_TOPIC, raw.topic());
        DeadLetterRecords.put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(raw.partition()));
        DeadLetterRecords.put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(raw.offset()));
        DeadLetterRecords.put(headers, DeadLetterHeaders.CONSUMER_GROUP, groupId);
        DeadLetterRecords.put(headers, DeadLetterHeaders.TIME, Instant.now().toString());
        if (!violations.isEmpty()) {
            DeadLetterRecords.put(headers, DeadLetterHeaders.VIOLATIONS, violations);
            DeadLetterRecords.put(headers, DeadLetterHeaders.CONTRACT, contract.subject() + "@" + contract.version());
        }
        try {
            deadLetters().send(new ProducerRecord<>(deadLetterTopic, null, raw.key(), raw.value(), headers)).get();
            telemetry.finished(raw.topic(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsumerStoppedException("Interrupted while dead-lettering the record at " + where, e);
        } catch (ExecutionException e) {
            throw new ConsumerStoppedException("Could not write the record at " + where + " to dead-letter topic '"
                    + deadLetterTopic + "': " + e.getCause().getMessage() + ". It was not committed.", e.getCause());
        }
    }

    private Producer<byte[], byte[]> deadLetters() {
        if (deadLetterProducer == null) {
            deadLetterProducer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(),
                    new ByteArraySerializer());
        }
        return deadLetterProducer;
    }

    private void commitFinished() {
        if (!finished.isEmpty()) {
            try {
                consumer.commitSync(Map.copyOf(finished));
            } catch (RebalanceInProgressException e) {
                // kept: committed after the next poll completes the rebalance, or when the partitions are revoked
                return;
            }
            finished.clear();
        }
    }

    /**
     * Stops the loop. Called from another thread while {@link #run()} is running, it wakes the consumer up; the loop
     * finishes the record in hand, commits and closes. Called when no loop runs, it commits and closes now.
     */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            consumer.wakeup();
        }
    }

    /**
     * Closes the consumer from the thread that polls it: commits what finished and releases the connections. Use it
     * after {@link #pollOnce(Duration)}; {@link #run()} does it itself.
     */
    public void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        closing.set(true);
        try {
            commitFinished();
        } catch (WakeupException e) {
            commitFinished();
        } finally {
            ahead = null; // read ahead, never handled nor committed: the group reads it again
            if (preparer != null) {
                preparer.shutdownNow();
            }
            consumer.close();
            descriptors.close();
            if (deadLetterProducer != null) {
                deadLetterProducer.close();
            }
        }
    }

    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitFinished();
            // no longer ours, even if that commit was refused: a later commit must not move their offsets back
            partitions.forEach(finished::remove);
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // owned by another member already: their offsets cannot be committed, the new owner handles them again
            partitions.forEach(finished::remove);
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    /**
     * Builds a {@link GovernedConsumer}. Not thread safe.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private Map<String, Object> kafkaProperties = Map.of();
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
        private Predicate<Throwable> retryable = error -> !(error instanceof ContractViolationException);
        private OpenTelemetry openTelemetry;
        private String tenant = "";
        private TenantPolicy tenantPolicy;
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
         * Puts the consumer inside a tenant's guardrails: subscribing to a topic the tenant may not read is refused
         * with a {@link GuardrailViolationException} when the consumer is built, and the tenant's consume quota (shared
         * by all its consumers in the JVM) is taken per batch, waiting when it is reached.
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
         * Retries a failing handler before the record is dead-lettered (or the consumer stops).
         *
         * @param maxAttempts attempts in all, at least 1; default 1 (no retry)
         * @param initialBackoff wait before the second attempt, doubled each time
         * @return this builder
         */
        public Builder<K, V> retry(int maxAttempts, Duration initialBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * Chooses which handler exceptions are retried; by default all but contract violations.
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

        /** @param tenant the tenant this consumer works for @return this builder */
        public Builder<K, V> tenant(String tenant) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            return this;
        }

        /**
         * Sets the Kafka consumer properties; {@code bootstrap.servers} and {@code group.id} are required. Auto commit
         * is always off: the consumer commits what it finished.
         *
         * @param properties Kafka consumer configuration
         * @return this builder
         */
        public Builder<K, V> kafkaProperties(Map<String, ?> properties) {
            this.kafkaProperties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
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

        /**
         * Builds the consumer and subscribes it.
         *
         * @return a new consumer
         * @throws IllegalArgumentException naming the missing setting when one is required
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
            }
            if (keyDeserializer == null || handler == null) {
                throw new IllegalArgumentException("GovernedConsumer settings 'keyDeserializer' and 'handler' are "
                        + "required");
            }
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
            return new GovernedConsumer<>(this);
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
