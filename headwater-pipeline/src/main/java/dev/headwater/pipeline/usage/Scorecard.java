package dev.headwater.pipeline.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Is a data product keeping its promises? One contract on its topics over a period, as {@link ScorecardCollector}
 * measured it from the brokers and the governed clients' metrics: each service level objective the contract states
 * with what was measured, whether it was met and the error budget left; quality (records checked, violations by rule
 * and field, dead-lettered and refused shares, per producing application and version); evolution (contract versions
 * seen on the topics, versions registered); and who uses it (producing applications, consuming groups and their lag).
 *
 * @param subject the contract's subject
 * @param contractVersion the contract's version the scorecard judged by
 * @param owner the owning team
 * @param topics the contract's topics
 * @param objectives each objective, met or not
 * @param quality the quality figures
 * @param evolution the contract versions seen and registered
 * @param users who produced and who consumed
 */
public record Scorecard(String subject, String contractVersion, String owner, List<String> topics,
        List<Objective> objectives, Quality quality, Evolution evolution, Users users) {

    /** Copies the lists. */
    public Scorecard {
        topics = List.copyOf(topics);
        objectives = List.copyOf(objectives);
    }

    /** Whether an objective was met. */
    public enum Status {
        /** Measured and met. */
        MET,
        /** Measured and missed. */
        MISSED,
        /** The contract states it, but nothing was measured in the period (no client reported, no records). */
        NOT_MEASURED;

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * One service level objective.
     *
     * @param name {@code freshness}, {@code throughput} or {@code availability}
     * @param objective what the contract promises, in words
     * @param measured what was measured, in words
     * @param status met, missed or not measured
     * @param errorBudgetLeft the share of the error budget left (1 untouched, 0 spent, below 0 overspent); NaN when
     *     the objective has no budget
     * @param figures the measured figures by name (such as {@code p99}, seconds), for JSON and tests
     */
    public record Objective(String name, String objective, String measured, Status status, double errorBudgetLeft,
            Map<String, Double> figures) {
        /** Copies the map. */
        public Objective {
            figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures));
        }
    }

    /**
     * The quality of what was written and read in the period.
     *
     * @param written records given to governed producers
     * @param sent of those, sent to the topic
     * @param deadLettered of those, dead-lettered for their violations
     * @param refused of those, refused to the caller
     * @param readDeadLettered records consumers set aside
     * @param read records consumers finished
     * @param violations violations by rule and field, write and read side apart
     * @param observed records that broke an observed rule and passed, by rule
     * @param producers the same per producing application and version
     */
    public record Quality(long written, long sent, long deadLettered, long refused, long readDeadLettered, long read,
            List<RuleViolations> violations, List<RuleViolations> observed, List<ProducerQuality> producers) {
        /** Copies the lists. */
        public Quality {
            violations = List.copyOf(violations);
            observed = List.copyOf(observed);
            producers = List.copyOf(producers);
        }

        /** @return the dead-lettered share of the records written; 0 when none was written */
        public double deadLetteredShare() {
            return written == 0 ? 0 : (double) deadLettered / written;
        }

        /** @return the refused share of the records written; 0 when none was written */
        public double refusedShare() {
            return written == 0 ? 0 : (double) refused / written;
        }
    }

    /**
     * Violations of one rule on one field.
     *
     * @param side {@code write} or {@code read}
     * @param rule the rule
     * @param field the field, empty for a rule over the whole record
     * @param count how many
     */
    public record RuleViolations(String side, String rule, String field, long count) {
    }

    /**
     * What one producing application wrote.
     *
     * @param application its name
     * @param version its version
     * @param contractVersion the contract version it wrote under
     * @param written records given to it
     * @param deadLettered of those, dead-lettered
     * @param refused of those, refused
     */
    public record ProducerQuality(String application, String version, String contractVersion, long written,
            long deadLettered, long refused) {
    }

    /**
     * How the contract evolved.
     *
     * @param seen the contract versions records were written under in the period
     * @param registered the contract versions in the schema registry (empty when no registry was asked)
     * @param refused breaking changes the registry refused in the period: contract version, and the application
     *     that tried to register it, with how many times
     */
    public record Evolution(List<String> seen, List<String> registered, List<String> refused) {
        /** Copies the lists. */
        public Evolution {
            seen = List.copyOf(seen);
            registered = List.copyOf(registered);
            refused = List.copyOf(refused);
        }
    }

    /**
     * Who uses the data product.
     *
     * @param producers the producing applications (name and version) that wrote in the period
     * @param consumers the consuming groups with committed offsets on its topics
     */
    public record Users(List<String> producers, List<ConsumerGroup> consumers) {
        /** Copies the lists. */
        public Users {
            producers = List.copyOf(producers);
            consumers = List.copyOf(consumers);
        }
    }

    /**
     * One consuming group.
     *
     * @param group the group id
     * @param lag records between its committed offsets and the end of the topics, when collected
     * @param finished records its governed members finished in the period (from their metrics; 0 without)
     */
    public record ConsumerGroup(String group, long lag, long finished) {
    }

    /**
     * @param name an objective's name
     * @return that objective, if the contract states it
     */
    public java.util.Optional<Objective> objective(String name) {
        return objectives.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** @return the objectives missed */
    public List<Objective> missed() {
        return objectives.stream().filter(o -> o.status() == Status.MISSED).toList();
    }

    /**
     * Every scorecard of a period, with its renderings.
     *
     * @param from the period's start
     * @param to the period's end
     * @param target the share of records a freshness objective holds for, such as 0.99
     * @param scorecards one per data product
     */
    public record Report(Instant from, Instant to, double target, List<Scorecard> scorecards)
            implements RenderedReport {

        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        /** Copies the list. */
        public Report {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            scorecards = List.copyOf(scorecards);
        }

        /**
         * @param subject a contract's subject
         * @return its scorecard
         * @throws IllegalArgumentException when the report has none for it
         */
        public Scorecard scorecard(String subject) {
            return scorecards.stream().filter(s -> s.subject().equals(subject)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no scorecard for " + subject + "; there are: "
                            + scorecards.stream().map(Scorecard::subject).toList()));
        }

        /** @return {@code subject: objective (measured)} for every objective missed */
        public List<String> missed() {
            List<String> missed = new ArrayList<>();
            scorecards.forEach(card -> card.missed().forEach(objective -> missed.add(card.subject() + ": "
                    + objective.name() + " " + objective.objective() + " missed (" + objective.measured() + ")")));
            return missed;
        }

        /** @return a plain-text report, a section per data product */
        public String toText() {
            StringBuilder text = new StringBuilder("Data product scorecards, " + from + " to " + to + "\n");
            for (Scorecard card : scorecards) {
                text.append("\n").append(card.subject()).append(" (contract ").append(card.contractVersion())
                        .append(", owner ").append(card.owner()).append(", topics ")
                        .append(String.join(", ", card.topics())).append(")\n\n");
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"objective", "promise", "measured", "status", "error budget left"});
                for (Objective objective : card.objectives()) {
                    rows.add(new String[] {objective.name(), objective.objective(), objective.measured(),
                        objective.status().id(), budget(objective.errorBudgetLeft())});
                }
                UsageReport.table(text, rows);
                Quality quality = card.quality();
                text.append("\nquality: ").append(quality.written()).append(" records written, ")
                        .append(quality.sent()).append(" sent, ").append(quality.deadLettered())
                        .append(" dead-lettered (").append(percent(quality.deadLetteredShare())).append("), ")
                        .append(quality.refused()).append(" refused (").append(percent(quality.refusedShare()))
                        .append("); ").append(quality.read()).append(" read, ").append(quality.readDeadLettered())
                        .append(" set aside by consumers\n");
                if (!quality.violations().isEmpty() || !quality.observed().isEmpty()) {
                    List<String[]> violations = new ArrayList<>();
                    violations.add(new String[] {"rule", "field", "side", "violations"});
                    quality.violations().forEach(v -> violations.add(new String[] {v.rule(), v.field(), v.side(),
                        Long.toString(v.count())}));
                    quality.observed().forEach(v -> violations.add(new String[] {v.rule() + " (observed)",
                        v.field(), v.side(), Long.toString(v.count())}));
                    text.append('\n');
                    UsageReport.table(text, violations);
                }
                if (!quality.producers().isEmpty()) {
                    List<String[]> producers = new ArrayList<>();
                    producers.add(new String[] {"producer", "version", "contract", "written", "dead-lettered",
                        "refused"});
                    quality.producers().forEach(p -> producers.add(new String[] {p.application(), p.version(),
                        p.contractVersion(), Long.toString(p.written()), Long.toString(p.deadLettered()),
                        Long.toString(p.refused())}));
                    text.append('\n');
                    UsageReport.table(text, producers);
                }
                text.append("\nevolution: versions written under ").append(card.evolution().seen())
                        .append(card.evolution().registered().isEmpty() ? ""
                                : ", registered " + card.evolution().registered())
                        .append(card.evolution().refused().isEmpty() ? ""
                                : "; breaking changes refused " + card.evolution().refused()).append('\n');
                text.append("users: producers ").append(card.users().producers()).append("; consumer groups ");
                text.append(card.users().consumers().stream().map(g -> g.group() + " (lag " + g.lag() + ")")
                        .toList()).append('\n');
            }
            List<String> missed = missed();
            text.append(missed.isEmpty() ? "\nEvery objective was met.\n"
                    : "\nMissed:\n  " + String.join("\n  ", missed) + "\n");
            return text.toString();
        }

        /** @return CSV: one row per data product and objective */
        public String toCsv() {
            StringBuilder csv = new StringBuilder("subject,contract_version,objective,promise,measured,status,"
                    + "error_budget_left,records_written,dead_lettered_share,refused_share\n");
            for (Scorecard card : scorecards) {
                for (Objective objective : card.objectives()) {
                    csv.append(String.join(",", UsageReport.csvText(card.subject()),
                            UsageReport.csvText(card.contractVersion()), objective.name(),
                            UsageReport.csvText(objective.objective()), UsageReport.csvText(objective.measured()),
                            objective.status().name(), Double.isNaN(objective.errorBudgetLeft()) ? ""
                                    : number(objective.errorBudgetLeft()),
                            Long.toString(card.quality().written()), number(card.quality().deadLetteredShare()),
                            number(card.quality().refusedShare()))).append('\n');
                }
            }
            return csv.toString();
        }

        /** @return JSON with every figure */
        public String toJson() {
            ObjectNode root = JSON.createObjectNode();
            root.put("from", from.toString()).put("to", to.toString()).put("target", target);
            ArrayNode cards = root.putArray("scorecards");
            for (Scorecard card : scorecards) {
                ObjectNode node = cards.addObject().put("subject", card.subject())
                        .put("contractVersion", card.contractVersion()).put("owner", card.owner());
                card.topics().forEach(node.putArray("topics")::add);
                ArrayNode objectives = node.putArray("objectives");
                for (Objective objective : card.objectives()) {
                    ObjectNode o = objectives.addObject().put("name", objective.name())
                            .put("objective", objective.objective()).put("measured", objective.measured())
                            .put("status", objective.status().name());
                    if (!Double.isNaN(objective.errorBudgetLeft())) {
                        o.put("errorBudgetLeft", objective.errorBudgetLeft());
                    }
                    ObjectNode figures = o.putObject("figures");
                    objective.figures().forEach((name, value) -> {
                        if (!value.isNaN() && !value.isInfinite()) {
                            figures.put(name, value);
                        }
                    });
                }
                node.set("quality", JSON.valueToTree(card.quality()));
                ((ObjectNode) node.get("quality")).put("deadLetteredShare", card.quality().deadLetteredShare())
                        .put("refusedShare", card.quality().refusedShare());
                node.set("evolution", JSON.valueToTree(card.evolution()));
                node.set("users", JSON.valueToTree(card.users()));
            }
            try {
                return JSON.writeValueAsString(root) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** @return a self-contained HTML page: a section per data product with its charts, no script */
        public String toHtml() {
            StringBuilder html = new StringBuilder();
            html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                    .append("<title>Data product scorecards ").append(UsageReport.escape(from + " .. " + to))
                    .append("</title>\n<style>\n")
                    .append("body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#1a202c}\n")
                    .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #cbd5e0;")
                    .append("padding:4px 8px;text-align:right}th{background:#edf2f7}")
                    .append("td:first-child,th:first-child{text-align:left}\n")
                    .append(".met{color:#2f855a;font-weight:bold}.missed{color:#c53030;font-weight:bold}")
                    .append(".not-measured{color:#718096}\nsvg{display:block;margin:1em 0}text{font-size:12px}\n")
                    .append("section{border-top:2px solid #2b6cb0;margin-top:2em}\n</style>\n</head>\n<body>\n")
                    .append("<h1>Data product scorecards</h1>\n<p>").append(UsageReport.escape(from.toString()))
                    .append(" to ").append(UsageReport.escape(to.toString()))
                    .append(". Freshness holds when at least ").append(percent(target))
                    .append(" of the records read arrived within the objective.</p>\n");
            List<String> missed = missed();
            html.append("<p id=\"verdict\" class=\"").append(missed.isEmpty() ? "met\">Every objective was met."
                    : "missed\">" + missed.size() + " objective(s) missed.").append("</p>\n");
            for (Scorecard card : scorecards) {
                String id = card.subject().replaceAll("[^A-Za-z0-9_-]", "-");
                html.append("<section id=\"").append(id).append("\">\n<h2>")
                        .append(UsageReport.escape(card.subject())).append("</h2>\n<p>Contract ")
                        .append(UsageReport.escape(card.contractVersion())).append(", owned by ")
                        .append(UsageReport.escape(card.owner())).append(", on ")
                        .append(UsageReport.escape(String.join(", ", card.topics()))).append(".</p>\n");
                html.append("<table class=\"objectives\">\n<thead><tr><th>objective</th><th>promise</th>")
                        .append("<th>measured</th><th>status</th><th>error budget left</th></tr></thead>\n<tbody>\n");
                for (Objective objective : card.objectives()) {
                    html.append("<tr><td>").append(objective.name()).append("</td><td>")
                            .append(UsageReport.escape(objective.objective())).append("</td><td>")
                            .append(UsageReport.escape(objective.measured())).append("</td><td class=\"")
                            .append(objective.status().id().replace(' ', '-')).append("\">")
                            .append(objective.status().id()).append("</td><td>")
                            .append(budget(objective.errorBudgetLeft())).append("</td></tr>\n");
                }
                html.append("</tbody>\n</table>\n");
                card.objective("freshness").ifPresent(freshness -> html.append(freshnessChart(id, freshness)));
                html.append(qualityChart(id, card.quality()));
                html.append("<h3>Violations</h3>\n<table class=\"violations\">\n<thead><tr><th>rule</th>")
                        .append("<th>field</th><th>side</th><th>records</th></tr></thead>\n<tbody>\n");
                card.quality().violations().forEach(v -> html.append(row(v.rule(), v.field(), v.side(),
                        Long.toString(v.count()))));
                card.quality().observed().forEach(v -> html.append(row(v.rule() + " (observed)", v.field(),
                        v.side(), Long.toString(v.count()))));
                html.append("</tbody>\n</table>\n<h3>Producers</h3>\n<table class=\"producers\">\n<thead><tr>")
                        .append("<th>application</th><th>version</th><th>contract</th><th>written</th>")
                        .append("<th>dead-lettered</th><th>refused</th></tr></thead>\n<tbody>\n");
                card.quality().producers().forEach(p -> html.append(row(p.application(), p.version(),
                        p.contractVersion(), Long.toString(p.written()), Long.toString(p.deadLettered()),
                        Long.toString(p.refused()))));
                html.append("</tbody>\n</table>\n<h3>Consumers</h3>\n<table class=\"consumers\">\n<thead><tr>")
                        .append("<th>group</th><th>lag</th><th>finished in the period</th></tr></thead>\n<tbody>\n");
                card.users().consumers().forEach(g -> html.append(row(g.group(), Long.toString(g.lag()),
                        Long.toString(g.finished()))));
                html.append("</tbody>\n</table>\n<p>Contract versions written under: ")
                        .append(UsageReport.escape(String.join(", ", card.evolution().seen())))
                        .append(card.evolution().registered().isEmpty() ? "" : "; registered: "
                                + UsageReport.escape(String.join(", ", card.evolution().registered())))
                        .append(card.evolution().refused().isEmpty() ? "" : "; breaking changes refused: "
                                + UsageReport.escape(String.join(", ", card.evolution().refused())))
                        .append(".</p>\n</section>\n");
            }
            return html.append("</body>\n</html>\n").toString();
        }

        private static String row(String... cells) {
            StringBuilder row = new StringBuilder("<tr>");
            for (String cell : cells) {
                row.append("<td>").append(UsageReport.escape(cell)).append("</td>");
            }
            return row.append("</tr>\n").toString();
        }

        /** Bars of p50, p95 and p99 with the objective as a dashed line. */
        private static String freshnessChart(String id, Objective freshness) {
            double objective = freshness.figures().getOrDefault("objective", 0.0);
            double[] values = {freshness.figures().getOrDefault("p50", Double.NaN),
                freshness.figures().getOrDefault("p95", Double.NaN), freshness.figures().getOrDefault("p99",
                    Double.NaN)};
            double top = objective;
            for (double value : values) {
                if (!Double.isNaN(value)) {
                    top = Math.max(top, value);
                }
            }
            if (top <= 0) {
                return "";
            }
            int width = 420;
            int height = 160;
            StringBuilder svg = new StringBuilder("<h3>Freshness at consumers</h3>\n<svg id=\"freshness-" + id
                    + "\" width=\"" + width + "\" height=\"" + (height + 30) + "\" role=\"img\" aria-label=\""
                    + "freshness percentiles against the objective\">\n");
            String[] labels = {"p50", "p95", "p99"};
            for (int i = 0; i < values.length; i++) {
                if (Double.isNaN(values[i])) {
                    continue;
                }
                int barHeight = (int) Math.round(values[i] / top / 1.1 * height);
                int x = 40 + i * 120;
                svg.append("<rect x=\"").append(x).append("\" y=\"").append(height - barHeight)
                        .append("\" width=\"80\" height=\"").append(barHeight).append("\" fill=\"")
                        .append(values[i] > objective && objective > 0 ? "#c53030" : "#2b6cb0").append("\"/>")
                        .append("<text x=\"").append(x).append("\" y=\"").append(height + 15).append("\">")
                        .append(labels[i]).append(' ').append(seconds(values[i])).append("</text>\n");
            }
            if (objective > 0) {
                int y = height - (int) Math.round(objective / top / 1.1 * height);
                svg.append("<line x1=\"20\" x2=\"").append(width - 10).append("\" y1=\"").append(y)
                        .append("\" y2=\"").append(y).append("\" stroke=\"#1a202c\" stroke-dasharray=\"6,4\"/>")
                        .append("<text x=\"").append(width - 150).append("\" y=\"").append(Math.max(12, y - 4))
                        .append("\">objective ").append(seconds(objective)).append("</text>\n");
            }
            return svg.append("</svg>\n").toString();
        }

        /** One stacked bar: sent, dead-lettered and refused shares of the records written. */
        private static String qualityChart(String id, Quality quality) {
            if (quality.written() == 0) {
                return "<h3>Records written</h3>\n<p>No governed producer reported records in the period.</p>\n";
            }
            int width = 400;
            double[] shares = {(double) quality.sent() / quality.written(), quality.deadLetteredShare(),
                quality.refusedShare()};
            String[] colours = {"#2f855a", "#b7791f", "#c53030"};
            String[] labels = {"sent", "dead-lettered", "refused"};
            StringBuilder svg = new StringBuilder("<h3>Records written</h3>\n<svg id=\"quality-" + id
                    + "\" width=\"" + (width + 20) + "\" height=\"70\" role=\"img\" aria-label=\"shares of the "
                    + "records written\">\n");
            double x = 10;
            for (int i = 0; i < shares.length; i++) {
                double w = shares[i] * width;
                svg.append("<rect x=\"").append(Math.round(x)).append("\" y=\"10\" width=\"")
                        .append(Math.round(w)).append("\" height=\"24\" fill=\"").append(colours[i]).append("\"/>")
                        .append("<text x=\"").append(10 + i * 140).append("\" y=\"52\">").append(labels[i])
                        .append(' ').append(percent(shares[i])).append("</text>\n");
                x += w;
            }
            return svg.append("</svg>\n").toString();
        }
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    static String seconds(double seconds) {
        return seconds < 1 ? String.format(Locale.ROOT, "%.1f ms", seconds * 1000)
                : String.format(Locale.ROOT, "%.3f s", seconds);
    }

    static String duration(Duration duration) {
        return seconds(duration.toMillis() / 1000.0);
    }

    private static String budget(double left) {
        return Double.isNaN(left) ? "-" : percent(left);
    }

    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros()
                .toPlainString();
    }
}
