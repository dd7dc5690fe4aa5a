package dev.headwater.samples.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwater.testkit.HeadwaterEnvironment;
import dev.headwater.testkit.HeadwaterTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@HeadwaterTest
class OrdersServiceTest {

    @Test
    void sendsValidOrdersRefusesBadAmountsAndDeadLettersBadCurrencies(HeadwaterEnvironment env) {
        env.createTopics(OrdersService.TOPIC, OrdersService.TOPIC + ".dlq");

        OrdersService.Summary summary = OrdersService.produce(env.bootstrapServers(), env.registryUrl(), 20);

        assertEquals(new OrdersService.Summary(17, 1, 2), summary);
        assertEquals(17, env.read(OrdersService.TOPIC, 17, Duration.ofSeconds(30)).size());
        var deadLetters = env.read(OrdersService.TOPIC + ".dlq", 2, Duration.ofSeconds(30));
        assertEquals(2, deadLetters.size());
        assertTrue(new String(deadLetters.get(0).headers().lastHeader("hw_dlq_rules").value())
                .contains("currencyIsIso"));
        assertEquals("retail", env.lineage(deadLetters.get(0)).tenant());
    }
}
