package dev.headwater.spring.kafka;

import dev.headwater.consumer.RecordGovernance;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.registry.SchemaRegistryException;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Dead letters for Spring Kafka listeners through Spring's own error handling: a {@link DefaultErrorHandler} whose
 * {@link DeadLetterPublishingRecoverer} writes to the contract's dead-letter topic (or {@code {topic}.dlq}) with
 * Headwater's {@code hw_dlq_*} headers beside Spring's {@code kafka_dlt-*} ones. Contract violations and records that
 * cannot be deserialized are not retried; a record that could not be deserialized because the schema registry did not
 * answer is read again, with back-off, until it answers (never dead-lettered for a transient fault); other listener
 * failures are retried as configured, then dead-lettered. A dead letter that cannot be written leaves its record
 * unrecovered, to be read again: nothing is lost.
 */
public final class GovernedDeadLetters {

    private GovernedDeadLetters() {
    }

    /**
     * Builds the error handler.
     *
     * @param governance writes the {@code hw_dlq_*} headers and knows the contract's dead-letter topic
     * @param template writes the dead letters; its serializers must write the values as read (bytes, Avro, text)
     * @param retries attempts after the first before a failing record is dead-lettered
     * @param backOffMillis the wait between them
     * @return the error handler
     */
    public static DefaultErrorHandler errorHandler(RecordGovernance governance, KafkaOperations<?, ?> template,
            int retries, long backOffMillis) {
        Objects.requireNonNull(governance, "governance");
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template, (record, error) -> {
            String contractTopic = governance.deadLetterTopic(record.topic());
            return new TopicPartition(contractTopic.isEmpty() ? record.topic() + ".dlq" : contractTopic, -1);
        });
        // the container thread knows the listener's group (each @KafkaListener may have its own)
        recoverer.addHeadersFunction((record, error) -> governance.deadLetterHeaders(record, error,
                KafkaUtils.getConsumerGroupId()));
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(backOffMillis, retries));
        handler.addNotRetryableExceptions(ContractViolationException.class);
        // a record that cannot be deserialized is the record's fault, unless the registry did not answer: decided per
        // exception below rather than by Spring's default (never retried)
        handler.removeClassification(DeserializationException.class);
        handler.setBackOffFunction((record, error) -> isTransient(error) ? untilTheRegistryAnswers()
                : find(error, DeserializationException.class) != null ? new FixedBackOff(0, 0) : null);
        return handler;
    }

    /**
     * Whether a listener failure is transient: the schema registry did not answer (no answer, 5xx, 429, 408) while
     * the record was deserialized. Such a record is read again, with back-off, until the registry answers: it is not
     * the record's fault and is never dead-lettered for it.
     *
     * @param error the failure
     * @return true when it is transient
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry) {
                return registry.isTransient();
            }
        }
        return false;
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
