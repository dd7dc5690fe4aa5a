package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.contract.DataContract;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;

/**
 * The schema registry is down when a Spring Kafka listener governed by the starter meets schema ids it has not
 * cached: a transient failure, so Spring's error handler reads the records again with back-off until the registry
 * answers, and none is dead-lettered.
 */
@HeadwaterTest
class SpringListenerRegistryOutageTest {

    private static final int RECORDS = 10;
    private static final Set<String> HANDLED = ConcurrentHashMap.newKeySet();
    private static DataContract contract;

    @Test
    void aListenerReadsRecordsAgainWhenTheRegistryIsBackAndNoneIsDeadLettered(EmbeddedKafkaCluster kafka,
            @TempDir Path dir) throws Exception {
        // down before the listener has read a schema
        Faults.RegistryOutage outage = Faults.registryDownAfterWriting(kafka, dir, "springoutage", RECORDS);
        String topic = outage.topic();
        contract = outage.contract();
        String url = outage.url();

        HANDLED.clear();
        long deadLettered;
        EmbeddedSchemaRegistry registry = null;
        try (ConfigurableApplicationContext application = new SpringApplicationBuilder(ListenerApplication.class)
                .web(WebApplicationType.NONE)
                .properties(Map.of(
                        "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "spring.kafka.consumer.auto-offset-reset", "earliest",
                        "spring.kafka.consumer.group-id", "spring-outage-" + UUID.randomUUID(),
                        "headwater.application.name", "payments-listener",
                        "headwater.registry.url", url,
                        "outage.topic", topic))
                .run()) {
            // the listener meets the outage and Spring's error handler is told to read the records again later
            AtomicInteger failedDeliveries = new AtomicInteger();
            ((DefaultErrorHandler) application.getBean(CommonErrorHandler.class))
                    .setRetryListeners((record, error, attempt) -> failedDeliveries.incrementAndGet());
            Faults.await("two deliveries meeting the outage", () -> failedDeliveries.get() >= 2,
                    Duration.ofSeconds(30));
            assertThat(HANDLED).as("handled while the registry is down").isEmpty();
            assertThat(Faults.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1, Duration.ofSeconds(1)))
                    .as("dead letters while the registry is down").isEmpty();

            registry = outage.restart(); // back, with every schema it had
            Faults.await("every record handled once the registry is back", () -> HANDLED.size() >= RECORDS,
                    Duration.ofSeconds(90));
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
        deadLettered = Faults.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1, Duration.ofSeconds(2))
                .size();
        assertThat(HANDLED).hasSize(RECORDS);
        assertThat(deadLettered).as("dead letters for a transient failure").isZero();
        Figures.record("schema registry down when a Spring Kafka listener (starter) starts, back after two failed deliveries", RECORDS,
                HANDLED.size(), deadLettered, RECORDS - HANDLED.size() - deadLettered, 0,
                "read again by Spring's error handler with back-off, none dead-lettered");
    }

    /** A Spring Boot application with one listener, governed by the starter. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ListenerApplication {

        @Bean
        DataContract paymentsContract() {
            return contract;
        }

        @Bean
        PaymentsListener paymentsListener() {
            return new PaymentsListener();
        }
    }

    /** Records the keys it handles. */
    static class PaymentsListener {
        @KafkaListener(topics = "${outage.topic}")
        void onPayment(ConsumerRecord<String, GenericRecord> payment) {
            HANDLED.add(payment.key());
        }
    }
}
