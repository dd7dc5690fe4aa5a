package dev.headwater.pipeline.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What each tenant used in a period and, once a cost model is applied, what it costs; as a table for a terminal, CSV
 * and JSON for finance tools, and a self-contained HTML page with charts.
 *
 * @param from the period's start
 * @param to the period's end
 * @param environment the environment the cluster serves, or empty
 * @param intervals how many intervals the period was cut into for rates
 * @param tenants each tenant's usage, in the order the policies were given
 * @param unowned topics no tenant's policy owns
 * @param platform the platform's own topics (names starting with {@code _}, such as {@code _headwater-lineage}) that
 *     no tenant's policy owns
 * @param metricsFiles the client metrics files read
 * @param metricPoints how many metric points they held
 * @param chargeback the costs, or null before {@link #withCosts}
 */
public record UsageReport(Instant from, Instant to, String environment, int intervals, List<TenantUsage> tenants,
        List<TopicUsage> unowned, List<TopicUsage> platform, List<String> metricsFiles, int metricPoints,
        Chargeback chargeback) implements RenderedReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] COLOURS = {"#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030"};

    /** Checks and copies the parts. */
    public UsageReport {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(environment, "environment");
        tenants = List.copyOf(tenants);
        unowned = List.copyOf(unowned);
        platform = List.copyOf(platform);
        metricsFiles = List.copyOf(metricsFiles);
    }

    /**
     * @param model the prices
     * @return this report with each tenant's cost
     */
    public UsageReport withCosts(CostModel model) {
        return new UsageReport(from, to, environment, intervals, tenants, unowned, platform, metricsFiles,
                metricPoints,
                Chargeback.of(model, Duration.between(from, to), tenants));
    }

    /**
     * @param tenant a tenant
     * @return its usage
     * @throws IllegalArgumentException when the report has no such tenant
     */
    public TenantUsage tenant(String tenant) {
        return tenants.stream().filter(usage -> usage.tenant().equals(tenant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tenant '" + tenant + "' in the report"));
    }

    /**
     * @return a table for a terminal and what its figures mean, then topics no tenant owns, the platform's topics and
     *     each cost's calculation
     */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append("Tenant usage ").append(from).append(" .. ").append(to)
                .append(environment.isEmpty() ? "" : " (" + environment + ")").append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"tenant", "topics", "partitions", "storage", "produced", "consumed", "appended",
            "peak/s", "quota/s", "throttled", "refused", "quota", chargeback == null ? "" : "cost"});
        for (TenantUsage usage : tenants) {
            QuotaAdherence quota = usage.quota();
            rows.add(new String[] {usage.tenant(), Integer.toString(usage.topics().size()),
                Integer.toString(usage.partitions()), bytes(usage.storageBytes()),
                usage.producedChargedFromBrokers() ? "~" + usage.recordsAppended() + " rec / ~"
                        + bytes(usage.chargedBytesProduced()) + " (brokers)"
                        : usage.recordsProduced() + " rec / " + bytes(usage.bytesProduced()),
                usage.recordsConsumed() + " rec / " + bytes(usage.bytesConsumed()),
                (quota.estimatedTopics().isEmpty() ? "" : "~") + usage.recordsAppended() + " rec",
                decimal(quota.peakRecordsPerSecond()),
                quota.quotaRecordsPerSecond() == 0 ? "-" : Long.toString(quota.quotaRecordsPerSecond()),
                decimal(quota.throttledSeconds()) + " s", Long.toString(quota.rejections()),
                quota.status().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                chargeback == null ? "" : money(cost(usage.tenant()).total()) + " " + chargeback.model().currency()});
        }
        table(text, rows);
        text.append("throttled: time the tenant's governed clients waited for quota, summed over the clients (two "
                + "waiting through the same second count 2 s)\n");
        if (tenants.stream().anyMatch(TenantUsage::producedChargedFromBrokers)) {
            text.append("(brokers): the tenant's producers reported no metrics; produced is the brokers' records "
                    + "appended and bytes estimated from the log's bytes per record, and that is what is charged\n");
        }
        for (TenantUsage usage : tenants) {
            if (!usage.quota().estimatedTopics().isEmpty()) {
                text.append("~ ").append(usage.tenant()).append(": compacted topics ")
                        .append(String.join(", ", usage.quota().estimatedTopics()))
                        .append(": their records appended are estimates and are left out of peak/s and the quota "
                                + "verdict\n");
            }
        }
        topicList(text, "Topics no tenant owns", unowned);
        topicList(text, "The platform's topics", platform);
        if (chargeback != null) {
            text.append("\nCosts (").append(chargeback.model().currency()).append(environment.isEmpty() ? ""
                    : ", prices of " + (chargeback.model().environment().isEmpty() ? "the model"
                    : chargeback.model().environment())).append("; GB = 10^9 bytes, month = 30 days):\n");
            for (Chargeback.TenantCost cost : chargeback.tenants()) {
                text.append("  ").append(cost.tenant()).append('\n');
                for (Chargeback.CostLine line : cost.lines()) {
                    text.append("    ").append(line.calculation()).append('\n');
                }
                text.append("    total: ").append(cost.total().toPlainString()).append(' ')
                        .append(chargeback.model().currency()).append('\n');
            }
        }
        return text.toString();
    }

    private static void topicList(StringBuilder text, String title, List<TopicUsage> topics) {
        if (topics.isEmpty()) {
            return;
        }
        text.append('\n').append(title).append(":\n");
        for (TopicUsage topic : topics) {
            text.append("  ").append(topic.topic()).append("  ").append(topic.partitions()).append(" partitions, ")
                    .append(bytes(topic.storageBytes())).append(", ").append(topic.compacted() ? "~" : "")
                    .append(topic.recordsAppended()).append(" records appended")
                    .append(topic.compacted() ? " (compacted: an estimate)" : "").append('\n');
        }
    }

    /**
     * @return one row per tenant (and one for topics no tenant owns, one for the platform's) with every figure in
     *     plain units (bytes, records, seconds) and, with costs, each item's charged quantity and amount; the
     *     throttled seconds are summed over clients, {@code produced_charged_from} says whether the produced bytes
     *     charged are the clients' ({@code clients}) or the brokers' estimate ({@code brokers}), and
     *     {@code compacted_topics} lists (separated by {@code ;}) the topics whose appended records are estimates
     */
    public String toCsv() {
        StringBuilder csv = new StringBuilder("period_start,period_end,environment,tenant,topics,partitions,"
                + "storage_bytes,records_produced,bytes_produced,records_consumed,bytes_consumed,"
                + "records_appended_broker,bytes_appended_estimate,bytes_produced_charged,produced_charged_from,"
                + "quota_records_per_second,peak_records_per_second,throttled_client_seconds,rejections,"
                + "consume_throttled_client_seconds,quota_status,compacted_topics");
        if (chargeback != null) {
            csv.append(",currency,months,storage_gb,storage_cost,produced_gb,produced_cost,consumed_gb,consumed_cost,"
                    + "partitions_charged,partitions_cost,total_cost");
        }
        csv.append('\n');
        for (TenantUsage usage : tenants) {
            QuotaAdherence quota = usage.quota();
            csv.append(String.join(",", from.toString(), to.toString(), csvText(environment), csvText(usage.tenant()),
                    Integer.toString(usage.topics().size()), Integer.toString(usage.partitions()),
                    Long.toString(usage.storageBytes()), Long.toString(usage.recordsProduced()),
                    Long.toString(usage.bytesProduced()), Long.toString(usage.recordsConsumed()),
                    Long.toString(usage.bytesConsumed()), Long.toString(usage.recordsAppended()),
                    Long.toString(usage.bytesAppendedEstimate()), Long.toString(usage.chargedBytesProduced()),
                    usage.producedChargedFromBrokers() ? "brokers" : "clients",
                    Long.toString(quota.quotaRecordsPerSecond()), plain(quota.peakRecordsPerSecond()),
                    plain(quota.throttledSeconds()), Long.toString(quota.rejections()),
                    plain(quota.consumeThrottledSeconds()), quota.status().name(),
                    csvText(String.join(";", quota.estimatedTopics()))));
            if (chargeback != null) {
                Chargeback.TenantCost cost = cost(usage.tenant());
                csv.append(',').append(chargeback.model().currency()).append(',')
                        .append(chargeback.months().stripTrailingZeros().toPlainString());
                for (String item : List.of("storage", "produced", "consumed", "partitions")) {
                    Chargeback.CostLine line = cost.line(item);
                    csv.append(',').append(line.quantity().stripTrailingZeros().toPlainString())
                            .append(',').append(line.amount().toPlainString());
                }
                csv.append(',').append(cost.total().toPlainString());
            }
            csv.append('\n');
        }
        apart(csv, "(no tenant)", "NO_TENANT", unowned);
        apart(csv, "(platform)", "PLATFORM", platform);
        return csv.toString();
    }

    /** One CSV row for topics no tenant is charged for. */
    private void apart(StringBuilder csv, String label, String status, List<TopicUsage> topics) {
        if (topics.isEmpty()) {
            return;
        }
        csv.append(String.join(",", from.toString(), to.toString(), csvText(environment), label,
                Integer.toString(topics.size()), Integer.toString(topics.stream().mapToInt(TopicUsage::partitions).sum()),
                Long.toString(topics.stream().mapToLong(TopicUsage::storageBytes).sum()), "0", "0", "0", "0",
                Long.toString(topics.stream().mapToLong(TopicUsage::recordsAppended).sum()),
                Long.toString(topics.stream().mapToLong(TopicUsage::bytesAppendedEstimate).sum()), "0", "", "0", "0",
                "0", "0", "0", status, csvText(String.join(";", topics.stream().filter(TopicUsage::compacted)
                        .map(TopicUsage::topic).toList()))));
        if (chargeback != null) {
            csv.append(',').append(chargeback.model().currency()).append(",,,,,,,,,,");
        }
        csv.append('\n');
    }

    /** @return the whole report as one JSON object */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("from", from.toString()).put("to", to.toString()).put("environment", environment)
                .put("intervals", intervals).put("intervalSeconds", intervalSeconds());
        ArrayNode files = root.putArray("metricsFiles");
        metricsFiles.forEach(files::add);
        root.put("metricPoints", metricPoints);
        ArrayNode list = root.putArray("tenants");
        for (TenantUsage usage : tenants) {
            ObjectNode tenant = list.addObject();
            tenant.put("tenant", usage.tenant()).put("topicCount", usage.topics().size())
                    .put("partitions", usage.partitions()).put("storageBytes", usage.storageBytes())
                    .put("recordsProduced", usage.recordsProduced()).put("bytesProduced", usage.bytesProduced())
                    .put("recordsConsumed", usage.recordsConsumed()).put("bytesConsumed", usage.bytesConsumed())
                    .put("recordsAppendedBroker", usage.recordsAppended())
                    .put("bytesAppendedEstimate", usage.bytesAppendedEstimate())
                    .put("bytesProducedCharged", usage.chargedBytesProduced())
                    .put("producedChargedFrom", usage.producedChargedFromBrokers() ? "brokers" : "clients");
            QuotaAdherence quota = usage.quota();
            ObjectNode adherence = tenant.putObject("quota");
            adherence.put("status", quota.status().name()).put("quotaRecordsPerSecond", quota.quotaRecordsPerSecond())
                    .put("peakRecordsPerSecond", quota.peakRecordsPerSecond())
                    .put("throttledClientSeconds", quota.throttledSeconds()).put("rejections", quota.rejections())
                    .put("consumeThrottledClientSeconds", quota.consumeThrottledSeconds());
            ArrayNode series = adherence.putArray("recordsPerInterval");
            quota.recordsPerInterval().forEach(series::add);
            ArrayNode estimated = adherence.putArray("estimatedTopics");
            quota.estimatedTopics().forEach(estimated::add);
            topics(tenant.putArray("topics"), usage.topics());
            if (chargeback != null) {
                Chargeback.TenantCost cost = cost(usage.tenant());
                ObjectNode costs = tenant.putObject("cost");
                costs.put("currency", chargeback.model().currency()).put("total", cost.total());
                ArrayNode lines = costs.putArray("lines");
                for (Chargeback.CostLine line : cost.lines()) {
                    lines.addObject().put("item", line.item()).put("quantity", line.quantity())
                            .put("unit", line.unit()).put("price", line.price()).put("months", line.months())
                            .put("amount", line.amount()).put("calculation", line.calculation());
                }
            }
        }
        topics(root.putArray("unownedTopics"), unowned);
        topics(root.putArray("platformTopics"), platform);
        if (chargeback != null) {
            ObjectNode model = root.putObject("costModel");
            CostModel prices = chargeback.model();
            model.put("currency", prices.currency()).put("environment", prices.environment())
                    .put("storageGbMonth", prices.storageGbMonth()).put("producedGb", prices.producedGb())
                    .put("consumedGb", prices.consumedGb()).put("partitionMonth", prices.partitionMonth())
                    .put("months", chargeback.months()).put("total", chargeback.total());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void topics(ArrayNode into, List<TopicUsage> topics) {
        for (TopicUsage topic : topics) {
            into.addObject().put("topic", topic.topic()).put("tenant", topic.tenant())
                    .put("partitions", topic.partitions()).put("replicationFactor", topic.replicationFactor())
                    .put("storageBytes", topic.storageBytes()).put("recordsInLog", topic.recordsInLog())
                    .put("recordsAppended", topic.recordsAppended())
                    .put("bytesAppendedEstimate", topic.bytesAppendedEstimate()).put("compacted", topic.compacted());
        }
    }

    /**
     * @return a page that opens in a browser without a server (no script, no network): the table, bar charts of
     *     usage and cost per tenant, and each tenant's rate over the period against its quota
     */
    public String toHtml() {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Tenant usage ")
                .append(escape(from + " .. " + to)).append("</title>\n<style>\n")
                .append("body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#1a202c}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #cbd5e0;padding:4px 8px;")
                .append("text-align:right}th{background:#edf2f7}td:first-child,th:first-child{text-align:left}\n")
                .append(".over{color:#c53030;font-weight:bold}.throttled{color:#b7791f}\n")
                .append("svg{display:block;margin:1em 0}text{font-size:12px}\n</style>\n</head>\n<body>\n");
        html.append("<h1>Tenant usage</h1>\n<p>").append(escape(from.toString())).append(" to ")
                .append(escape(to.toString())).append(environment.isEmpty() ? "" : ", " + escape(environment))
                .append(". Client figures from ").append(metricPoints).append(" metric points; storage and records ")
                .append("appended from the brokers.</p>\n");
        html.append("<table id=\"usage\">\n<thead><tr><th>tenant</th><th>topics</th><th>partitions</th>")
                .append("<th>storage</th><th>records produced</th><th>bytes produced</th><th>records consumed</th>")
                .append("<th>bytes consumed</th><th>records appended</th><th>peak records/s</th><th>quota/s</th>")
                .append("<th>quota</th>").append(chargeback == null ? "" : "<th>cost (" + escape(
                        chargeback.model().currency()) + ")</th>").append("</tr></thead>\n<tbody>\n");
        for (TenantUsage usage : tenants) {
            QuotaAdherence quota = usage.quota();
            String status = quota.status().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            html.append("<tr><td>").append(escape(usage.tenant())).append("</td><td>").append(usage.topics().size())
                    .append("</td><td>").append(usage.partitions()).append("</td><td>")
                    .append(bytes(usage.storageBytes())).append("</td><td>")
                    .append(usage.producedChargedFromBrokers() ? "~" + usage.recordsAppended() + " (brokers)"
                            : Long.toString(usage.recordsProduced()))
                    .append("</td><td>").append(usage.producedChargedFromBrokers() ? "~" + bytes(
                            usage.chargedBytesProduced()) + " (brokers)" : bytes(usage.bytesProduced()))
                    .append("</td><td>")
                    .append(usage.recordsConsumed()).append("</td><td>").append(bytes(usage.bytesConsumed()))
                    .append("</td><td>").append(quota.estimatedTopics().isEmpty() ? "" : "~")
                    .append(usage.recordsAppended()).append("</td><td>")
                    .append(decimal(quota.peakRecordsPerSecond())).append("</td><td>")
                    .append(quota.quotaRecordsPerSecond() == 0 ? "-" : quota.quotaRecordsPerSecond())
                    .append("</td><td class=\"").append(status.replace(' ', '-')).append("\">").append(status)
                    .append("</td>");
            if (chargeback != null) {
                html.append("<td>").append(money(cost(usage.tenant()).total())).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        html.append("<p class=\"notes\">Time throttled is summed over the tenant's governed clients: two waiting "
                + "through the same second count 2 s.");
        if (tenants.stream().anyMatch(TenantUsage::producedChargedFromBrokers)) {
            html.append(" (brokers): the tenant's producers reported no metrics; what it produced, and is charged "
                    + "for, is the brokers' records appended and bytes estimated from the log.");
        }
        for (TenantUsage usage : tenants) {
            if (!usage.quota().estimatedTopics().isEmpty()) {
                html.append(" ~ ").append(escape(usage.tenant())).append(": compacted topics ")
                        .append(escape(String.join(", ", usage.quota().estimatedTopics())))
                        .append(" have estimated records appended and are left out of the rates and the verdict.");
            }
        }
        html.append("</p>\n");
        html.append("<h2>Usage per tenant</h2>\n");
        html.append(bars("usage-chart", List.of("storage", "produced", "consumed"), tenants.stream()
                .map(usage -> new double[] {usage.storageBytes(), usage.bytesProduced(), usage.bytesConsumed()})
                .toList(), true));
        if (chargeback != null) {
            html.append("<h2>Cost per tenant (").append(escape(chargeback.model().currency())).append(")</h2>\n");
            html.append(bars("cost-chart", List.of("storage", "produced", "consumed", "partitions"),
                    chargeback.tenants().stream().map(cost -> cost.lines().stream()
                            .mapToDouble(line -> line.amount().doubleValue()).toArray()).toList(), false));
            html.append("<table id=\"costs\">\n<thead><tr><th>tenant</th><th>calculation</th><th>amount</th></tr>")
                    .append("</thead>\n<tbody>\n");
            for (Chargeback.TenantCost cost : chargeback.tenants()) {
                for (Chargeback.CostLine line : cost.lines()) {
                    html.append("<tr><td>").append(escape(cost.tenant())).append("</td><td>")
                            .append(escape(line.calculation())).append("</td><td>")
                            .append(line.amount().toPlainString()).append("</td></tr>\n");
                }
            }
            html.append("</tbody>\n</table>\n");
        }
        html.append("<h2>Quota adherence over the period</h2>\n<p>Records appended per second in each of ")
                .append(intervals).append(" intervals of ").append(decimal(intervalSeconds()))
                .append(" s; the dashed line is the produce quota.</p>\n");
        for (TenantUsage usage : tenants) {
            html.append(rates(usage));
        }
        htmlTopics(html, "Topics no tenant owns", "unowned", unowned);
        htmlTopics(html, "The platform's topics", "platform", platform);
        return html.append("</body>\n</html>\n").toString();
    }

    private static void htmlTopics(StringBuilder html, String title, String id, List<TopicUsage> topics) {
        if (topics.isEmpty()) {
            return;
        }
        html.append("<h2>").append(title).append("</h2>\n<ul id=\"").append(id).append("\">\n");
        for (TopicUsage topic : topics) {
            html.append("<li>").append(escape(topic.topic())).append(" (").append(topic.partitions())
                    .append(" partitions, ").append(bytes(topic.storageBytes()))
                    .append(topic.compacted() ? ", compacted" : "").append(")</li>\n");
        }
        html.append("</ul>\n");
    }

    /** Grouped bars, one group per tenant, one bar per series. */
    private String bars(String id, List<String> series, List<double[]> values, boolean inBytes) {
        int groupWidth = series.size() * 22 + 30;
        int width = 80 + Math.max(1, tenants.size()) * groupWidth;
        int height = 220;
        double max = values.stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(0);
        double scale = max <= 0 ? 0 : 160 / max;
        StringBuilder svg = new StringBuilder("<svg id=\"" + id + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
                + width + "\" height=\"" + height + "\" role=\"img\">\n");
        svg.append("<text x=\"4\" y=\"14\">max ").append(inBytes ? bytes((long) max) : decimal(max))
                .append("</text>\n");
        for (int t = 0; t < tenants.size(); t++) {
            int x0 = 60 + t * groupWidth;
            double[] row = values.get(t);
            for (int s = 0; s < series.size(); s++) {
                double value = s < row.length ? row[s] : 0;
                double h = value * scale;
                svg.append("<rect class=\"bar\" x=\"").append(x0 + s * 22).append("\" y=\"")
                        .append(decimal(190 - h)).append("\" width=\"18\" height=\"").append(decimal(h))
                        .append("\" fill=\"").append(COLOURS[s % COLOURS.length]).append("\"><title>")
                        .append(escape(tenants.get(t).tenant() + " " + series.get(s) + ": "
                                + (inBytes ? bytes((long) value) : decimal(value)))).append("</title></rect>\n");
            }
            svg.append("<text x=\"").append(x0).append("\" y=\"206\">").append(escape(tenants.get(t).tenant()))
                    .append("</text>\n");
        }
        for (int s = 0; s < series.size(); s++) {
            svg.append("<rect x=\"").append(60 + s * 90).append("\" y=\"24\" width=\"10\" height=\"10\" fill=\"")
                    .append(COLOURS[s % COLOURS.length]).append("\"/><text x=\"").append(74 + s * 90)
                    .append("\" y=\"33\">").append(escape(series.get(s))).append("</text>\n");
        }
        return svg.append("</svg>\n").toString();
    }

    /** One tenant's records per second per interval, and its quota as a dashed line. */
    private String rates(TenantUsage usage) {
        QuotaAdherence quota = usage.quota();
        double seconds = intervalSeconds();
        List<Long> counts = quota.recordsPerInterval();
        double max = Math.max(quota.quotaRecordsPerSecond(), counts.stream().mapToLong(Long::longValue).max()
                .orElse(0) / seconds);
        double scale = max <= 0 ? 0 : 100 / max;
        int width = 520;
        double step = counts.size() <= 1 ? 0 : 440.0 / (counts.size() - 1);
        StringBuilder svg = new StringBuilder("<svg class=\"rates\" id=\"rates-" + escape(usage.tenant())
                + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"150\" role=\"img\">\n");
        svg.append("<text x=\"4\" y=\"14\">").append(escape(usage.tenant())).append(": peak ")
                .append(decimal(quota.peakRecordsPerSecond())).append(" records/s")
                .append(quota.quotaRecordsPerSecond() == 0 ? ", no quota" : ", quota " + quota.quotaRecordsPerSecond())
                .append(" (").append(quota.status().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .append(")</text>\n");
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < counts.size(); i++) {
            points.append(decimal(60 + i * step)).append(',').append(decimal(130 - counts.get(i) / seconds * scale))
                    .append(' ');
        }
        svg.append("<polyline class=\"rate\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"2\" points=\"")
                .append(points.toString().trim()).append("\"/>\n");
        if (quota.quotaRecordsPerSecond() > 0) {
            double y = 130 - quota.quotaRecordsPerSecond() * scale;
            svg.append("<line class=\"quota\" x1=\"60\" x2=\"500\" y1=\"").append(decimal(y)).append("\" y2=\"")
                    .append(decimal(y)).append("\" stroke=\"#c53030\" stroke-dasharray=\"6,4\"/>\n");
        }
        svg.append("<line x1=\"60\" x2=\"500\" y1=\"130\" y2=\"130\" stroke=\"#a0aec0\"/>\n");
        return svg.append("</svg>\n").toString();
    }

    private Chargeback.TenantCost cost(String tenant) {
        return chargeback.tenants().stream().filter(cost -> cost.tenant().equals(tenant)).findFirst().orElseThrow();
    }

    private double intervalSeconds() {
        return Duration.between(from, to).toMillis() / 1000.0 / Math.max(1, intervals);
    }

    /** Writes rows as a plain-text table: the first column left-aligned, the others right-aligned. */
    static void table(StringBuilder text, List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                if (widths[c] == 0) {
                    continue;
                }
                line.append(c == 0 ? String.format("%-" + widths[c] + "s", row[c])
                        : String.format("  %" + widths[c] + "s", row[c]));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** @return bytes in decimal units: B, kB, MB, GB, TB */
    static String bytes(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    private static String money(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }

    static String csvText(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
