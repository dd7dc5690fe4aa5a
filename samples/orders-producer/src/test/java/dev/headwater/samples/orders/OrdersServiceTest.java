package dev.headwater.samples.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwater.testkit.HeadwaterEnvironment;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void withoutAClusterInItsEnvironmentTheServiceSaysWhatToSet() {
        var error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Settings.fromEnvironment(Map.of("HEADWATER_REGISTRY_URL", "http://registry:8081")));
        assertTrue(error.getMessage().contains("HEADWATER_BOOTSTRAP_SERVERS is not set"), error.getMessage());
    }

    @Test
    void sigtermStopsSendingAndEveryOrderAcknowledgedIsCounted(@TempDir Path work) throws Exception {
        try (HeadwaterEnvironment env = HeadwaterEnvironment.embedded(1)) {
            env.createTopics(OrdersService.TOPIC, OrdersService.TOPIC + ".dlq");
            Path log = work.resolve("orders.log");
            ProcessBuilder service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), OrdersService.class.getName(),
                    "1000000").redirectErrorStream(true).redirectOutput(log.toFile());
            service.environment().put("HEADWATER_BOOTSTRAP_SERVERS", env.bootstrapServers());
            service.environment().put("HEADWATER_REGISTRY_URL", env.registryUrl());
            Process process = service.start();
            try {
                // the tenant's quota (500 records/s) keeps it sending for half an hour: stop it while it does
                assertTrue(env.read(OrdersService.TOPIC, 100, Duration.ofSeconds(60)).size() >= 100,
                        () -> "the service sent nothing: " + read(log));
                process.destroy(); // SIGTERM
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service stops on SIGTERM");
            } finally {
                process.destroyForcibly();
            }

            List<String> lines = Files.readAllLines(log);
            Matcher summary = Pattern.compile("orders: sent=(\\d+) refused=(\\d+) dead-lettered=(\\d+) "
                    + "\\(stopped on request\\)").matcher(lines.get(lines.size() - 1));
            assertTrue(summary.matches(), () -> "last line is the summary: " + read(log));
            int sent = Integer.parseInt(summary.group(1));
            int deadLettered = Integer.parseInt(summary.group(3));
            // every order the service counted is on its topic, and nothing more: nothing in flight was lost
            assertEquals(sent, env.read(OrdersService.TOPIC, sent + 1, Duration.ofSeconds(5)).size());
            assertEquals(deadLettered, env.read(OrdersService.TOPIC + ".dlq", deadLettered + 1,
                    Duration.ofSeconds(5)).size());
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
