package dev.headwater.contract;

import dev.headwater.internal.Location;
import dev.headwater.registry.CompatibilityLevel;
import dev.headwater.yaml.YamlTree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Reads contract YAML on {@link YamlTree}, so every problem names file, line and key. Unknown keys are refused (a typo
 * must not silently drop a rule), and so are keys given twice.
 */
final class ContractYaml {

    private static final Set<String> TOP = Set.of("subject", "topics", "version", "owner", "domain", "description",
            "tags", "compatibility", "deadLetterTopic", "slo", "schema", "schemaFile", "fields", "rules",
            "protection", "erasureSubject", "observe");
    private static final Set<String> OBSERVE = Set.of("sample", "period", "topic");
    private static final Set<String> OWNER = Set.of("team", "contact");
    private static final Set<String> SLO = Set.of("freshness", "expectedRecordsPerMinute");
    private static final Set<String> FIELD = Set.of("doc", "classification", "protect", "mask");
    private static final Set<String> RULE = Set.of("name", "field", "doc", "onFailure", "mode", "required", "min",
            "max", "minLength", "maxLength", "regex", "in", "format", "notInFuture", "expr", "type",
            "enforcement");

    private final String source;
    /** Where the contract was read from, for resolving schemaFile; null for text given as it is. */
    private final Location base;

    private ContractYaml(String source, Location base) {
        this.source = source;
        this.base = base;
    }

    /**
     * Reads a contract.
     *
     * @param text the YAML
     * @param source the file name for messages
     * @param baseDirectory where schemaFile is resolved, or null
     * @return the contract
     * @throws ContractDefinitionException listing every problem
     */
    static DataContract read(String text, String source, Path baseDirectory) {
        return new ContractYaml(source, baseDirectory == null ? null
                : Location.of(baseDirectory.resolve("contract.yaml"))).read(text);
    }

    /**
     * Reads a contract from where it is: a file, a classpath resource or a URL; its schemaFile beside it.
     *
     * @param location the contract's location
     * @return the contract
     * @throws ContractDefinitionException listing every problem, or saying it cannot be read
     */
    static DataContract read(Location location) {
        String text;
        try {
            text = location.read();
        } catch (IOException e) {
            throw new ContractDefinitionException(location.toString(), List.of(location + ": cannot be read: "
                    + e.getMessage()));
        }
        return new ContractYaml(location.toString(), location).read(text);
    }

    private DataContract read(String text) {
        YamlTree tree = YamlTree.parse(text, source);
        YamlTree.Value root = tree.root();
        if (!tree.problems().isEmpty() || !root.isMapping()) {
            List<String> problems = new ArrayList<>(tree.problems());
            if (problems.isEmpty()) {
                problems.add(source + ": the contract must be a YAML mapping with keys such as subject, version, "
                        + "owner, schema, rules");
            }
            throw new ContractDefinitionException(source, problems);
        }
        Map<String, YamlTree.Value> top = root.mapping(TOP);
        DataContract.Builder builder = DataContract.builder().source(source);
        builder.subject(root.get("subject").text());
        builder.version(root.get("version").text());
        builder.topics(root.get("topics").texts());
        builder.domain(root.get("domain").text(""));
        builder.description(root.get("description").text(""));
        builder.tags(root.get("tags").texts());
        builder.deadLetterTopic(root.get("deadLetterTopic").text(""));
        builder.erasureSubject(root.get("erasureSubject").text(""));
        if (top.containsKey("owner")) {
            YamlTree.Value owner = top.get("owner");
            owner.mapping(OWNER);
            String team = owner.get("team").text();
            builder.owner(team == null ? null : new Owner(team, owner.get("contact").text("")));
        }
        YamlTree.Value compatibility = root.get("compatibility");
        if (compatibility.present()) {
            CompatibilityLevel level = compatibility.choice(CompatibilityLevel.class);
            if (level != null) {
                builder.compatibility(level);
            }
        }
        if (top.containsKey("slo")) {
            builder.serviceLevels(serviceLevels(top.get("slo")));
        }
        if (top.containsKey("observe")) {
            observation(tree, top.get("observe"), builder);
        }
        Schema schema = schema(tree, top);
        builder.schema(schema);
        Map<String, Protection> byClassification = new java.util.HashMap<>();
        for (Map.Entry<String, YamlTree.Value> entry : root.get("protection").mapping(FieldInfo.CLASSIFICATIONS)
                .entrySet()) {
            Protection protection = entry.getValue().choice(Protection.class);
            if (protection != null) {
                byClassification.put(entry.getKey(), protection);
            }
        }
        for (YamlTree.Value field : root.get("fields").mapping(null).values()) {
            field.mapping(FIELD);
            String name = field.path().substring("fields.".length());
            String classification = field.get("classification").text("internal");
            boolean own = field.get("protect").present();
            Protection protection = own ? field.get("protect").choice(Protection.class)
                    : byClassification.get(classification);
            // a protect that names no protection is reported once: its mask is not also said to be out of place
            String mask = own && protection == null ? null : field.get("mask").text();
            builder.field(name, new FieldInfo(field.get("doc").text(""), classification,
                    protection == null ? Protection.NONE : protection, mask));
        }
        builder.rules(rules(tree, root.get("rules")));
        List<String> problems = new ArrayList<>(tree.problems());
        if (!problems.isEmpty()) {
            if (schema != null) {
                try {
                    builder.build();
                } catch (ContractDefinitionException e) {
                    for (String problem : e.problems()) {
                        // a key already reported (not a single value, say) is not also "required"
                        java.util.regex.Matcher required = REQUIRED.matcher(problem);
                        if (!required.find() || tree.problems().stream()
                                .noneMatch(p -> p.contains("'" + required.group(1) + "'"))) {
                            problems.add(problem);
                        }
                    }
                }
            }
            throw new ContractDefinitionException(source, problems);
        }
        return builder.build();
    }

