package dev.headwater.samples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickstartTest {

    @Test
    void runsEndToEndOnTheInProcessBrokerAndEndsWithTheSummary() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Quickstart.Summary summary = Quickstart.run(new Quickstart.Options(null),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(10, summary.produced());
        assertEquals(summary.produced(), summary.consumed());
        String[] lines = printed.toString(StandardCharsets.UTF_8).split("\\R");
        assertEquals("quickstart: produced=10 consumed=10 rejected=0 dead-lettered=0", lines[lines.length - 1]);
    }

    @Test
    void takesTheClusterFromTheCommandLineOrTheEnvironment() {
        assertEquals("broker:9092", Quickstart.Options.parse(new String[] {"--bootstrap-servers", "broker:9092"},
                Map.of()).bootstrapServers());
        assertEquals("env:9092", Quickstart.Options.parse(new String[0],
                Map.of("HEADWATER_BOOTSTRAP_SERVERS", "env:9092")).bootstrapServers());
        assertNull(Quickstart.Options.parse(new String[0], Map.of()).bootstrapServers());
        var error = assertThrows(IllegalArgumentException.class,
                () -> Quickstart.Options.parse(new String[] {"--bogus"}, Map.of()));
        assertTrue(error.getMessage().contains("--bogus"));
    }
}
