package dev.headwater.contract.internal;

import dev.headwater.contract.AvroFields;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Owner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.avro.Schema;

/**
 * Checks a contract definition and lists every problem, each prefixed with its source and line where known. Shared by
 * the YAML reader, the builder and the registry mapping, so the rules are the same whichever way a contract arrives.
 * Internal: not for users.
 */
public final class ContractChecks {

    private ContractChecks() {
    }

    /** A protected field must be able to carry what protection writes, and what consumers without access read. */
    private static void protection(String source, Schema.Field field, FieldInfo info, List<String> problems) {
        String where = source + ": fields." + field.name();
        Schema type = AvroFields.valueType(field);
        switch (info.protection()) {
            case NONE -> {
                if (info.mask() != null) {
                    problems.add(where + ".mask: the field is not protected (protect: encrypt or token, or the "
                            + "contract's protection for its classification '" + info.classification() + "'), so "
                            + "consumers always read its value: leave the mask out or protect the field");
                }
                return;
            }
            case ENCRYPT -> {
                if (type.getType() != Schema.Type.STRING && type.getType() != Schema.Type.BYTES) {
                    problems.add(where + ": protection encrypt needs a string or bytes field (the ciphertext, as "
                            + "base64url text or as bytes), was " + AvroFields.describe(field) + "; change its type "
                            + "in the schema");
                }
                if (info.mask() == null && !AvroFields.nullable(field)) {
                    problems.add(where + ": consumers without access to a protected field read its mask, or null: "
                            + "give it a mask (mask: \"***\") or make it nullable in the schema (tokens need "
                            + "neither: every consumer reads the token)");
                }
            }
            case TOKEN -> {
                if (type.getType() != Schema.Type.STRING) {
                    problems.add(where + ": protection token needs a string field (the token is text), was "
                            + AvroFields.describe(field) + "; use encrypt, or change its type in the schema");
                }
            }
            default -> throw new IllegalStateException("unknown protection " + info.protection());
        }
    }

    /**
     * Checks a definition.
     *
     * @return every problem; empty when the contract is valid
     */
    public static List<String> check(String source, String subject, String version, Owner owner, Schema schema,
            Map<String, FieldInfo> fields, List<ContractRule> rules, String deadLetterTopic) {
        List<String> problems = new ArrayList<>();
        if (subject == null || subject.isBlank()) {
            problems.add(source + ": 'subject' is required: the registry subject, such as orders-value");
        }
        if (version == null || version.isBlank()) {
            problems.add(source + ": 'version' is required, such as 1.0.0");
        }
        if (owner == null || owner.team().isBlank()) {
            problems.add(source + ": 'owner.team' is required: the team that owns this data");
        }
        if (schema == null) {
            problems.add(source + ": a schema is required: 'schema' (inline Avro) or 'schemaFile' (an .avsc file)");
            return problems;
        }
        if (schema.getType() != Schema.Type.RECORD) {
            problems.add(source + ": the schema must be an Avro record, was " + schema.getType());
            return problems;
        }
        for (Map.Entry<String, FieldInfo> entry : fields.entrySet()) {
            if (schema.getField(entry.getKey()) == null) {
                problems.add(source + ": fields." + entry.getKey() + ": no such field in schema "
                        + schema.getFullName() + " (fields: " + fieldNames(schema) + ")");
            }
            if (!FieldInfo.CLASSIFICATIONS.contains(entry.getValue().classification())) {
                problems.add(source + ": fields." + entry.getKey() + ".classification: '"
                        + entry.getValue().classification() + "' is not one of " + FieldInfo.CLASSIFICATIONS);
            }
            Schema.Field field = schema.getField(entry.getKey());
            if (field != null) {
                protection(source, field, entry.getValue(), problems);
            }
        }
        Set<String> names = new HashSet<>();
        for (ContractRule rule : rules) {
            String where = source + (rule.line() > 0 ? ":" + rule.line() : "") + ": rule '" + rule.name() + "'";
            if (rule.name().isBlank()) {
                problems.add(where + ": 'name' is required");
            } else if (!names.add(rule.name())) {
                problems.add(where + ": the name is used by another rule; rule names must be unique");
            }
            if (rule.onFailure() == OnFailure.DLQ && (deadLetterTopic == null || deadLetterTopic.isBlank())) {
                problems.add(where + ": onFailure is DLQ but the contract has no 'deadLetterTopic'");
            }
            if (rule.isExpression()) {
                checkExpression(where, rule, schema, problems);
            } else {
                checkField(where, rule, schema, problems);
            }
        }
        return problems;
    }