    private static void observation(YamlTree tree, YamlTree.Value observe, DataContract.Builder builder) {
        observe.mapping(OBSERVE);
        ObservationSampling defaults = ObservationSampling.DEFAULT;
        long records = observe.get("sample").wholeNumber(0, 100_000, defaults.records());
        Duration period = observe.get("period").duration();
        if (period != null && (period.isZero() || period.isNegative())) {
            tree.problem(observe.get("period"), "observe.period must be positive, such as PT1H");
            period = null;
        }
        builder.observation(new ObservationSampling((int) records, period == null ? defaults.period() : period,
                observe.get("topic").text("")));
    }

    /**
     * A rule's {@code enforcement}: {@code observe} or {@code enforce}, or a mapping of environments to one of them
     * with an optional {@code default}.
     */
    private static RuleEnforcement enforcement(YamlTree tree, YamlTree.Value value, String rule) {
        if (!value.present()) {
            return RuleEnforcement.UNSET;
        }
        String allowed = "is not observe or enforce (observed rules are counted and sampled and the record passes)";
        if (value.isScalar()) {
            try {
                return new RuleEnforcement(Enforcement.of(value.text("")), Map.of());
            } catch (IllegalArgumentException e) {
                tree.problem(value, "rule '" + rule + "': enforcement '" + value.text("") + "' " + allowed);
                return RuleEnforcement.UNSET;
            }
        }
        Enforcement declared = null;
        Map<String, Enforcement> environments = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, YamlTree.Value> entry : value.mapping(null).entrySet()) {
            Enforcement enforcement;
            try {
                enforcement = Enforcement.of(entry.getValue().text(""));
            } catch (IllegalArgumentException e) {
                tree.problem(entry.getValue(), "rule '" + rule + "': enforcement in '" + entry.getKey() + "' "
                        + allowed);
                continue;
            }
            if (entry.getKey().equals("default")) {
                declared = enforcement;
            } else {
                environments.put(entry.getKey(), enforcement);
            }
        }
        return new RuleEnforcement(declared, environments);
    }

    private static ServiceLevels serviceLevels(YamlTree.Value slo) {
        slo.mapping(SLO);
        Duration freshness = slo.get("freshness").duration();
        long volume = slo.get("expectedRecordsPerMinute").wholeNumber(0, Long.MAX_VALUE, 0);
        return new ServiceLevels(freshness == null ? Duration.ZERO : freshness, volume);
    }

    private Schema schema(YamlTree tree, Map<String, YamlTree.Value> top) {
        YamlTree.Value inline = top.get("schema");
        YamlTree.Value file = top.get("schemaFile");
        if (inline != null && file != null) {
            tree.problem(file, "give 'schema' or 'schemaFile', not both");
            return null;
        }
        String text;
        YamlTree.Value at;
        if (inline != null) {
            text = inline.text();
            at = inline;
        } else if (file != null) {
            at = file;
            String name = file.text();
            if (name == null) {
                return null;
            }
            Location schema = base == null ? Location.of(name) : base.resolve(name);
            try {
                text = schema.read();
            } catch (IOException e) {
                tree.problem(file, "schemaFile '" + name + "' cannot be read (" + schema + ": " + e.getMessage()
                        + ")");
                return null;
            }
        } else {
            return null;
        }
        if (text == null) {
            return null;
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (org.apache.avro.AvroRuntimeException e) { // SchemaParseException, or a field declared twice
            java.util.regex.Matcher duplicate = DUPLICATE_FIELD.matcher(String.valueOf(e.getMessage()));
            if (duplicate.find()) {
                // Avro names the field and record but not where: the lines that declare the field say it
                String field = duplicate.group(1);
                List<Integer> lines = linesDeclaring(text, field);
                String where = file != null ? file.text() + " lines " : "schema lines ";
                int offset = file != null ? 0 : at.line(); // an inline schema starts on the line after its key
                tree.problem(at, "the Avro schema is invalid: field '" + field + "' is declared twice in record "
                        + duplicate.group(2) + " (" + where + lines.stream().map(n -> String.valueOf(n + offset))
                        .collect(java.util.stream.Collectors.joining(", ")) + "); give each field of a record a "
                        + "name of its own");
            } else {
                tree.problem(at, "the Avro schema is invalid: " + e.getMessage());
            }
            return null;
        }
    }

    /** The builder's message for a key that is missing. */
    private static final java.util.regex.Pattern REQUIRED = java.util.regex.Pattern.compile("'([\\w.]+)' is required");

    /** Avro's message for a record that declares a field twice: the field, then the record. */
    private static final java.util.regex.Pattern DUPLICATE_FIELD = java.util.regex.Pattern.compile(
            "Duplicate field (\\S+) in record (\\S+?):");

    /** The lines (from 1) of a schema's text that declare a field of this name. */
    private static List<Integer> linesDeclaring(String text, String field) {
        java.util.regex.Pattern declaration = java.util.regex.Pattern.compile("\"name\"\\s*:\\s*\""
                + java.util.regex.Pattern.quote(field) + "\"");
        List<Integer> lines = new ArrayList<>();
        String[] all = text.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            if (declaration.matcher(all[i]).find()) {
                lines.add(i + 1);
            }
        }
        return lines;
    }

    private static List<ContractRule> rules(YamlTree tree, YamlTree.Value list) {
        List<ContractRule> rules = new ArrayList<>();
        for (YamlTree.Value rule : list.list()) {
            rule.mapping(RULE);
            String name = rule.get("name").text("");
            String expr = rule.get("expr").text("");
            ContractRule.Builder builder = expr.isEmpty()
                    ? ContractRule.field(name, rule.get("field").text(""))
                    : ContractRule.cel(name, expr).exprType(rule.get("type").text("CEL"));
            if (!expr.isEmpty() && rule.get("field").present()) {
                builder = ContractRule.field(name, rule.get("field").text(""));
                tree.problem(rule.get("expr"), "rule '" + name + "': a rule has either 'expr' or a 'field' with "
                        + "constraints, not both");
            }
            builder.line(rule.line()).doc(rule.get("doc").text(""));
            OnFailure onFailure = choice(tree, rule, "onFailure", OnFailure.class, name, "is not ERROR or DLQ");
            if (onFailure != null) {
                builder.onFailure(onFailure);
            }
            RuleMode mode = choice(tree, rule, "mode", RuleMode.class, name,
                    "is not WRITE, READ or WRITEREAD (where the rule is checked; WRITEREAD by default)");
            if (mode != null) {
                builder.mode(mode);
            }
            builder.enforcement(enforcement(tree, rule.get("enforcement"), name));
            if (rule.get("required").isTrue()) {
                builder.required();
            }
            Double min = number(tree, rule, "min", name);
            if (min != null) {
                builder.min(min);
            }
            Double max = number(tree, rule, "max", name);
            if (max != null) {
                builder.max(max);
            }
            Double minLength = number(tree, rule, "minLength", name);
            if (minLength != null) {
                builder.minLength(minLength.intValue());
            }
            Double maxLength = number(tree, rule, "maxLength", name);
            if (maxLength != null) {
                builder.maxLength(maxLength.intValue());
            }
            builder.regex(rule.get("regex").text(""));
            builder.allowed(rule.get("in").texts());
            builder.format(rule.get("format").text("").toLowerCase(Locale.ROOT));
            if (rule.get("notInFuture").isTrue()) {
                builder.notInFuture();
            }
            rules.add(builder.build());
        }
        return rules;
    }

    private static Double number(YamlTree tree, YamlTree.Value rule, String key, String ruleName) {
        String text = rule.get(key).text();
        if (text == null) {
            return null;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            tree.problem(rule.get(key), "rule '" + ruleName + "': " + key + " '" + text + "' is not a number");
            return null;
        }
    }

    /** Reads an enumerated key of a rule, case-insensitively; null when absent or naming no constant (a problem). */
    private static <E extends Enum<E>> E choice(YamlTree tree, YamlTree.Value rule, String key, Class<E> type,
            String ruleName, String whatIsAllowed) {
        String value = rule.get(key).text();
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            tree.problem(rule.get(key), "rule '" + ruleName + "': " + key + " '" + value + "' " + whatIsAllowed);
            return null;
        }
    }
}
