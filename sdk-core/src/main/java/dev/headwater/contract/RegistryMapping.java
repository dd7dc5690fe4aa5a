package dev.headwater.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.internal.FieldConstraints;
import dev.headwater.registry.CompatibilityLevel;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Maps contracts to and from the registry in the format of Confluent's data contracts: {@code metadata.properties},
 * {@code metadata.tags} and {@code metadata.sensitive}, and {@code ruleSet.domainRules} of kind CONDITION with CEL and
 * CEL_FIELD expressions and onFailure ERROR or DLQ. Field constraints are written as equivalent CEL for other tools, and
 * as {@code headwater.*} rule params so Headwater reads them back into its fast path unchanged.
 */
final class RegistryMapping {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String P = "headwater.";

    private RegistryMapping() {
    }

    /**
     * Writes a contract as a schema with metadata and rule set.
     *
     * @param contract the contract
     * @return the definition to register
     */
    static SchemaDefinition toSchemaDefinition(DataContract contract) {
        ObjectNode metadata = JSON.createObjectNode();
        ObjectNode properties = metadata.putObject("properties");
        properties.put("owner", contract.owner().team());
        putIfSet(properties, "owner_email", contract.owner().contact());
        properties.put("contract.version", contract.version());
        putIfSet(properties, "domain", contract.domain());
        putIfSet(properties, "description", contract.description());
        putIfSet(properties, "topics", String.join(",", contract.topics()));
        putIfSet(properties, "tags", String.join(",", contract.tags()));
        properties.put("compatibility", contract.compatibility().name());
        putIfSet(properties, "dlq.topic", contract.deadLetterTopic());
        putIfSet(properties, "erasure.subject", contract.erasureSubject());
        if (!contract.observation().equals(ObservationSampling.DEFAULT)) {
            properties.put("observe.sample", Integer.toString(contract.observation().records()));
            properties.put("observe.period", contract.observation().period().toString());
            putIfSet(properties, "observe.topic", contract.observation().topic());
        }
        if (contract.serviceLevels().hasFreshness()) {
            properties.put("slo.freshness", contract.serviceLevels().freshness().toString());
        }
        if (contract.serviceLevels().expectedRecordsPerMinute() > 0) {
            properties.put("slo.expectedRecordsPerMinute",
                    Long.toString(contract.serviceLevels().expectedRecordsPerMinute()));
        }
        ObjectNode tags = JSON.createObjectNode();
        TreeSet<String> sensitive = new TreeSet<>();
        new TreeSet<>(contract.fields().keySet()).forEach(name -> {
            FieldInfo info = contract.fields().get(name);
            putIfSet(properties, "field." + name + ".doc", info.doc());
            properties.put("field." + name + ".classification", info.classification());
            if (info.protectedField()) {
                properties.put("field." + name + ".protection", info.protection().id());
            }
            if (info.mask() != null) {
                properties.put("field." + name + ".mask", info.mask());
            }
            tags.putArray(contract.schema().getFullName() + "." + name)
                    .add(info.classification().toUpperCase(Locale.ROOT));
            if (info.sensitive()) {
                sensitive.add(name);
            }
        });
        if (!tags.isEmpty()) {
            metadata.set("tags", tags);
        }
        if (!sensitive.isEmpty()) {
            ArrayNode list = metadata.putArray("sensitive");
            sensitive.forEach(list::add);
        }
        ObjectNode ruleSet = JSON.createObjectNode();
        ArrayNode rules = ruleSet.putArray("domainRules");
        for (ContractRule rule : contract.rules()) {
            rules.add(toJson(rule, contract));
        }
        return SchemaDefinition.avro(contract.schema().toString()).withMetadata(metadata)
                .withRuleSet(contract.rules().isEmpty() ? null : ruleSet);
    }

