package dev.headwater.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaDefinition;
import dev.headwater.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What a consuming team relies on in a contract it reads, declared in a small YAML file the consuming team owns:
 *
 * <pre>
 * consumer: team-payments
 * contract: retail.orders.placed.v1-value
 * reads:
 *   - {field: amount, type: double, required: true, min: 0.01}
 *   - {field: currency, in: [EUR, USD, GBP]}
 *   - {field: id}
 * </pre>
 *
 * <p>Each entry says the field must be present (by name or alias), and optionally of a type, never null, within a range
 * or a set of values. {@link #check(DataContract)} tells whether a contract version still guarantees all of it. The
 * producing team's contract test loads every expectation (from a directory, or published to the registry with
 * {@link #publish(SchemaRegistryClient)}) and fails when a change would break one.
 *
 * @param consumer the consuming team or application
 * @param contract the subject of the contract it reads
 * @param reads what it relies on, one entry per field
 * @param source where the expectation was read from, for messages
 */
public record ConsumerExpectation(String consumer, String contract, List<FieldExpectation> reads, String source) {

    /** Subjects expectations are published under: {@code {contract subject}-expectation-{consumer}}. */
    public static final String SUBJECT_INFIX = "-expectation-";
    private static final String PROPERTY = "headwater.expectation";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a consumer relies on for one field.
     *
     * @param field the field name
     * @param type the Avro type it reads the field as ({@code string}, {@code long}, ...), or empty
     * @param required true when it cannot handle null
     * @param min the smallest value it handles, or null
     * @param max the largest value it handles, or null
     * @param in the values it handles, or empty for any
     */
    public record FieldExpectation(String field, String type, boolean required, Double min, Double max,
            List<String> in) {
        /** Copies the list. */
        public FieldExpectation {
            Objects.requireNonNull(field, "field");
            in = List.copyOf(in);
        }
    }

    /** Copies the list. */
    public ConsumerExpectation {
        reads = List.copyOf(reads);
    }

    /**
     * Loads one expectation file.
     *
     * @param file the YAML file
     * @return the expectation
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static ConsumerExpectation load(Path file) {
        try {
            return parse(dev.headwater.yaml.Utf8Text.read(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("consumer expectation " + file + " cannot be read: " + e, e);
        }
    }

    /**
     * Loads every {@code .yaml} and {@code .yml} file of a directory.
     *
     * @param directory the directory
     * @return the expectations, in file name order
     */
    public static List<ConsumerExpectation> loadDirectory(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                    .map(ConsumerExpectation::load).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("consumer expectations in " + directory + " cannot be listed: " + e,
                    e);
        }
    }

    /**
     * Parses an expectation.
     *
     * @param yaml the YAML text
     * @param source a name for messages
     * @return the expectation
     */
    @SuppressWarnings("unchecked")
    public static ConsumerExpectation parse(String yaml, String source) {
        Object root = new Yaml(new LoaderOptions()).load(yaml);
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("consumer expectation " + source + " must be a mapping with consumer, "
                    + "contract and reads");
        }
        Set<String> unknown = new HashSet<>((Set<String>) map.keySet());
        unknown.removeAll(Set.of("consumer", "contract", "reads"));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("consumer expectation " + source + ": unknown key(s) " + unknown
                    + "; allowed: consumer, contract, reads");
        }
        Object consumer = map.get("consumer");
        Object contract = map.get("contract");
        if (consumer == null || contract == null) {
            throw new IllegalArgumentException("consumer expectation " + source + " needs 'consumer' and 'contract'");
        }
        List<FieldExpectation> reads = new ArrayList<>();
        Object readsNode = map.get("reads");
        for (Object item : readsNode == null ? List.of() : (List<Object>) readsNode) {
            Map<String, Object> entry = (Map<String, Object>) item;
            Set<String> keys = new HashSet<>(entry.keySet());
            keys.removeAll(Set.of("field", "type", "required", "min", "max", "in"));
            if (!keys.isEmpty() || entry.get("field") == null) {
                throw new IllegalArgumentException("consumer expectation " + source + ": each entry of 'reads' has "
                        + "'field' and optionally type, required, min, max, in; found " + entry.keySet());
            }
            reads.add(new FieldExpectation(entry.get("field").toString(),
                    entry.get("type") == null ? "" : entry.get("type").toString(),
                    Boolean.TRUE.equals(entry.get("required")),
                    entry.get("min") == null ? null : ((Number) entry.get("min")).doubleValue(),
                    entry.get("max") == null ? null : ((Number) entry.get("max")).doubleValue(),
                    entry.get("in") == null ? List.of()
                            : ((List<Object>) entry.get("in")).stream().map(Object::toString).toList()));
        }
        return new ConsumerExpectation(consumer.toString(), contract.toString(), reads, source);
    }

    /**
     * Publishes this expectation to a registry, under subject {@code {contract}-expectation-{consumer}}, as metadata
     * of a placeholder schema, so producing teams find it without access to the consumer's repository.
     *
     * @param registry the registry
     */
    public void publish(SchemaRegistryClient registry) {
        ObjectNode metadata = JSON.createObjectNode();
        metadata.putObject("properties").put(PROPERTY, JSON.valueToTree(this).toString());
        registry.register(contract + SUBJECT_INFIX + consumer, SchemaDefinition.avro("\"null\"")
                .withMetadata(metadata), false);
    }

    /**
     * Reads every expectation published to a registry for a contract.
     *
     * @param registry the registry
     * @param contractSubject the contract's subject
     * @return the expectations
     */
    public static List<ConsumerExpectation> fromRegistry(SchemaRegistryClient registry, String contractSubject) {
        List<ConsumerExpectation> expectations = new ArrayList<>();
        for (String subject : registry.subjects(false)) {
            if (subject.startsWith(contractSubject + SUBJECT_INFIX)) {
                RegisteredSchema latest = registry.latest(subject);
                String json = latest.definition().metadata().path("properties").path(PROPERTY).asText();
                try {
                    ConsumerExpectation read = JSON.readValue(json, ConsumerExpectation.class);
                    expectations.add(new ConsumerExpectation(read.consumer(), read.contract(), read.reads(),
                            "registry subject " + subject));
                } catch (IOException e) {
                    throw new IllegalArgumentException("registry subject " + subject + " does not hold a consumer "
                            + "expectation: " + e.getMessage(), e);
                }
            }
        }
        return expectations;
    }

    /**
     * Checks that a contract version guarantees everything this consumer relies on.
     *
     * @param contract the contract version
     * @return one message per broken expectation, naming the consumer, the field, the rule and what to change; empty
     *     when the contract keeps them all (or is another contract)
     */
    public List<String> check(DataContract contract) {
        List<String> broken = new ArrayList<>();
        if (!this.contract.equals(contract.subject())) {
            return broken;
        }
        Schema schema = contract.schema();
        String who = "consumer " + consumer + " (" + source + ")";
        for (FieldExpectation expected : reads) {
            Schema.Field field = schema.getField(expected.field()) != null ? schema.getField(expected.field())
                    : schema.getFields().stream().filter(f -> f.aliases().contains(expected.field())).findFirst()
                            .orElse(null);
            if (field == null) {
                broken.add(who + " reads field '" + expected.field() + "', which contract " + contract.subject() + " v"
                        + contract.version() + " no longer has: keep the field, or rename it with '"
                        + expected.field() + "' as an alias");
                continue;
            }
            Schema type = valueType(field);
            boolean nullable = field.schema().getType() == Schema.Type.UNION
                    && field.schema().getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
            if (!expected.type().isEmpty() && !readable(type.getType(), expected.type())) {
                broken.add(who + " reads '" + expected.field() + "' as " + expected.type() + ", but the contract "
                        + "declares it " + type.getType().getName() + ": keep a type the consumer can read");
            }
            List<ContractRule> rules = contract.rules().stream()
                    .filter(r -> r.field().equals(field.name())).toList();
            if (expected.required() && nullable && rules.stream().noneMatch(ContractRule::required)) {
                broken.add(who + " needs '" + expected.field() + "' never to be null, but the contract lets it be "
                        + "null: add a rule with 'required: true' on it, or make the field non-nullable");
            }
            if (expected.min() != null && rules.stream().noneMatch(r -> r.min() != null
                    && r.min() >= expected.min())) {
                broken.add(who + " relies on '" + expected.field() + "' >= " + expected.min() + ", but no rule of the "
                        + "contract guarantees it (rules on the field: " + describe(rules) + "): add 'min: "
                        + expected.min() + "' or higher");
            }
            if (expected.max() != null && rules.stream().noneMatch(r -> r.max() != null
                    && r.max() <= expected.max())) {
                broken.add(who + " relies on '" + expected.field() + "' <= " + expected.max() + ", but no rule of the "
                        + "contract guarantees it (rules on the field: " + describe(rules) + "): add 'max: "
                        + expected.max() + "' or lower");
            }
            if (!expected.in().isEmpty()) {
                boolean enumWithin = type.getType() == Schema.Type.ENUM
                        && expected.in().containsAll(type.getEnumSymbols());
                boolean ruleWithin = rules.stream().anyMatch(r -> !r.allowed().isEmpty()
                        && expected.in().containsAll(r.allowed()));
                if (!enumWithin && !ruleWithin) {
                    List<String> allowed = type.getType() == Schema.Type.ENUM ? type.getEnumSymbols()
                            : rules.stream().filter(r -> !r.allowed().isEmpty()).findFirst()
                                    .map(ContractRule::allowed).orElse(List.of());
                    broken.add(who + " handles '" + expected.field() + "' values " + expected.in() + " only, but the "
                            + "contract allows " + (allowed.isEmpty() ? "any value" : allowed) + ": keep the allowed "
                            + "values within the consumer's set, or agree a change with " + consumer);
                }
            }
        }
        return broken;
    }

    private static Schema valueType(Schema.Field field) {
        Schema type = field.schema();
        if (type.getType() == Schema.Type.UNION) {
            return type.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElse(type);
        }
        return type;
    }

    private static boolean readable(Schema.Type actual, String expected) {
        String name = actual.getName();
        return name.equals(expected)
                || (expected.equals("long") && name.equals("int"))
                || (expected.equals("double") && (name.equals("float") || name.equals("int") || name.equals("long")))
                || (expected.equals("float") && (name.equals("int") || name.equals("long")))
                || (expected.equals("string") && name.equals("enum"));
    }

    private static String describe(List<ContractRule> rules) {
        return rules.isEmpty() ? "none" : rules.stream().map(ContractRule::name).toList().toString();
    }
}
