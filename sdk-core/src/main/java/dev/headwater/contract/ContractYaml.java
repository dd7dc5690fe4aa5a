package dev.headwater.contract;

import dev.headwater.internal.Location;
import dev.headwater.registry.CompatibilityLevel;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads contract YAML with line numbers, so every problem names file, line and key. Unknown keys are refused (a typo
 * must not silently drop a rule).
 */
final class ContractYaml {

    private static final Set<String> TOP = Set.of("subject", "topics", "version", "owner", "domain", "description",
            "tags", "compatibility", "deadLetterTopic", "slo", "schema", "schemaFile", "fields", "rules");
    private static final Set<String> OWNER = Set.of("team", "contact");
    private static final Set<String> SLO = Set.of("freshness", "expectedRecordsPerMinute");
    private static final Set<String> FIELD = Set.of("doc", "classification");
    private static final Set<String> RULE = Set.of("name", "field", "doc", "onFailure", "mode", "required", "min",
            "max", "minLength", "maxLength", "regex", "in", "format", "notInFuture", "expr", "type");

    private final String source;
    /** Where the contract was read from, for resolving schemaFile; null for text given as it is. */
    private final Location base;
    private final List<String> problems = new ArrayList<>();

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
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw new ContractDefinitionException(source, List.of(source + ":"
                    + (e.getProblemMark().getLine() + 1) + ": not valid YAML: " + e.getProblem()));
        }
        if (!(root instanceof MappingNode)) {
            throw new ContractDefinitionException(source, List.of(source + ": the contract must be a YAML mapping "
                    + "with keys such as subject, version, owner, schema, rules"));
        }
        Map<String, NodeTuple> top = mapping(root, TOP, "");
        DataContract.Builder builder = DataContract.builder().source(source);
        builder.subject(text(top, "subject"));
        builder.version(text(top, "version"));
        builder.topics(texts(top.get("topics")));
        builder.domain(orEmpty(text(top, "domain")));
        builder.description(orEmpty(text(top, "description")));
        builder.tags(texts(top.get("tags")));
        builder.deadLetterTopic(orEmpty(text(top, "deadLetterTopic")));
        if (top.containsKey("owner")) {
            Map<String, NodeTuple> owner = mapping(top.get("owner").getValueNode(), OWNER, "owner.");
            String team = text(owner, "team");
            builder.owner(team == null ? null : new Owner(team, orEmpty(text(owner, "contact"))));
        }
        String compatibility = text(top, "compatibility");
        if (compatibility != null) {
            try {
                builder.compatibility(CompatibilityLevel.valueOf(compatibility.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problem(top.get("compatibility"), "compatibility '" + compatibility + "' is not one of "
                        + List.of(CompatibilityLevel.values()));
            }
        }
        if (top.containsKey("slo")) {
            builder.serviceLevels(serviceLevels(top.get("slo")));
        }
        Schema schema = schema(top);
        builder.schema(schema);
        if (top.containsKey("fields")) {
            Node fieldsNode = top.get("fields").getValueNode();
            for (Map.Entry<String, NodeTuple> entry : mapping(fieldsNode, null, "fields.").entrySet()) {
                Map<String, NodeTuple> info = mapping(entry.getValue().getValueNode(), FIELD,
                        "fields." + entry.getKey() + ".");
                builder.field(entry.getKey(), new FieldInfo(orEmpty(text(info, "doc")),
                        text(info, "classification") == null ? "internal" : text(info, "classification")));
            }
        }
        builder.rules(rules(top.get("rules")));
        if (!problems.isEmpty()) {
            if (schema != null) {
                try {
                    builder.build();
                } catch (ContractDefinitionException e) {
                    problems.addAll(e.problems());
                }
            }
            throw new ContractDefinitionException(source, problems);
        }
        return builder.build();
    }

    private ServiceLevels serviceLevels(NodeTuple tuple) {
        Map<String, NodeTuple> slo = mapping(tuple.getValueNode(), SLO, "slo.");
        Duration freshness = Duration.ZERO;
        String text = text(slo, "freshness");
        if (text != null) {
            try {
                freshness = Duration.parse(text);
            } catch (DateTimeParseException e) {
                problem(slo.get("freshness"), "slo.freshness '" + text + "' is not an ISO-8601 duration such as PT5M");
            }
        }
        long volume = 0;
        String volumeText = text(slo, "expectedRecordsPerMinute");
        if (volumeText != null) {
            try {
                volume = Long.parseLong(volumeText);
            } catch (NumberFormatException e) {
                problem(slo.get("expectedRecordsPerMinute"), "slo.expectedRecordsPerMinute '" + volumeText
                        + "' is not a whole number");
            }
        }
        return new ServiceLevels(freshness, volume);
    }

    private Schema schema(Map<String, NodeTuple> top) {
        NodeTuple inline = top.get("schema");
        NodeTuple file = top.get("schemaFile");
        if (inline != null && file != null) {
            problem(file, "give 'schema' or 'schemaFile', not both");
            return null;
        }
        String text;
        NodeTuple at;
        if (inline != null) {
            text = scalar(inline.getValueNode(), "schema");
            at = inline;
        } else if (file != null) {
            at = file;
            String name = scalar(file.getValueNode(), "schemaFile");
            if (name == null) {
                return null;
            }
            Location schema = base == null ? Location.of(name) : base.resolve(name);
            try {
                text = schema.read();
            } catch (IOException e) {
                problem(file, "schemaFile '" + name + "' cannot be read (" + schema + ": " + e.getMessage() + ")");
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
        } catch (SchemaParseException e) {
            problem(at, "the Avro schema is invalid: " + e.getMessage());
            return null;
        }
    }

    private List<ContractRule> rules(NodeTuple tuple) {
        List<ContractRule> rules = new ArrayList<>();
        if (tuple == null) {
            return rules;
        }
        if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
            problem(tuple, "'rules' must be a list");
            return rules;
        }
        for (Node item : sequence.getValue()) {
            Map<String, NodeTuple> rule = mapping(item, RULE, "rules[].");
            String name = orEmpty(text(rule, "name"));
            String expr = orEmpty(text(rule, "expr"));
            ContractRule.Builder builder = expr.isEmpty()
                    ? ContractRule.field(name, orEmpty(text(rule, "field")))
                    : ContractRule.cel(name, expr).exprType(text(rule, "type") == null ? "CEL" : text(rule, "type"));
            if (!expr.isEmpty() && rule.containsKey("field")) {
                builder = ContractRule.field(name, text(rule, "field"));
                problem(rule.get("expr"), "rule '" + name + "': a rule has either 'expr' or a 'field' with "
                        + "constraints, not both");
            }
            builder.line(item.getStartMark().getLine() + 1).doc(orEmpty(text(rule, "doc")));
            OnFailure onFailure = choice(rule, "onFailure", OnFailure.class, name, "is not ERROR or DLQ");
            if (onFailure != null) {
                builder.onFailure(onFailure);
            }
            RuleMode mode = choice(rule, "mode", RuleMode.class, name,
                    "is not WRITE, READ or WRITEREAD (where the rule is checked; WRITEREAD by default)");
            if (mode != null) {
                builder.mode(mode);
            }
            if ("true".equals(text(rule, "required"))) {
                builder.required();
            }
            Double min = number(rule, "min", name);
            if (min != null) {
                builder.min(min);
            }
            Double max = number(rule, "max", name);
            if (max != null) {
                builder.max(max);
            }
            Double minLength = number(rule, "minLength", name);
            if (minLength != null) {
                builder.minLength(minLength.intValue());
            }
            Double maxLength = number(rule, "maxLength", name);
            if (maxLength != null) {
                builder.maxLength(maxLength.intValue());
            }
            builder.regex(orEmpty(text(rule, "regex")));
            builder.allowed(texts(rule.get("in")));
            builder.format(orEmpty(text(rule, "format")).toLowerCase(Locale.ROOT));
            if ("true".equals(text(rule, "notInFuture"))) {
                builder.notInFuture();
            }
            rules.add(builder.build());
        }
        return rules;
    }

    private Double number(Map<String, NodeTuple> rule, String key, String ruleName) {
        String text = text(rule, key);
        if (text == null) {
            return null;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            problem(rule.get(key), "rule '" + ruleName + "': " + key + " '" + text + "' is not a number");
            return null;
        }
    }

    private Map<String, NodeTuple> mapping(Node node, Set<String> allowed, String prefix) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        if (!(node instanceof MappingNode mapping)) {
            problems.add(source + ":" + (node.getStartMark().getLine() + 1) + ": '" + prefix.replaceAll("\\.$", "")
                    + "' must be a mapping");
            return entries;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "?";
            if (allowed != null && !allowed.contains(key)) {
                problem(tuple, "unknown key '" + prefix + key + "'; allowed here: "
                        + allowed.stream().sorted().toList());
                continue;
            }
            entries.put(key, tuple);
        }
        return entries;
    }

    private String text(Map<String, NodeTuple> entries, String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : scalar(tuple.getValueNode(), key);
    }

    private String scalar(Node node, String key) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        problems.add(source + ":" + (node.getStartMark().getLine() + 1) + ": '" + key + "' must be a single value");
        return null;
    }

    private List<String> texts(NodeTuple tuple) {
        List<String> values = new ArrayList<>();
        if (tuple == null) {
            return values;
        }
        if (tuple.getValueNode() instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                String value = scalar(item, "list item");
                if (value != null) {
                    values.add(value);
                }
            }
        } else {
            problem(tuple, "'" + ((ScalarNode) tuple.getKeyNode()).getValue() + "' must be a list");
        }
        return values;
    }

    /**
     * Reads an enumerated key of a rule, case-insensitively.
     *
     * @return the constant, or null when the key is absent or names no constant (then a problem is recorded)
     */
    private <E extends Enum<E>> E choice(Map<String, NodeTuple> rule, String key, Class<E> type, String ruleName,
            String whatIsAllowed) {
        String value = text(rule, key);
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem(rule.get(key), "rule '" + ruleName + "': " + key + " '" + value + "' " + whatIsAllowed);
            return null;
        }
    }

    private void problem(NodeTuple at, String message) {
        problems.add(source + ":" + (at.getKeyNode().getStartMark().getLine() + 1) + ": " + message);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
