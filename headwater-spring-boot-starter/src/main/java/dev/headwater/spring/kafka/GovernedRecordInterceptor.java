package dev.headwater.spring.kafka;

import dev.headwater.consumer.RecordGovernance;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.KafkaUtils;

/**
 * Gives Spring Kafka listeners ({@code @KafkaListener} methods) what the governed consumer gives its handler: before the
 * listener is called, the contract's read rules are checked (a violation throws, so Spring's error handler dead-letters
 * the record), a CONSUMER span {@code process {topic}} continuing the producer's trace is started and made current, the
 * record's lineage context is made current (records the listener sends carry its correlation and causation) and
 * freshness is measured; after it, all that is ended. Spring Boot picks it up as the container factory's record
 * interceptor. Thread safe: each container thread keeps its own record in hand.
 */
public final class GovernedRecordInterceptor implements RecordInterceptor<Object, Object> {

    private final RecordGovernance governance;
    private final ThreadLocal<RecordGovernance.Handling> inHand = new ThreadLocal<>();

    /** @param governance what is done around each record */
    public GovernedRecordInterceptor(RecordGovernance governance) {
        this.governance = Objects.requireNonNull(governance, "governance");
    }

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
            Consumer<Object, Object> consumer) {
        inHand.set(governance.begin(record, KafkaUtils.getConsumerGroupId()));
        return record;
    }

    @Override
    public void failure(ConsumerRecord<Object, Object> record, Exception exception,
            Consumer<Object, Object> consumer) {
        RecordGovernance.Handling handling = inHand.get();
        if (handling != null) {
            handling.failed(exception);
        }
    }

    @Override
    public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        RecordGovernance.Handling handling = inHand.get();
        if (handling != null) {
            inHand.remove();
            handling.close();
        }
    }
}
