package dev.headwater.spring.kafka;

import dev.headwater.governance.Read;
import dev.headwater.governance.ReadPipeline;
import dev.headwater.governance.RecordRefusedException;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Spring Kafka's route to the {@link ReadPipeline}: listener containers read key and value as bytes, and before a
 * {@code @KafkaListener} method is called the pipeline prepares the record (decode, read rules) and begins its handling
 * (a CONSUMER span {@code process {topic}} continuing the producer's trace, the record's lineage context, freshness);
 * the listener gets the decoded record, and after it all is ended. A refused record throws a
 * {@link RecordRefusedException}, so that Spring's error handler ({@link GovernedDeadLetters}) dead-letters it as it
 * was read; one that cannot be read now (the registry did not answer) throws the transient failure, which the error
 * handler retries. Thread safe: each container thread keeps its own record in hand.
 */
public final class GovernedRecordInterceptor implements RecordInterceptor<Object, Object> {

    private final ReadPipeline pipeline;
    private final ThreadLocal<ReadPipeline.Handling> inHand = new ThreadLocal<>();
    /** The client id of each container's consumer, read from its metrics once. */
    private final Map<Consumer<?, ?>, String> clientIds = new WeakHashMap<>();

    /** @param pipeline governs each record */
    public GovernedRecordInterceptor(ReadPipeline pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    @Override
    @SuppressWarnings("unchecked")
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
            Consumer<Object, Object> consumer) {
        ConsumerRecord<byte[], byte[]> raw = bytes(record);
        ReadPipeline.Member member = member(consumer);
        // the tenant's consume quota: the container thread waits, as a governed consumer's loop does
        member.awaitQuota(1, Math.max(0, raw.serializedKeySize()) + Math.max(0, raw.serializedValueSize()),
                () -> Thread.currentThread().isInterrupted());
        Read read = pipeline.prepare(raw);
        if (read.outcome() == Read.Outcome.TRANSIENT) {
            member.retried(raw.topic());
            throw read.error(); // the error handler reads it again, with back-off, until the registry answers
        }
        ReadPipeline.Handling handling = member.begin(read);
        if (read.outcome() == Read.Outcome.REFUSED) {
            handling.close();
            throw new RecordRefusedException(read);
        }
        inHand.set(handling);
        return read.decoded();
    }

    /** The member of the listener's group, on the container thread that knows it. */
    ReadPipeline.Member member(Consumer<?, ?> consumer) {
        String clientId;
        synchronized (clientIds) {
            clientId = clientIds.computeIfAbsent(consumer, c -> GovernedDeadLetters.clientIdOf(c));
        }
        String group = KafkaUtils.getConsumerGroupId();
        return pipeline.member(group == null ? "" : group, clientId);
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecord<byte[], byte[]> bytes(ConsumerRecord<Object, Object> record) {
        if (record.value() != null && !(record.value() instanceof byte[])
                || record.key() != null && !(record.key() instanceof byte[])) {
            throw new IllegalStateException("Headwater governs listeners whose containers read keys and values as "
                    + "bytes (its consumer factory customizer sets ByteArrayDeserializer and decodes them itself); "
                    + "this container's consumer factory was configured otherwise");
        }
        return (ConsumerRecord<byte[], byte[]>) (ConsumerRecord<?, ?>) record;
    }

    @Override
    public void failure(ConsumerRecord<Object, Object> record, Exception exception,
            Consumer<Object, Object> consumer) {
        ReadPipeline.Handling handling = inHand.get();
        if (handling != null) {
            handling.failed(GovernedDeadLetters.listenerException(exception));
        }
    }

    @Override
    public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        ReadPipeline.Handling handling = inHand.get();
        if (handling != null) {
            inHand.remove();
            handling.close();
        }
    }
}