    /** @return the mode of a domain rule as Confluent writes it, or null for a migration mode */
    private static RuleMode ruleMode(String text) {
        try {
            return RuleMode.valueOf(text.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ObjectNode toJson(ContractRule rule, DataContract contract) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", rule.name());
        putIfSet(node, "doc", rule.doc());
        node.put("kind", "CONDITION");
        node.put("mode", rule.mode().name());
        ObjectNode params = JSON.createObjectNode();
        if (rule.isExpression()) {
            node.put("type", rule.exprType());
            node.put("expr", rule.expr());
        } else {
            node.put("type", "CEL");
            node.put("expr", celOf(rule, contract.schema()));
            params.put(P + "field", rule.field());
            if (rule.required()) {
                params.put(P + "required", "true");
            }
            putNumber(params, "min", rule.min());
            putNumber(params, "max", rule.max());
            if (rule.minLength() != null) {
                params.put(P + "minLength", rule.minLength().toString());
            }
            if (rule.maxLength() != null) {
                params.put(P + "maxLength", rule.maxLength().toString());
            }
            putIfSet(params, P + "regex", rule.regex());
            if (!rule.allowed().isEmpty()) {
                params.put(P + "in", JSON.valueToTree(rule.allowed()).toString());
            }
            putIfSet(params, P + "format", rule.format());
            if (rule.notInFuture()) {
                params.put(P + "notInFuture", "true");
            }
        }
        node.put("onFailure", rule.onFailure().name());
        if (!rule.enforcement().equals(RuleEnforcement.ENFORCED)) {
            // enforced everywhere is what an unset rule already live means: written alike, so that registering a
            // contract settled against the live version finds the same definition as registering it as written
            putIfSet(params, P + "enforcement", rule.enforcement().toText());
        }
        if (rule.onFailure() == OnFailure.DLQ) {
            params.put("dlq.topic", contract.deadLetterTopic());
        }
        if (!params.isEmpty()) {
            node.set("params", params);
        }
        node.put("disabled", false);
        return node;
    }

    /** The CEL equivalent of a field rule, for tools that read data contracts but not Headwater's params. */
    static String celOf(ContractRule rule, Schema schema) {
        String f = "message." + rule.field();
        Schema type = AvroFields.valueType(schema.getField(rule.field()));
        boolean integral = type.getType() == Schema.Type.INT || type.getType() == Schema.Type.LONG;
        List<String> terms = new ArrayList<>();
        if (rule.min() != null) {
            terms.add(f + " >= " + literal(rule.min(), integral));
        }
        if (rule.max() != null) {
            terms.add(f + " <= " + literal(rule.max(), integral));
        }
        if (rule.minLength() != null) {
            terms.add("size(" + f + ") >= " + rule.minLength());
        }
        if (rule.maxLength() != null) {
            terms.add("size(" + f + ") <= " + rule.maxLength());
        }
        if (!rule.regex().isEmpty()) {
            terms.add(f + ".matches(" + quote(rule.regex()) + ")");
        }
        if (!rule.allowed().isEmpty()) {
            terms.add(f + " in [" + rule.allowed().stream().map(RegistryMapping::quote)
                    .collect(Collectors.joining(", ")) + "]");
        }
        switch (rule.format()) {
            case "uuid" -> terms.add(f + ".matches('^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
                    + "-[0-9a-fA-F]{12}$')");
            case "email" -> terms.add(f + ".matches('^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$')");
            case "iso4217" -> terms.add(f + ".matches('^[A-Z]{3}$')");
            case "iso8601" -> terms.add(f + ".matches('^\\\\d{4}-\\\\d{2}-\\\\d{2}T\\\\d{2}:\\\\d{2}:\\\\d{2}.*$')");
            default -> {
                // no format
            }
        }
        String condition = terms.isEmpty() ? "true" : String.join(" && ", terms);
        if (!AvroFields.nullable(schema.getField(rule.field()))) {
            return condition;
        }
        // a null value passes the constraints unless the field is required, as on the fast path
        return (rule.required() ? f + " != null" : f + " == null") + (terms.isEmpty() ? ""
                : (rule.required() ? " && (" : " || (") + condition + ")");
    }

    /**
     * Reads a contract from a registered schema in the format of Confluent's data contracts.
     *
     * @param registered the registered schema
     * @return the contract
     */
    static DataContract fromRegistry(RegisteredSchema registered) {
        SchemaDefinition definition = registered.definition();
        String source = "registry subject " + registered.subject() + " version " + registered.version();
        Schema schema;
        try {
            schema = new Schema.Parser().parse(definition.schema());
        } catch (SchemaParseException e) {
            throw new ContractDefinitionException(source, List.of(source + ": the schema is not Avro: "
                    + e.getMessage()));
        }
        JsonNode properties = definition.metadata().path("properties");
        DataContract.Builder builder = DataContract.builder().source(source).schema(schema)
                .subject(registered.subject())
                .version(text(properties, "contract.version", Integer.toString(registered.version())))
                .owner(new Owner(text(properties, "owner", "unknown"), text(properties, "owner_email", "")))
                .domain(text(properties, "domain", ""))
                .description(text(properties, "description", ""))
                .topics(list(text(properties, "topics", "")))
                .tags(list(text(properties, "tags", "")))
                .deadLetterTopic(text(properties, "dlq.topic", ""))
                .erasureSubject(text(properties, "erasure.subject", ""));
        if (!text(properties, "observe.sample", "").isEmpty()) {
            builder.observation(new ObservationSampling(Integer.parseInt(text(properties, "observe.sample", "10")),
                    Duration.parse(text(properties, "observe.period", "PT1H")), text(properties, "observe.topic",
                    "")));
        }
        String compatibility = text(properties, "compatibility", "");
        if (!compatibility.isEmpty()) {
            builder.compatibility(CompatibilityLevel.valueOf(compatibility));
        }
        String freshness = text(properties, "slo.freshness", "");
        String volume = text(properties, "slo.expectedRecordsPerMinute", "0");
        if (!freshness.isEmpty() || !volume.equals("0")) {
            builder.serviceLevels(new ServiceLevels(freshness.isEmpty() ? Duration.ZERO : Duration.parse(freshness),
                    Long.parseLong(volume)));
        }
        List<String> sensitive = new ArrayList<>();
        definition.metadata().path("sensitive").forEach(n -> sensitive.add(n.asText()));
        for (Schema.Field field : schema.getFields()) {
            String classification = text(properties, "field." + field.name() + ".classification",
                    sensitive.contains(field.name()) ? "pii" : "");
            String doc = text(properties, "field." + field.name() + ".doc", "");
            String protection = text(properties, "field." + field.name() + ".protection", "");
            String mask = properties.hasNonNull("field." + field.name() + ".mask")
                    ? properties.get("field." + field.name() + ".mask").asText() : null;
            if (!classification.isEmpty() || !doc.isEmpty() || !protection.isEmpty()) {
                builder.field(field.name(), new FieldInfo(doc, classification.isEmpty() ? "internal" : classification,
                        protection.isEmpty() ? Protection.NONE : Protection.of(protection), mask));
            }
        }
        List<ContractRule> rules = new ArrayList<>();
        String dlqTopic = "";
        for (JsonNode node : definition.ruleSet().path("domainRules")) {
            if (node.path("disabled").asBoolean(false) || !"CONDITION".equals(node.path("kind").asText("CONDITION"))) {
                continue;
            }
            String type = node.path("type").asText();
            if (!type.equals("CEL") && !type.equals("CEL_FIELD")) {
                continue;
            }
            RuleMode mode = ruleMode(node.path("mode").asText("WRITEREAD"));
            if (mode == null) {
                continue; // UPGRADE, DOWNGRADE, UPDOWN: migration modes, never checked on a record written or read
            }
            JsonNode params = node.path("params");
            OnFailure onFailure = node.path("onFailure").asText("ERROR").contains("DLQ") ? OnFailure.DLQ
                    : OnFailure.ERROR;
            if (onFailure == OnFailure.DLQ && params.hasNonNull("dlq.topic")) {
                dlqTopic = params.path("dlq.topic").asText();
            }
            String name = node.path("name").asText();
            ContractRule.Builder rule;
            if (params.hasNonNull(P + "field")) {
                rule = ContractRule.field(name, params.path(P + "field").asText());
                if (params.path(P + "required").asBoolean(false)) {
                    rule.required();
                }
                if (params.hasNonNull(P + "min")) {
                    rule.min(params.path(P + "min").asDouble());
                }
                if (params.hasNonNull(P + "max")) {
                    rule.max(params.path(P + "max").asDouble());
                }
                if (params.hasNonNull(P + "minLength")) {
                    rule.minLength(params.path(P + "minLength").asInt());
                }
                if (params.hasNonNull(P + "maxLength")) {
                    rule.maxLength(params.path(P + "maxLength").asInt());
                }
                rule.regex(params.path(P + "regex").asText(""));
                if (params.hasNonNull(P + "in")) {
                    rule.allowed(parseList(params.path(P + "in").asText()));
                }
                rule.format(params.path(P + "format").asText(""));
                if (params.path(P + "notInFuture").asBoolean(false)) {
                    rule.notInFuture();
                }
            } else {
                rule = ContractRule.cel(name, node.path("expr").asText()).exprType(type);
            }
            rules.add(rule.doc(node.path("doc").asText("")).onFailure(onFailure).mode(mode)
                    .enforcement(RuleEnforcement.parse(params.path(P + "enforcement").asText(""))).build());
        }
        if (text(properties, "dlq.topic", "").isEmpty() && !dlqTopic.isEmpty()) {
            builder.deadLetterTopic(dlqTopic);
        }
        return builder.rules(rules).build();
    }

    private static List<String> parseList(String json) {
        try {
            return Arrays.asList(JSON.readValue(json, String[].class));
        } catch (Exception e) {
            return list(json);
        }
    }

    private static String literal(double value, boolean integral) {
        String text = FieldConstraints.number(value);
        return integral || text.contains(".") || text.contains("e") ? text : text + ".0";
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(key, value);
        }
    }

    private static void putNumber(ObjectNode node, String key, Double value) {
        if (value != null) {
            node.put(P + key, FieldConstraints.number(value));
        }
    }

    private static String text(JsonNode properties, String key, String fallback) {
        JsonNode value = properties.get(key);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static List<String> list(String csv) {
        return csv.isEmpty() ? List.of() : Arrays.stream(csv.split(",")).map(String::strip).toList();
    }

}