    private static void checkExpression(String where, ContractRule rule, Schema schema, List<String> problems) {
        if (!rule.field().isEmpty() || hasConstraint(rule)) {
            problems.add(where + ": a rule has either 'expr' or a 'field' with constraints, not both");
        }
        switch (rule.exprType()) {
            case "CEL" -> CelSupport.check(schema, rule.expr(), false)
                    .ifPresent(error -> problems.add(where + ": CEL expression '" + rule.expr()
                            + "' is invalid: " + error));
            case "CEL_FIELD" -> {
                String[] parts = rule.expr().split(";", 2);
                if (parts.length != 2) {
                    problems.add(where + ": a CEL_FIELD expression is 'guard ; condition', such as "
                            + "\"name == 'amount' ; value > 0.0\"; was '" + rule.expr() + "'");
                } else {
                    for (String part : parts) {
                        CelSupport.check(schema, part.strip(), true).ifPresent(error -> problems.add(where
                                + ": CEL_FIELD expression part '" + part.strip() + "' is invalid: " + error));
                    }
                }
            }
            default -> problems.add(where + ": type '" + rule.exprType() + "' is not CEL or CEL_FIELD");
        }
    }

    private static void checkField(String where, ContractRule rule, Schema schema, List<String> problems) {
        if (rule.field().isEmpty()) {
            problems.add(where + ": give a 'field' with constraints, or an 'expr'");
            return;
        }
        Schema.Field field = schema.getField(rule.field());
        if (field == null) {
            problems.add(where + ": field '" + rule.field() + "' does not exist in schema " + schema.getFullName()
                    + " (fields: " + fieldNames(schema) + ")");
            return;
        }
        if (!hasConstraint(rule)) {
            problems.add(where + ": no constraint given for field '" + rule.field() + "' (use required, min, max, "
                    + "minLength, maxLength, regex, in, format or notInFuture)");
        }
        Schema type = AvroFields.valueType(field);
        String typeText = AvroFields.describe(field);
        if ((rule.min() != null || rule.max() != null) && !AvroFields.numeric(type)) {
            problems.add(where + ": min/max need a numeric field, but '" + rule.field() + "' is " + typeText
                    + "; use minLength/maxLength for strings");
        }
        if (rule.min() != null && rule.max() != null && rule.min() > rule.max()) {
            problems.add(where + ": min " + rule.min() + " is greater than max " + rule.max());
        }
        boolean stringOnly = rule.minLength() != null || rule.maxLength() != null || !rule.regex().isEmpty()
                || !rule.format().isEmpty();
        if (stringOnly && !AvroFields.string(type)) {
            problems.add(where + ": minLength/maxLength/regex/format need a string field, but '" + rule.field()
                    + "' is " + typeText);
        }
        if (!rule.regex().isEmpty()) {
            try {
                Pattern.compile(rule.regex());
            } catch (PatternSyntaxException e) {
                problems.add(where + ": regex '" + rule.regex() + "' does not compile: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        }
        if (!rule.format().isEmpty() && !ContractRule.FORMATS.contains(rule.format())) {
            problems.add(where + ": format '" + rule.format() + "' is unknown; use one of " + ContractRule.FORMATS);
        }
        if (rule.notInFuture() && !AvroFields.timestamp(type)) {
            problems.add(where + ": notInFuture needs a long timestamp or an ISO-8601 string, but '" + rule.field()
                    + "' is " + typeText);
        }
        if (!rule.allowed().isEmpty() && type.getType() == Schema.Type.ENUM) {
            for (String value : rule.allowed()) {
                if (!type.getEnumSymbols().contains(value)) {
                    problems.add(where + ": allowed value '" + value + "' is not a symbol of enum "
                            + type.getFullName() + " " + type.getEnumSymbols());
                }
            }
        }
    }

    private static boolean hasConstraint(ContractRule rule) {
        return rule.required() || rule.min() != null || rule.max() != null || rule.minLength() != null
                || rule.maxLength() != null || !rule.regex().isEmpty() || !rule.allowed().isEmpty()
                || !rule.format().isEmpty() || rule.notInFuture();
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }

}
