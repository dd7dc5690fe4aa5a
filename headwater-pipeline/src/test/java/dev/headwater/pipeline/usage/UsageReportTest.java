package dev.headwater.pipeline.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.HeadwaterException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The cost model, the chargeback's arithmetic, the report's four forms and reading OTLP JSON metrics. */
class UsageReportTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-16T00:00:00Z");
    private static final String MODEL = """
            currency: EUR
            prices:
              storageGbMonth: 0.10
              producedGb: 0.04
              consumedGb: 0.01
              partitionMonth: 0.50
            environments:
              prod:
                storageGbMonth: 0.12
            """;

    private final TenantUsage retail = new TenantUsage("retail", List.of(
            new TopicUsage("retail.orders.v1", "retail", 6, 3, 7_500_000_000L, 30_000_000, 12_000_000, false),
            new TopicUsage("retail.orders.v1.dlq", "retail", 1, 3, 3_000, 10, 4, false)),
            12_000_000, 2_400_000_000L, 24_000_000, 4_800_000_000L,
            new QuotaAdherence(20_000, 9_000, List.of(5_000_000L, 7_000_000L), 0, 0, 0, List.of()));
    private final TenantUsage payments = new TenantUsage("payments", List.of(
            new TopicUsage("payments.requested.v1", "payments", 3, 3, 1_000_000, 2_000, 1_000, false)),
            1_000, 500_000, 0, 0, new QuotaAdherence(10, 0.001, List.of(400L, 600L), 2.5, 17, 0, List.of()));
    private final UsageReport report = new UsageReport(FROM, TO, "prod", 2, List.of(retail, payments),
            List.of(new TopicUsage("legacy.events", "", 2, 1, 42_000, 100, 0, false)),
            List.of(new TopicUsage("_headwater-lineage", "", 1, 3, 9_000, 30, 30, true)), List.of("metrics.jsonl"),
            12, null);

    @Test
    void theCostModelsPricesApplyPerEnvironment() {
        CostModel prod = CostModel.parse(MODEL, "costs.yaml", "prod");
        assertThat(prod.storageGbMonth()).isEqualByComparingTo("0.12");
        assertThat(prod.producedGb()).isEqualByComparingTo("0.04");
        assertThat(CostModel.parse(MODEL, "costs.yaml", null).storageGbMonth()).isEqualByComparingTo("0.10");
    }

    @Test
    void aBadCostModelIsRefusedNamingFileLineAndKey() {
        assertThatThrownBy(() -> CostModel.parse("""
                currency: EUR
                prices:
                  storageGbMonth: ten
                  producedGB: 0.04
                  consumedGb: -1
                """, "costs.yaml", "staging"))
                .isInstanceOf(HeadwaterException.class)
                .hasMessageContaining("costs.yaml:3: 'prices.storageGbMonth' is 'ten', not a number")
                .hasMessageContaining("costs.yaml:4: unknown key 'prices.producedGB'")
                .hasMessageContaining("costs.yaml:5: prices.consumedGb is -1; a price must not be negative")
                .hasMessageContaining("environment 'staging' has no prices");
        assertThatThrownBy(() -> CostModel.parse("prices: {storageGbMonth: 1}\n", "c.yaml", ""))
                .hasMessageContaining("'currency' is required");
        assertThatThrownBy(() -> CostModel.parse("currency: EUR\nprices: {storageGbMonth: 1}\n", "c.yaml", ""))
                .hasMessageContaining("price 'producedGb' is not given");
        assertThatThrownBy(() -> CostModel.parse("currency: EUR\nprices:\n  storageGbMonth: 1\n  storageGbMonth: 2\n",
                "c.yaml", "")).hasMessageContaining("c.yaml:4: key 'storageGbMonth' is given twice, first at line 3");
    }

    @Test
    void eachTenantsCostFollowsFromTheModelWithItsCalculation() {
        CostModel model = CostModel.parse(MODEL, "costs.yaml", "prod");
        Chargeback chargeback = report.withCosts(model).chargeback();

        BigDecimal months = new BigDecimal("0.500000000"); // 15 of 30 days
        assertThat(chargeback.months()).isEqualTo(months);
        Chargeback.TenantCost cost = chargeback.tenants().get(0);
        // storage 7.500003 GB x 0.12 x 0.5; produced 2.4 GB x 0.04; consumed 4.8 GB x 0.01; 7 partitions x 0.5 x 0.5
        assertThat(cost.line("storage").amount()).isEqualTo(new BigDecimal("0.450000"));
        assertThat(cost.line("produced").amount()).isEqualTo(new BigDecimal("0.096000"));
        assertThat(cost.line("consumed").amount()).isEqualTo(new BigDecimal("0.048000"));
        assertThat(cost.line("partitions").amount()).isEqualTo(new BigDecimal("1.750000"));
        assertThat(cost.total()).isEqualTo(new BigDecimal("2.344000"));
        assertThat(cost.line("storage").calculation())
                .isEqualTo("storage: 7.500003 GB x 0.12 EUR per GB-month x 0.5 months = 0.450000 EUR");
        assertThat(cost.line("partitions").calculation())
                .isEqualTo("partitions: 7 partitions x 0.50 EUR per partition-month x 0.5 months = 1.750000 EUR");
        assertThat(cost.line("produced").calculation()).isEqualTo("produced: 2.4 GB x 0.04 EUR per GB = 0.096000 EUR");

        BigDecimal paymentsStorage = new BigDecimal("0.001").multiply(new BigDecimal("0.12")).multiply(months)
                .setScale(Chargeback.SCALE, RoundingMode.HALF_EVEN);
        assertThat(chargeback.tenants().get(1).line("storage").amount()).isEqualTo(paymentsStorage);
        assertThat(chargeback.total()).isEqualTo(cost.total().add(chargeback.tenants().get(1).total()));
    }

    @Test
    void aTenantThatWasRefusedForQuotaIsOverItAndOneThatWaitedIsThrottled() {
        assertThat(payments.quota().status()).isEqualTo(QuotaAdherence.Status.OVER);
        assertThat(retail.quota().status()).isEqualTo(QuotaAdherence.Status.WITHIN);
        assertThat(new QuotaAdherence(100, 90, List.of(), 1.5, 0, 0, List.of()).status())
                .isEqualTo(QuotaAdherence.Status.THROTTLED);
        assertThat(new QuotaAdherence(100, 150, List.of(), 0, 0, 0, List.of()).status()).as("the brokers took more")
                .isEqualTo(QuotaAdherence.Status.OVER);
        assertThat(new QuotaAdherence(0, 150, List.of(), 0, 0, 0, List.of()).status())
                .isEqualTo(QuotaAdherence.Status.NO_QUOTA);
    }

    @Test
    void theReportReadsAsATableCsvJsonAndAPage() throws Exception {
        UsageReport priced = report.withCosts(CostModel.parse(MODEL, "costs.yaml", "prod"));

        String table = priced.toText();
        assertThat(table).contains("retail").contains("7.50 GB").contains("12000000 rec / 2.40 GB")
                .contains("over").contains("legacy.events").contains("2.34 EUR")
                .contains("storage: 7.500003 GB x 0.12 EUR per GB-month x 0.5 months = 0.450000 EUR");

        List<String> csv = priced.toCsv().lines().toList();
        assertThat(csv).hasSize(5);
        assertThat(csv.get(0)).startsWith("period_start,period_end,environment,tenant,").endsWith(",total_cost");
        String[] row = csv.get(1).split(",");
        assertThat(row).hasSize(csv.get(0).split(",").length);
        assertThat(row[3]).isEqualTo("retail");
        assertThat(row[6]).isEqualTo("7500003000");
        assertThat(row[row.length - 1]).isEqualTo("2.344000");
        assertThat(csv.get(3)).contains("(no tenant)").contains("NO_TENANT");
        assertThat(csv.get(4)).contains("(platform)").contains("PLATFORM").endsWith(",,,,,,,,,,");
        for (String line : csv) {
            assertThat(line.split(",", -1)).as(line).hasSize(csv.get(0).split(",").length);
        }

        JsonNode json = new ObjectMapper().readTree(priced.toJson());
        assertThat(json.path("tenants").get(1).path("quota").path("status").asText()).isEqualTo("OVER");
        assertThat(json.path("tenants").get(0).path("cost").path("total").decimalValue())
                .isEqualByComparingTo("2.344");
        assertThat(json.path("tenants").get(0).path("cost").path("lines")).hasSize(4);
        assertThat(json.path("unownedTopics").get(0).path("topic").asText()).isEqualTo("legacy.events");
        assertThat(json.path("tenants").get(0).path("quota").path("recordsPerInterval").toString())
                .isEqualTo("[5000000,7000000]");

        String html = priced.toHtml();
        assertThat(html).as("no script, nothing fetched").doesNotContain("<script").doesNotContain(" src=")
                .doesNotContain("href=");
        Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(html.replace("<!DOCTYPE html>", "").getBytes()));
        assertThat(page.getElementsByTagName("svg").getLength()).as("usage, cost and one rate chart per tenant")
                .isEqualTo(4);
        assertThat(page.getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(html).contains("class=\"quota\"").contains("id=\"cost-chart\"").contains("0.450000");
    }

    @Test
    void aTenantBilledFromTheBrokersEstimateShowsTheQuantityItIsChargedFor() throws Exception {
        // producers that report no metrics: 1,000 records appended to a log of 2,000 records, 3 replicas, 3 MB
        TenantUsage ledger = new TenantUsage("ledger", List.of(
                new TopicUsage("ledger.entries.v1", "ledger", 1, 3, 3_000_000, 2_000, 1_000, false)),
                0, 0, 0, 0, new QuotaAdherence(0, 0.5, List.of(400L, 600L), 0, 0, 0, List.of()));
        assertThat(ledger.chargedBytesProduced()).isEqualTo(500_000);
        UsageReport priced = new UsageReport(FROM, TO, "prod", 2, List.of(ledger), List.of(), List.of(), List.of(),
                0, null).withCosts(CostModel.parse(MODEL, "costs.yaml", "prod"));

        assertThat(priced.toText()).contains("~1000 rec / ~500.00 kB (brokers)")
                .contains("produced: 0.0005 GB x 0.04 EUR per GB = 0.000020 EUR")
                .contains("(brokers): the tenant's producers reported no metrics");
        List<String> csv = priced.toCsv().lines().toList();
        List<String> header = List.of(csv.get(0).split(","));
        String[] row = csv.get(1).split(",", -1);
        assertThat(row[header.indexOf("bytes_produced")]).isEqualTo("0");
        assertThat(row[header.indexOf("bytes_produced_charged")]).isEqualTo("500000");
        assertThat(row[header.indexOf("produced_charged_from")]).isEqualTo("brokers");
        assertThat(row[header.indexOf("produced_gb")]).isEqualTo("0.0005");
        assertThat(row[header.indexOf("produced_cost")]).isEqualTo("0.000020");
        assertThat(row[header.indexOf("storage_gb")]).isEqualTo("0.003");
        assertThat(row[header.indexOf("partitions_charged")]).isEqualTo("1");
        assertThat(row[header.indexOf("months")]).isEqualTo("0.5");
        JsonNode json = new ObjectMapper().readTree(priced.toJson()).path("tenants").get(0);
        assertThat(json.path("bytesProducedCharged").asLong()).isEqualTo(500_000);
        assertThat(json.path("producedChargedFrom").asText()).isEqualTo("brokers");
        assertThat(priced.toHtml()).contains("~500.00 kB (brokers)");
    }

    @Test
    void throttledTimeIsLabelledAsSummedOverTheClients() throws Exception {
        assertThat(report.toText()).contains("2.5 s").contains("summed over the clients");
        assertThat(report.toCsv().lines().findFirst().orElseThrow()).contains(",throttled_client_seconds,")
                .contains(",consume_throttled_client_seconds,").doesNotContain(",throttled_seconds,");
        assertThat(new ObjectMapper().readTree(report.toJson()).path("tenants").get(1).path("quota")
                .path("throttledClientSeconds").asDouble()).isEqualTo(2.5);
        assertThat(report.toHtml()).contains("summed over the tenant's governed clients");
    }

    @Test
    void aCompactedTopicsRecordsAppendedAreShownAsEstimates() throws Exception {
        TenantUsage state = new TenantUsage("state", List.of(
                new TopicUsage("state.accounts.v1", "state", 1, 1, 10_000, 100, 1_782, true)),
                1_000, 100_000, 0, 0, new QuotaAdherence(50, 0, List.of(0L, 0L), 0, 0, 0,
                List.of("state.accounts.v1")));
        UsageReport withCompacted = new UsageReport(FROM, TO, "", 2, List.of(state), List.of(), List.of(),
                List.of(), 0, null);
        assertThat(state.quota().status()).isEqualTo(QuotaAdherence.Status.WITHIN);
        assertThat(withCompacted.toText()).contains("~1782 rec")
                .contains("~ state: compacted topics state.accounts.v1: their records appended are estimates");
        List<String> csv = withCompacted.toCsv().lines().toList();
        assertThat(csv.get(1)).endsWith(",WITHIN,state.accounts.v1");
        JsonNode json = new ObjectMapper().readTree(withCompacted.toJson()).path("tenants").get(0);
        assertThat(json.path("quota").path("estimatedTopics").get(0).asText()).isEqualTo("state.accounts.v1");
        assertThat(json.path("topics").get(0).path("compacted").asBoolean()).isTrue();
    }

    @Test
    void thePlatformsOwnTopicsAreListedApartFromTopicsNoTenantOwns() throws Exception {
        String text = report.toText();
        assertThat(text).contains("Topics no tenant owns:\n  legacy.events")
                .contains("The platform's topics:\n  _headwater-lineage  1 partitions, 9.00 kB, ~30 records appended"
                        + " (compacted: an estimate)");
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.path("unownedTopics")).hasSize(1);
        assertThat(json.path("platformTopics").get(0).path("topic").asText()).isEqualTo("_headwater-lineage");
        assertThat(report.toHtml()).contains("<ul id=\"platform\">");
    }

    @Test
    void aNegativePriceIsRefusedUnderAnEnvironmentThatIsNotPicked() {
        String model = MODEL + "  staging:\n    producedGb: -0.02\n";
        assertThatThrownBy(() -> CostModel.parse(model, "costs.yaml", "prod"))
                .isInstanceOf(HeadwaterException.class)
                .hasMessageContaining("costs.yaml:11: environments.staging.producedGb is -0.02; a price must not be "
                        + "negative");
        assertThatThrownBy(() -> CostModel.parse(model, "costs.yaml", null))
                .hasMessageContaining("environments.staging.producedGb is -0.02");
    }

    @Test
    void aBrowserOpensThePageWithoutAServerWhenOneIsInstalled(@TempDir Path dir) throws Exception {
        java.util.Optional<dev.headwater.pipeline.HeadlessBrowser> browser = dev.headwater.pipeline.HeadlessBrowser
                .find();
        org.junit.jupiter.api.Assumptions.assumeTrue(browser.isPresent(), "no headless browser on this machine; "
                + "the page is checked by parsing it (theReportReadsAsATableCsvJsonAndAPage)");
        Path page = dir.resolve("usage.html");
        Files.writeString(page, report.withCosts(CostModel.parse(MODEL, "costs.yaml", "prod")).toHtml());
        String dom = browser.get().dom(page);
        assertThat(dom).contains("<svg id=\"usage-chart\"").contains("<svg id=\"cost-chart\"")
                .contains("id=\"rates-retail\"").contains("id=\"rates-payments\"").contains("<polyline")
                .contains("legacy.events");
    }

    @Test
    void otlpJsonCountersAreReadAsTheirGrowthInThePeriod(@TempDir Path dir) throws Exception {
        long t0 = nanos(FROM.minus(Duration.ofHours(1)));
        long t1 = nanos(FROM.plus(Duration.ofDays(1)));
        long t2 = nanos(TO.minus(Duration.ofDays(1)));
        long t3 = nanos(TO.plus(Duration.ofDays(1)));
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, String.join("\n",
                line("headwater.producer.records", "sum", t0 - 1, t0, "\"asInt\":\"100\"", "retail", 2),
                line("headwater.producer.records", "sum", t0 - 1, t1, "\"asInt\":\"250\"", "retail", 2),
                line("headwater.producer.records", "sum", t0 - 1, t2, "\"asInt\":\"400\"", "retail", 2),
                line("headwater.producer.records", "sum", t0 - 1, t3, "\"asInt\":\"900\"", "retail", 2),
                // a producer that started in the period: all of its count is in it
                line("headwater.producer.records", "sum", t1, t2, "\"asInt\":\"30\"", "retail", 2),
                // delta temporality: the points inside the period add up
                line("headwater.producer.records", "sum", t1, t2, "\"asInt\":7", "payments", 1),
                line("headwater.producer.records", "sum", t2, t3, "\"asInt\":5", "payments", 1),
                line("headwater.producer.record.size", "histogram", t0 - 1, t2, "\"count\":\"3\",\"sum\":1500.0",
                        "retail", 2)) + "\n");

        OtlpMetrics metrics = OtlpMetrics.read(List.of(file));
        assertThat(metrics.increase("headwater.producer.records", a -> true, "headwater.tenant", FROM, TO))
                .containsEntry("retail", 400.0 - 100.0 + 30.0).containsEntry("payments", 7.0);
        assertThat(metrics.increase("headwater.producer.record.size", a -> true, "headwater.tenant", FROM, TO))
                .containsEntry("retail", 1500.0);

        Files.writeString(file, "{\"not\":\"otlp\"}\n");
        assertThatThrownBy(() -> OtlpMetrics.read(List.of(file))).hasMessageContaining("metrics.jsonl:1 has no "
                + "resourceMetrics");
    }

    private static String line(String metric, String kind, long start, long time, String value, String tenant,
            int temporality) {
        return "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                + "{\"stringValue\":\"svc\"}}]},\"scopeMetrics\":[{\"scope\":{\"name\":\"dev.headwater.producer\"},"
                + "\"metrics\":[{\"name\":\"" + metric + "\",\"" + kind + "\":{\"dataPoints\":[{\"attributes\":"
                + "[{\"key\":\"headwater.tenant\",\"value\":{\"stringValue\":\"" + tenant + "\"}}],"
                + "\"startTimeUnixNano\":\"" + start + "\",\"timeUnixNano\":\"" + time + "\"," + value + "}],"
                + "\"aggregationTemporality\":" + temporality + "}}]}]}]}";
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
