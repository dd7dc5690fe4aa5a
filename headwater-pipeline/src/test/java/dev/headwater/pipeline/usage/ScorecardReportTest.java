package dev.headwater.pipeline.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.pipeline.HeadlessBrowser;
import dev.headwater.pipeline.usage.Scorecard.Objective;
import dev.headwater.pipeline.usage.Scorecard.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorecardReportTest {

    private static Scorecard.Report report() {
        Objective freshness = new Objective("freshness", "within 2 s for 99.00% of records",
                "p50 0.8 s, p95 1.9 s, p99 2.6 s; 3 of 100 late", Status.MISSED, -2.0,
                Map.of("objective", 2.0, "p50", 0.8, "p95", 1.9, "p99", 2.6, "late", 3.0, "records", 100.0));
        Objective availability = new Objective("availability", "every partition of its topics has a leader",
                "3 of 3 partitions with a leader, 0 under-replicated", Status.MET, Double.NaN,
                Map.of("partitions", 3.0));
        Scorecard card = new Scorecard("orders-value", "1.2.0", "team-orders", List.of("orders"),
                List.of(freshness, availability),
                new Scorecard.Quality(110, 100, 4, 6, 1, 100,
                        List.of(new Scorecard.RuleViolations("write", "amountPositive", "amount", 6)),
                        List.of(new Scorecard.RuleViolations("write", "skuPattern", "", 9)),
                        List.of(new Scorecard.ProducerQuality("orders-service", "1.4.0", "1.2.0", 110, 4, 6))),
                new Scorecard.Evolution(List.of("1.2.0"), List.of("1.1.0", "1.2.0"),
                        List.of("2.0.0 by orders-service 1.5.0 (1x)")),
                new Scorecard.Users(List.of("orders-service 1.4.0"),
                        List.of(new Scorecard.ConsumerGroup("payments", 12, 100))));
        return new Scorecard.Report(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"),
                0.99, List.of(card));
    }

    @Test
    void theReportSaysWhichObjectivesWereMissedInEveryFormat() throws Exception {
        Scorecard.Report report = report();
        assertThat(report.missed()).containsExactly("orders-value: freshness within 2 s for 99.00% of records "
                + "missed (p50 0.8 s, p95 1.9 s, p99 2.6 s; 3 of 100 late)");
        assertThat(report.toText()).contains("freshness").contains("missed").contains("-200.00%")
                .contains("skuPattern (observed)").contains("payments (lag 12)")
                .contains("breaking changes refused [2.0.0 by orders-service 1.5.0 (1x)]");
        assertThat(report.toCsv()).contains("orders-value,1.2.0,freshness,within 2 s for 99.00% of records,"
                + "\"p50 0.8 s, p95 1.9 s, p99 2.6 s; 3 of 100 late\",MISSED,-2,110,0.036364,0.054545");
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        JsonNode card = json.path("scorecards").get(0);
        assertThat(card.path("objectives").get(0).path("figures").path("p99").asDouble()).isEqualTo(2.6);
        assertThat(card.path("objectives").get(1).has("errorBudgetLeft")).isFalse();
        assertThat(card.path("quality").path("refusedShare").asDouble()).isCloseTo(6 / 110.0,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(card.path("users").path("consumers").get(0).path("lag").asLong()).isEqualTo(12);
    }

    @Test
    void thePageOpensInAHeadlessBrowserWithItsCharts(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("scorecard.html");
        Files.writeString(page, report().toHtml());
        Optional<HeadlessBrowser> browser = HeadlessBrowser.find();
        Assumptions.assumeTrue(browser.isPresent(), "no headless browser on this machine; "
                + "theReportSaysWhichObjectivesWereMissedInEveryFormat checks the other formats");
        String dom = browser.get().dom(page);
        assertThat(dom).contains("<svg id=\"freshness-orders-value\"").contains("<svg id=\"quality-orders-value\"")
                .contains("objective 2.000 s").contains("1 objective(s) missed").contains("amountPositive")
                .contains("<td>payments</td><td>12</td>");
    }
}
