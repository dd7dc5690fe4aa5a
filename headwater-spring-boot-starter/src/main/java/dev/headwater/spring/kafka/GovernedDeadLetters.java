package dev.headwater.spring.kafka;

import dev.headwater.consumer.RecordGovernance;
import dev.headwater.contract.ContractViolationException;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Dead letters for Spring Kafka listeners through Spring's own error handling: a {@link DefaultErrorHandler} whose
 * {@link DeadLetterPublishingRecoverer} writes to the contract's dead-letter topic (or {@code {topic}.dlq}) with
 * Headwater's {@code hw_dlq_*} headers beside Spring's {@code kafka_dlt-*} ones. Contract violations and records that
 * cannot be deserialized are not retried; other listener failures are retried as configured, then dead-lettered.
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
        handler.addNotRetryableExceptions(ContractViolationException.class, DeserializationException.class);
        return handler;
    }
}
