package dev.headwater.pipeline.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What enforcing each observed rule would have done in a period, from the governed clients' metrics
 * ({@code headwater.contract.violations.observed}, OTLP JSON as the usage report reads them): per contract and rule,
 * how many records would have been refused and how many dead-lettered, by the application that checked it (the
 * producer on write, the consuming application on read), its version and environment. The numbers an owner promotes a
 * rule from {@code observe} to {@code enforce} with.
 *
 * <pre>{@code
 * RolloutReport report = RolloutReport.fromMetrics(List.of(Path.of("otel-metrics.jsonl")),
 *         Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
 * System.out.println(report.toText());
 * }</pre>
 *
 * @param from the period's start
 * @param to the period's end
 * @param rules every observed rule that was broken in the period, most records first
 */
public record RolloutReport(Instant from, Instant to, List<Rule> rules) implements RenderedReport {

    /** The metric the clients count observed violations in. */
    public static final String METRIC = "headwater.contract.violations.observed";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> BY = List.of("headwater.contract", "headwater.rule", "headwater.rule.side",
            "headwater.application", "headwater.application.version", "headwater.environment",
            "headwater.rule.would");

    /** Copies the list. */
    public RolloutReport {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        rules = List.copyOf(rules);
    }

    /**
     * One observed rule.
     *
     * @param contract the contract's subject
     * @param rule the rule's name
     * @param side {@code write} (checked by producers) or {@code read} (by consumers)
     * @param wouldRefuse records enforcing it would have refused
     * @param wouldDeadLetter records enforcing it would have dead-lettered
     * @param byApplication the same, per application that checked it
     */
    public record Rule(String contract, String rule, String side, long wouldRefuse, long wouldDeadLetter,
            List<Application> byApplication) {
        /** Copies the list. */
        public Rule {
            byApplication = List.copyOf(byApplication);
        }

        /** @return the records that broke the rule: refused and dead-lettered, had it been enforced */
        public long records() {
            return wouldRefuse + wouldDeadLetter;
        }
    }

    /**
     * One application's share of an observed rule's violations.
     *
     * @param application the application's name
     * @param version its version, may be empty
     * @param environment where it ran, may be empty
     * @param wouldRefuse records enforcing the rule would have refused
     * @param wouldDeadLetter records enforcing the rule would have dead-lettered
     */
    public record Application(String application, String version, String environment, long wouldRefuse,
            long wouldDeadLetter) {
    }

    /**
     * Reads the report from OTLP JSON metrics files.
     *
     * @param metrics the files
     * @param from the period's start
     * @param to the period's end
     * @return the report
     * @throws dev.headwater.HeadwaterException naming a file or line that cannot be read
     */
    public static RolloutReport fromMetrics(List<Path> metrics, Instant from, Instant to) {
        OtlpMetrics read = OtlpMetrics.read(metrics);
        Map<List<String>, Double> counts = read.increase(METRIC, attributes -> true, BY, from, to);
        Map<List<String>, Map<List<String>, long[]>> byRule = new LinkedHashMap<>();
        counts.forEach((key, value) -> {
            long records = Math.round(value);
            if (records == 0) {
                return;
            }
            long[] tally = byRule.computeIfAbsent(key.subList(0, 3), k -> new LinkedHashMap<>())
                    .computeIfAbsent(key.subList(3, 6), k -> new long[2]);
            tally["dead_letter".equals(key.get(6)) ? 1 : 0] += records;
        });
        List<Rule> rules = new ArrayList<>();
        byRule.forEach((rule, applications) -> {
            List<Application> list = new ArrayList<>();
            long refuse = 0;
            long deadLetter = 0;
            for (Map.Entry<List<String>, long[]> entry : applications.entrySet()) {
                List<String> app = entry.getKey();
                list.add(new Application(app.get(0), app.get(1), app.get(2), entry.getValue()[0],
                        entry.getValue()[1]));
                refuse += entry.getValue()[0];
                deadLetter += entry.getValue()[1];
            }
            list.sort(Comparator.comparingLong((Application a) -> -(a.wouldRefuse() + a.wouldDeadLetter()))
                    .thenComparing(Application::application));
            rules.add(new Rule(rule.get(0), rule.get(1), rule.get(2), refuse, deadLetter, list));
        });
        rules.sort(Comparator.comparingLong((Rule r) -> -r.records()).thenComparing(Rule::contract)
                .thenComparing(Rule::rule));
        return new RolloutReport(from, to, rules);
    }

    /**
     * @param contract a contract's subject
     * @param rule a rule's name
     * @param side write or read
     * @return that rule's line; empty when it was not broken in the period
     */
    public java.util.Optional<Rule> rule(String contract, String rule, String side) {
        return rules.stream().filter(r -> r.contract().equals(contract) && r.rule().equals(rule)
                && r.side().equals(side)).findFirst();
    }

    /** @return table, csv and json: the rollout report has no HTML page */
    @Override
    public List<String> formats() {
        return List.of("table", "csv", "json");
    }

    /** @return a plain-text table, one line per rule and application */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append("Observed rules from ").append(from).append(" to ").append(to)
                .append(": what enforcing each would have done\n\n");
        if (rules.isEmpty()) {
            return text.append("No observed rule was broken in the period (or no client reported one).\n")
                    .toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"contract", "rule", "side", "application", "version", "environment", "would refuse",
            "would dead-letter"});
        for (Rule rule : rules) {
            rows.add(new String[] {rule.contract(), rule.rule(), rule.side(), "(all)", "", "",
                Long.toString(rule.wouldRefuse()), Long.toString(rule.wouldDeadLetter())});
            for (Application app : rule.byApplication()) {
                rows.add(new String[] {"", "", "", app.application(), app.version(), app.environment(),
                    Long.toString(app.wouldRefuse()), Long.toString(app.wouldDeadLetter())});
            }
        }
        UsageReport.table(text, rows);
        return text.toString();
    }

    /** @return CSV, one row per rule and application, with a header row */
    public String toCsv() {
        StringBuilder csv = new StringBuilder("contract,rule,side,application,version,environment,would_refuse,"
                + "would_dead_letter\n");
        for (Rule rule : rules) {
            for (Application app : rule.byApplication()) {
                csv.append(String.join(",", csv(rule.contract()), csv(rule.rule()), rule.side(),
                        csv(app.application()), csv(app.version()), csv(app.environment()),
                        Long.toString(app.wouldRefuse()), Long.toString(app.wouldDeadLetter()))).append('\n');
            }
        }
        return csv.toString();
    }

    /** @return JSON: the period and every rule with its applications */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("from", from.toString());
        root.put("to", to.toString());
        ArrayNode list = root.putArray("rules");
        for (Rule rule : rules) {
            ObjectNode node = list.addObject().put("contract", rule.contract()).put("rule", rule.rule())
                    .put("side", rule.side()).put("wouldRefuse", rule.wouldRefuse())
                    .put("wouldDeadLetter", rule.wouldDeadLetter());
            ArrayNode apps = node.putArray("byApplication");
            for (Application app : rule.byApplication()) {
                apps.addObject().put("application", app.application()).put("version", app.version())
                        .put("environment", app.environment()).put("wouldRefuse", app.wouldRefuse())
                        .put("wouldDeadLetter", app.wouldDeadLetter());
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csv(String value) {
        return UsageReport.csvText(value);
    }
}
