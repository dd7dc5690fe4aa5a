package dev.headwater.spring.kafka;

import dev.headwater.governance.Read;
import dev.headwater.governance.ReadPipeline;
import dev.headwater.governance.RecordRefusedException;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonContainerStoppingErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Spring Kafka's error handling, adapted to the {@link ReadPipeline}: a {@link DefaultErrorHandler} whose
 * {@link DeadLetterPublishingRecoverer} writes the dead letter the pipeline makes (the record's key, value and headers
 * as read, byte for byte, plus the {@code hw_dlq_*} headers, beside Spring's {@code kafka_dlt-*}) to the dead-letter
 * topic the pipeline names. A refused record ({@link RecordRefusedException}) is not retried; a record that could not
 * be read because the schema registry did not answer is read again, with back-off, until it answers (never
 * dead-lettered for a transient fault); a failing listener is retried as configured, then dead-lettered. Where the
 * pipeline names no dead-letter topic, the container stops instead, the record uncommitted, as the governed consumer
 * stops. A dead letter that cannot be written leaves its record unrecovered, to be read again: nothing is lost.
 */
public final class GovernedDeadLetters {

    private GovernedDeadLetters() {
    }

    /**
     * Builds the error handler.
     *
     * @param pipeline governs the records: where their dead letters go and what they say
     * @param template writes the dead letters; its serializers must write bytes as they are
     * @param retries attempts after the first before a failing record is dead-lettered
     * @param backOffMillis the wait between them
     * @return the error handler
     */
    public static DefaultErrorHandler errorHandler(ReadPipeline pipeline, KafkaOperations<?, ?> template,
            int retries, long backOffMillis) {
        Objects.requireNonNull(pipeline, "pipeline");
        ThreadLocal<Boolean> mustStop = new ThreadLocal<>();
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template, (record, error) ->
                new TopicPartition(pipeline.deadLetterTopic(record.topic()).orElseThrow(), -1)) {
            @Override
            public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
                if (pipeline.deadLetterTopic(record.topic()).isEmpty()) {
                    mustStop.set(Boolean.TRUE);
                    throw new IllegalStateException("Record at " + record.topic() + "-" + record.partition() + "@"
                            + record.offset() + " failed and its topic has no dead-letter topic: the container "
                            + "stops without committing it. Set one in the contract (deadLetterTopic) to set such "
                            + "records aside instead.", exception);
                }
                super.accept(record, consumer, exception); // throws when the dead letter could not be written
                member(pipeline, consumer).deadLettered(record);
            }
        };
        recoverer.addHeadersFunction((record, error) -> {
            RecordRefusedException refused = find(error, RecordRefusedException.class);
            Read read = refused == null ? null : refused.read();
            return pipeline.deadLetterHeaders(record, read != null ? read.reason() : Read.HANDLER,
                    read != null ? read.error() : listenerException(error),
                    read != null ? read.violations() : List.of(), group());
        });
        // the default back-off never says "no retries": Spring's error handler would then recover (dead-letter) a
        // record at once, whatever the back-off function says; each failure's back-off comes from the function below
        FixedBackOff listenerRetries = new FixedBackOff(backOffMillis, retries);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, untilTheRegistryAnswers()) {
            private final CommonContainerStoppingErrorHandler stopping = new CommonContainerStoppingErrorHandler();

            @Override
            public void handleRemaining(Exception thrownException, List<ConsumerRecord<?, ?>> records,
                    Consumer<?, ?> consumer, MessageListenerContainer container) {
                super.handleRemaining(thrownException, records, consumer, container);
                if (Boolean.TRUE.equals(mustStop.get())) {
                    mustStop.remove();
                    stopping.handleRemaining(thrownException, records, consumer, container);
                }
            }
        };
        handler.addNotRetryableExceptions(RecordRefusedException.class);
        handler.setBackOffFunction((record, error) -> ReadPipeline.isTransient(error) ? untilTheRegistryAnswers()
                : listenerRetries);
        return handler;
    }

    private static ReadPipeline.Member member(ReadPipeline pipeline, Consumer<?, ?> consumer) {
        return pipeline.member(group(), clientIdOf(consumer));
    }

    /** @return the listener's consumer group: the container thread knows it (each listener may have its own) */
    private static String group() {
        String group = KafkaUtils.getConsumerGroupId();
        return group == null ? "" : group;
    }

    /**
     * @param consumer a container's consumer
     * @return its client id, as its metrics name it
     */
    static String clientIdOf(Consumer<?, ?> consumer) {
        if (consumer != null) {
            for (MetricName name : consumer.metrics().keySet()) {
                String id = name.tags().get("client-id");
                if (id != null) {
                    return id;
                }
            }
        }
        return "";
    }

    /** The listener's own exception, as a governed consumer's handler would have thrown it: Spring wraps it. */
    static Throwable listenerException(Throwable error) {
        Throwable root = error;
        while (root instanceof ListenerExecutionFailedException && root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * Whether a listener failure is transient: the schema registry did not answer while the record was read.
     *
     * @param error the failure
     * @return true when it is transient
     * @see ReadPipeline#isTransient(Throwable)
     */
    public static boolean isTransient(Throwable error) {
        return ReadPipeline.isTransient(error);
    }

    private static BackOff untilTheRegistryAnswers() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        return backOff; // no limit on attempts or elapsed time
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
