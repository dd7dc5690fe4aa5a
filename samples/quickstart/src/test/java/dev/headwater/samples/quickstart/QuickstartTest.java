package dev.headwater.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartTest {

    @Test
    void runsEndToEndOnTheInProcessBrokerAndEndsWithTheSummary() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Quickstart.Summary summary = InProcessQuickstart.run(new Quickstart.Options(null, null),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(10, summary.produced());
        assertEquals(summary.produced(), summary.consumed());
        String[] lines = printed.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals("quickstart: produced=10 consumed=10 rejected=1 dead-lettered=1", lines[lines.length - 1]);
        String all = String.join("\n", lines);
        assertTrue(all.contains("refused        order"), all);
        assertTrue(all.contains("amountPositive [amount]: amount must be at least 0.01"), all);
        assertTrue(all.contains("CONTRACT_VIOLATION: rules currencyIsIso"), all);
        assertTrue(all.matches("(?s).*received .* trace [0-9a-f]{32}\\R.*"), all);
    }

    @Test
    void aSecondRunAgainstTheSameClusterCountsOnlyItsOwnRecords() throws Exception {
        // the local stack with --data-dir keeps the topics, and the first run's records, between runs
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Quickstart.Options options = new Quickstart.Options(kafka.bootstrapServers(), registry.url());
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            Quickstart.Summary first = Quickstart.run(options, quiet);
            Quickstart.Summary second = Quickstart.run(options, quiet);

            assertEquals("quickstart: produced=10 consumed=10 rejected=1 dead-lettered=1", first.toString());
            assertEquals("quickstart: produced=10 consumed=10 rejected=1 dead-lettered=1", second.toString());
        }
    }

    @Test
    void theApplicationItselfNeedsAClusterAndRegistry() {
        var error = assertThrows(IllegalArgumentException.class, () -> Quickstart.run(
                new Quickstart.Options(null, "http://r:8081"), new PrintStream(new ByteArrayOutputStream())));
        assertTrue(error.getMessage().contains("--bootstrap-servers"), error.getMessage());
    }

    @Test
    void takesTheClusterFromTheCommandLineOrTheEnvironment() {
        assertEquals("broker:9092", Quickstart.Options.parse(new String[] {"--bootstrap-servers", "broker:9092"},
                Map.of()).bootstrapServers());
        assertEquals("env:9092", Quickstart.Options.parse(new String[0],
                Map.of("HEADWATER_BOOTSTRAP_SERVERS", "env:9092")).bootstrapServers());
        assertNull(Quickstart.Options.parse(new String[0], Map.of()).bootstrapServers());
        assertEquals("http://r:8081", Quickstart.Options.parse(new String[] {"--registry-url", "http://r:8081"},
                Map.of()).registryUrl());
        assertEquals("http://env:8081", Quickstart.Options.parse(new String[0],
                Map.of("HEADWATER_REGISTRY_URL", "http://env:8081")).registryUrl());
        var error = assertThrows(IllegalArgumentException.class,
                () -> Quickstart.Options.parse(new String[] {"--bogus"}, Map.of()));
        assertTrue(error.getMessage().contains("--bogus"));
    }
}
