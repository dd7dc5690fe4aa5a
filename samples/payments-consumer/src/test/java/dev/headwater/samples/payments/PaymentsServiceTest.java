package dev.headwater.samples.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headwater.lineage.Lineage;
import dev.headwater.testkit.HeadwaterEnvironment;
import dev.headwater.testkit.HeadwaterTest;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@HeadwaterTest
class PaymentsServiceTest {

    @Test
    void requestsAPaymentPerOrderWithLineageCarriedOver(HeadwaterEnvironment env) {
        env.createTopics(PaymentsService.ORDERS, PaymentsService.PAYMENTS);
        PaymentsService.seedOrders(env.bootstrapServers(), env.registryUrl(), 3);

        String summary = PaymentsService.run(env.bootstrapServers(), env.registryUrl(), 3, Duration.ofSeconds(30));

        assertEquals("payments: orders=3 payments=3", summary);
        var orders = env.read(PaymentsService.ORDERS, 3, Duration.ofSeconds(30));
        var payments = env.read(PaymentsService.PAYMENTS, 3, Duration.ofSeconds(30));
        assertEquals(3, payments.size());
        for (ConsumerRecord<byte[], byte[]> payment : payments) {
            Lineage lineage = env.lineage(payment);
            assertEquals("payments-service", lineage.application());
            ConsumerRecord<byte[], byte[]> order = orders.stream()
                    .filter(o -> lineage.causationId().equals(o.topic() + "/" + o.partition() + "/" + o.offset()))
                    .findFirst().orElseThrow(() -> new AssertionError("no order caused " + lineage));
            assertEquals(env.lineage(order).eventId(), lineage.correlationId());
        }
    }
}
