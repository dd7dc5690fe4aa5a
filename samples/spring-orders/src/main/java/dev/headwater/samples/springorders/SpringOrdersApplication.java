package dev.headwater.samples.springorders;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The Spring orders service: {@link OrderController} takes orders over HTTP and sends them through Spring's
 * {@code KafkaTemplate}; {@link ReviewListener} reads them back with {@code @KafkaListener} and forwards large ones for
 * review. The code is plain Spring Kafka: the contract, lineage, spans, guardrails and dead letters come from the
 * {@code headwater.*} keys in {@code application.yml} and the Headwater starter on the classpath.
 *
 * <p>Settings come from the environment: {@code KAFKA_BOOTSTRAP_SERVERS}, {@code SCHEMA_REGISTRY_URL},
 * {@code SCHEMA_REGISTRY_USER_INFO} and anything Spring Boot binds (see the README). Stops cleanly on SIGTERM: the
 * listener finishes its record and commits, the template flushes.
 */
@SpringBootApplication
public class SpringOrdersApplication {

    /** @param args Spring Boot's arguments, such as {@code --server.port=8090} */
    public static void main(String[] args) {
        SpringApplication.run(SpringOrdersApplication.class, args);
    }

    /**
     * The topics, created at startup when missing (Spring Kafka's {@code KafkaAdmin}); on a platform that provisions
     * topics itself, delete these beans.
     *
     * @param orders the orders topic
     * @param review the review topic
     * @param deadLetters the contract's dead-letter topic
     * @param partitions partitions of each
     * @param replicas replicas of each
     * @return the topics
     */
    @Bean
    public org.springframework.kafka.core.KafkaAdmin.NewTopics ordersTopics(@Value("${orders.topic}") String orders,
            @Value("${orders.review-topic}") String review,
            @Value("${orders.dead-letter-topic}") String deadLetters,
            @Value("${orders.partitions:3}") int partitions, @Value("${orders.replicas:1}") short replicas) {
        return new org.springframework.kafka.core.KafkaAdmin.NewTopics(
                topic(orders, partitions, replicas), topic(review, partitions, replicas),
                topic(deadLetters, partitions, replicas));
    }

    private static NewTopic topic(String name, int partitions, short replicas) {
        return TopicBuilder.name(name).partitions(partitions).replicas(replicas).build();
    }
}
