package dev.headwater.samples.springorders;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads placed orders and forwards those of at least {@code orders.review-threshold} to the review topic. Plain Spring
 * Kafka: the Headwater starter checks the contract's read rules before this method is called (an order that breaks
 * one goes to the dead-letter topic with the reason), runs it inside a span continuing the sender's trace, and stamps
 * the forwarded record with the order's lineage as its cause.
 */
@Component
public class ReviewListener {

    private static final Logger log = LoggerFactory.getLogger(ReviewListener.class);

    private final KafkaTemplate<String, GenericRecord> template;
    private final String reviewTopic;
    private final double threshold;

    /**
     * @param template Spring Boot's template, governed by the Headwater starter
     * @param reviewTopic where large orders go
     * @param threshold the amount from which an order is reviewed
     */
    public ReviewListener(KafkaTemplate<String, GenericRecord> template,
            @Value("${orders.review-topic}") String reviewTopic,
            @Value("${orders.review-threshold}") double threshold) {
        this.template = template;
        this.reviewTopic = reviewTopic;
        this.threshold = threshold;
    }

    /**
     * @param order a placed order
     * @throws ExecutionException when the review topic does not take it: Spring's error handler retries, then
     *     dead-letters the order
     */
    @KafkaListener(topics = "${orders.topic}", groupId = "${orders.review-group}")
    public void onOrder(ConsumerRecord<String, GenericRecord> order)
            throws InterruptedException, ExecutionException, TimeoutException {
        double amount = (Double) order.value().get("amount");
        if (amount >= threshold) {
            template.send(reviewTopic, order.key(), order.value()).get(30, TimeUnit.SECONDS);
            log.info("order {} of {} {} forwarded for review", order.key(), amount, order.value().get("currency"));
        }
    }
}
