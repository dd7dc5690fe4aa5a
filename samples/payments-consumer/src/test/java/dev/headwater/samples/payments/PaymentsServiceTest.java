package dev.headwater.samples.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwater.lineage.Lineage;
import dev.headwater.testkit.HeadwaterEnvironment;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void runsUntilSigtermThenCommitsWhatItHandledAndStops(@TempDir Path work) throws Exception {
        try (HeadwaterEnvironment env = HeadwaterEnvironment.embedded(1)) {
            env.createTopics(PaymentsService.ORDERS, PaymentsService.PAYMENTS);
            Path log = work.resolve("payments.log");
            ProcessBuilder service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), PaymentsService.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            service.environment().put("HEADWATER_BOOTSTRAP_SERVERS", env.bootstrapServers());
            service.environment().put("HEADWATER_REGISTRY_URL", env.registryUrl());
            Process process = service.start();
            try {
                PaymentsService.seedOrders(env.bootstrapServers(), env.registryUrl(), 4);
                assertEquals(4, env.read(PaymentsService.PAYMENTS, 4, Duration.ofSeconds(60)).size(),
                        () -> "the service paid for every order: " + read(log));
                assertTrue(process.isAlive(), "a service keeps running when it has nothing to do");
                process.destroy(); // SIGTERM
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service stops on SIGTERM");
            } finally {
                process.destroyForcibly();
            }

            List<String> lines = Files.readAllLines(log);
            assertEquals("payments: orders=4 payments=4 (stopped on request)", lines.get(lines.size() - 1),
                    () -> read(log));
            long committed = env.admin().listConsumerGroupOffsets(PaymentsService.GROUP).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            assertEquals(4, committed, "every order handled is committed, so a restart does not pay twice");
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
