package dev.headwater.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        // the descriptor is published when the producer is built: no record carries it inline
        assertTrue(all.contains("lineage        0 of 10 records carried their lineage descriptor inline"), all);
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
    void withOpenLineageConfiguredTheFlowIsAGraphFromTheApplicationThroughTheTopicToTheConsumerGroup(
            @TempDir Path work) throws Exception {
        Path events = work.resolve("openlineage.jsonl");
        System.setProperty("headwater.lineage.openlineage.transport.type", "file");
        System.setProperty("headwater.lineage.openlineage.transport.location", events.toString());
        try {
            InProcessQuickstart.run(new Quickstart.Options(null, null),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("headwater.lineage.openlineage.transport.type");
            System.clearProperty("headwater.lineage.openlineage.transport.location");
        }

        ObjectMapper json = new ObjectMapper();
        Map<String, Set<String>> writes = new HashMap<>();
        Map<String, Set<String>> reads = new HashMap<>();
        Set<String> types = new HashSet<>();
        for (String line : Files.readAllLines(events)) {
            JsonNode event = json.readTree(line);
            String job = event.path("job").path("name").asText();
            types.add(job + " " + event.path("eventType").asText());
            event.path("outputs").forEach(o -> writes.computeIfAbsent(job, j -> new HashSet<>())
                    .add(o.path("namespace").asText() + "/" + o.path("name").asText()));
            event.path("inputs").forEach(i -> reads.computeIfAbsent(job, j -> new HashSet<>())
                    .add(i.path("namespace").asText() + "/" + i.path("name").asText()));
        }
        assertEquals(Set.of("quickstart"), writes.keySet(), "the application writes");
        String topic = writes.get("quickstart").iterator().next();
        assertTrue(topic.matches("kafka://[^/]+:\\d+/retail\\.orders\\.placed\\.v1"), topic);
        assertEquals(1, reads.size(), "one consumer group reads: " + reads);
        String group = reads.keySet().iterator().next();
        assertTrue(group.startsWith("quickstart-"), group);
        assertEquals(Set.of(topic), reads.get(group), "the group reads the topic the application writes");
        assertTrue(types.containsAll(Set.of("quickstart START", "quickstart COMPLETE", group + " START",
                group + " COMPLETE")), types.toString());
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
