package dev.headwater.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.RuleMode;
import dev.headwater.contract.ServiceLevels;
import dev.headwater.contract.AvroFields;
import java.util.Objects;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * A Headwater data contract as an Open Data Contract Standard (ODCS) v3.1.0 document, for catalogs and tools that read
 * ODCS (Bitol's datacontract tooling, data catalogs).
 *
 * <p>What goes where:
 * <ul>
 *   <li>{@code id} the registry subject, {@code name} the topic, {@code version}, {@code status: active},
 *       {@code domain}, {@code tags}, {@code description.purpose};</li>
 *   <li>{@code team.name} the owning team, {@code support} its contact (an e-mail address as a {@code mailto:}
 *       URL);</li>
 *   <li>{@code slaProperties}: freshness as {@code latency} (seconds), the expected volume as {@code throughput}
 *       (records per minute);</li>
 *   <li>one schema object for the topic ({@code physicalType: topic}) whose properties are the Avro fields: logical
 *       type, Avro type as physical type, {@code required} for a field that cannot be null, the field's meaning and
 *       classification;</li>
 *   <li>every rule as a data-quality check on its property (expression rules on the schema object): in ODCS's own
 *       library where it says the same thing ({@code nullValues} for a required field, {@code invalidValues} for a
 *       list of allowed values or a pattern, each with {@code mustBe: 0}), otherwise a {@code custom} check whose
 *       engine is {@code headwater} and whose implementation holds the rule's constraints; each check names what a
 *       record that fails it meets ({@code headwaterOnFailure}) and where it is checked ({@code headwaterMode});</li>
 *   <li>what ODCS has no place for in {@code customProperties}: topics, compatibility, dead-letter topic, and the Avro
 *       schema itself ({@code avroSchema} on the schema object), so that {@link OdcsImport} gives the same contract
 *       back.</li>
 * </ul>
 *
 * <pre>{@code
 * String odcs = OdcsExport.of(DataContract.load(Path.of("src/main/contracts/orders.yaml"))).toYaml();
 * }</pre>
 */
public final class OdcsExport {

    /** The ODCS version documents are written in. */
    public static final String API_VERSION = "v3.1.0";
    /** The engine named by data-quality checks that only Headwater runs. */
    public static final String ENGINE = "headwater";

    static final String SUBJECT = "headwaterSubject";
    static final String TOPICS = "headwaterTopics";
    static final String COMPATIBILITY = "headwaterCompatibility";
    static final String DEAD_LETTER_TOPIC = "headwaterDeadLetterTopic";
    static final String ERASURE_SUBJECT = "headwaterErasureSubject";
    static final String AVRO_SCHEMA = "avroSchema";
    static final String ON_FAILURE = "headwaterOnFailure";
    static final String MODE = "headwaterMode";
    static final String ENFORCEMENT = "headwaterEnforcement";
    static final String LATENCY = "latency";
    static final String THROUGHPUT = "throughput";
    static final String RECORDS_PER_MINUTE = "records/min";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode document;

    private OdcsExport(ObjectNode document) {
        this.document = document;
    }

    /**
     * @param contract the contract
     * @return its ODCS document
     */
    public static OdcsExport of(DataContract contract) {
        Objects.requireNonNull(contract, "contract");
        return new OdcsExport(document(contract));
    }

    /** @return the document as a JSON tree */
    public ObjectNode toJsonTree() {
        return document.deepCopy();
    }

    /** @return the document as JSON text */
    public String toJson() {
        return Documents.json(document);
    }

    /** @return the document as YAML text, the form ODCS documents are usually kept in */
    public String toYaml() {
        return Documents.yaml(document);
    }

    private static ObjectNode document(DataContract contract) {
        ObjectNode odcs = NODES.objectNode();
        odcs.put("apiVersion", API_VERSION);
        odcs.put("kind", "DataContract");
        odcs.put("id", contract.subject());
        odcs.put("name", contract.topics().isEmpty() ? contract.subject() : contract.topics().get(0));
        odcs.put("version", contract.version());
        odcs.put("status", "active");
        if (!contract.domain().isEmpty()) {
            odcs.put("domain", contract.domain());
        }
        if (!contract.tags().isEmpty()) {
            ArrayNode tags = odcs.putArray("tags");
            contract.tags().forEach(tags::add);
        }
        if (!contract.description().isEmpty()) {
            odcs.putObject("description").put("purpose", contract.description());
        }
        if (contract.owner() != null) {
            odcs.putObject("team").put("name", contract.owner().team());
            String contact = contract.owner().contact();
            if (!contact.isEmpty()) {
                ObjectNode support = odcs.putArray("support").addObject();
                if (contact.contains("://") || contact.startsWith("mailto:")) {
                    support.put("channel", "owner").put("url", contact);
                } else if (contact.contains("@")) {
                    support.put("channel", "email").put("tool", "email").put("url", "mailto:" + contact);
                } else {
                    support.put("channel", "owner").put("description", contact);
                }
            }
        }
        ServiceLevels levels = contract.serviceLevels();
        if (levels.hasFreshness() || levels.expectedRecordsPerMinute() > 0) {
            ArrayNode sla = odcs.putArray("slaProperties");
            if (levels.hasFreshness()) {
                long millis = levels.freshness().toMillis();
                ObjectNode latency = sla.addObject().put("property", LATENCY);
                if (millis % 1000 == 0) {
                    latency.put("value", millis / 1000).put("unit", "s");
                } else {
                    latency.put("value", millis).put("unit", "ms");
                }
                latency.put("description", "A record is readable at most this long after the event it describes");
            }
            if (levels.expectedRecordsPerMinute() > 0) {
                sla.addObject().put("property", THROUGHPUT).put("value", levels.expectedRecordsPerMinute())
                        .put("unit", RECORDS_PER_MINUTE)
                        .put("description", "Records expected per minute; far fewer is reported as an anomaly");
            }
        }
        odcs.set("schema", NODES.arrayNode().add(schemaObject(contract)));
        ArrayNode custom = odcs.putArray("customProperties");
        custom.addObject().put("property", SUBJECT).put("value", contract.subject())
                .put("description", "The Schema Registry subject the contract is registered under");
        ArrayNode topics = custom.addObject().put("property", TOPICS).putArray("value");
        contract.topics().forEach(topics::add);
        if (contract.compatibility() != null) {
            custom.addObject().put("property", COMPATIBILITY).put("value", contract.compatibility().name())
                    .put("description", "The registry's compatibility level for the subject");
        }
        if (!contract.deadLetterTopic().isEmpty()) {
            custom.addObject().put("property", DEAD_LETTER_TOPIC).put("value", contract.deadLetterTopic())
                    .put("description", "Where records that break a DLQ rule are written, with the reason");
        }
        if (!contract.erasureSubject().isEmpty()) {
            custom.addObject().put("property", ERASURE_SUBJECT).put("value", contract.erasureSubject())
                    .put("description", "The field naming each record's subject: its encrypted fields are sealed "
                            + "with that subject's key, destroyed to erase the subject (crypto-shredding)");
        }
        return odcs;
    }

    private static ObjectNode schemaObject(DataContract contract) {
        Schema schema = contract.schema();
        ObjectNode object = NODES.objectNode();
        object.put("name", schema.getName());
        object.put("physicalName", contract.topics().isEmpty() ? schema.getFullName() : contract.topics().get(0));
        object.put("physicalType", "topic");
        object.put("logicalType", "object");
        if (schema.getDoc() != null && !schema.getDoc().isEmpty()) {
            object.put("description", schema.getDoc());
        } else if (!contract.description().isEmpty()) {
            object.put("description", contract.description());
        }
        ArrayNode properties = object.putArray("properties");
        for (Schema.Field field : schema.getFields()) {
            properties.add(property(field, contract));
        }
        ArrayNode quality = NODES.arrayNode();
        for (ContractRule rule : contract.rules()) {
            if (rule.isExpression()) {
                quality.add(check(rule));
            }
        }
        if (!quality.isEmpty()) {
            object.set("quality", quality);
        }
        object.putArray("customProperties").addObject().put("property", AVRO_SCHEMA).put("value", schema.toString())
                .put("description", "The Avro schema records are written with (Confluent wire format)");
        return object;
    }

    private static ObjectNode property(Schema.Field field, DataContract contract) {
        ObjectNode property = NODES.objectNode();
        property.put("name", field.name());
        Schema type = AvroFields.valueType(field.schema());
        describeType(property, type);
        property.put("required", !AvroFields.nullable(field.schema()));
        FieldInfo info = contract.fields().get(field.name());
        String doc = info != null && !info.doc().isEmpty() ? info.doc() : field.doc();
        if (doc != null && !doc.isEmpty()) {
            property.put("description", doc);
        }
        if (info != null) {
            property.put("classification", info.classification());
            if (info.sensitive()) {
                property.put("criticalDataElement", true);
            }
            if (info.protectedField()) {
                // ODCS has no field for protection at the source: a custom property, as the standard provides
                ArrayNode custom = property.putArray("customProperties");
                custom.addObject().put("property", "headwaterProtection").put("value", info.protection().id());
                if (info.mask() != null) {
                    custom.addObject().put("property", "headwaterMask").put("value", info.mask());
                }
            }
        }
        ArrayNode quality = NODES.arrayNode();
        for (ContractRule rule : contract.rules()) {
            if (field.name().equals(rule.field())) {
                quality.add(check(rule));
            }
        }
        if (!quality.isEmpty()) {
            property.set("quality", quality);
        }
        return property;
    }

    /** Sets logicalType, logicalTypeOptions, physicalType and, for records and arrays, what they hold. */
    private static void describeType(ObjectNode property, Schema type) {
        LogicalType logical = type.getLogicalType();
        property.put("physicalType", logical != null ? logical.getName() : type.getType().getName());
        switch (type.getType()) {
            case STRING -> {
                property.put("logicalType", "string");
                if (logical != null && "uuid".equals(logical.getName())) {
                    property.putObject("logicalTypeOptions").put("format", "uuid");
                }
            }
            case ENUM -> property.put("logicalType", "string");
            case BYTES, FIXED -> {
                if (logical instanceof LogicalTypes.Decimal) {
                    property.put("logicalType", "number");
                } else {
                    property.put("logicalType", "string");
                    property.putObject("logicalTypeOptions").put("format", "binary");
                }
            }
            case BOOLEAN -> property.put("logicalType", "boolean");
            case INT -> {
                if (logical instanceof LogicalTypes.Date) {
                    property.put("logicalType", "date");
                } else if (logical instanceof LogicalTypes.TimeMillis) {
                    property.put("logicalType", "time");
                } else {
                    property.put("logicalType", "integer");
                    property.putObject("logicalTypeOptions").put("format", "i32");
                }
            }
            case LONG -> {
                if (logical instanceof LogicalTypes.TimeMicros) {
                    property.put("logicalType", "time");
                } else if (logical != null && logical.getName().contains("timestamp")) {
                    property.put("logicalType", "timestamp");
                } else {
                    property.put("logicalType", "integer");
                    property.putObject("logicalTypeOptions").put("format", "i64");
                }
            }
            case FLOAT -> {
                property.put("logicalType", "number");
                property.putObject("logicalTypeOptions").put("format", "f32");
            }
            case DOUBLE -> {
                property.put("logicalType", "number");
                property.putObject("logicalTypeOptions").put("format", "f64");
            }
            case RECORD -> {
                property.put("logicalType", "object");
                ArrayNode nested = property.putArray("properties");
                for (Schema.Field field : type.getFields()) {
                    ObjectNode child = NODES.objectNode().put("name", field.name());
                    describeType(child, AvroFields.valueType(field.schema()));
                    child.put("required", !AvroFields.nullable(field.schema()));
                    if (field.doc() != null && !field.doc().isEmpty()) {
                        child.put("description", field.doc());
                    }
                    nested.add(child);
                }
            }
            case ARRAY -> {
                property.put("logicalType", "array");
                ObjectNode items = NODES.objectNode();
                describeType(items, AvroFields.valueType(type.getElementType()));
                property.set("items", items);
            }
            case MAP -> property.put("logicalType", "object");
            default -> {
                // a union of several types: ODCS has no logical type for it; the physical type says what it is
                property.put("physicalType", type.toString());
            }
        }
    }

    /** One rule as a data-quality check: ODCS's library where it says the same thing, else a headwater check. */
    private static ObjectNode check(ContractRule rule) {
        ObjectNode check = NODES.objectNode();
        check.put("name", rule.name());
        if (!rule.doc().isEmpty()) {
            check.put("description", rule.doc());
        }
        if (onlyRequired(rule)) {
            check.put("type", "library").put("metric", "nullValues").put("mustBe", 0)
                    .put("dimension", "completeness");
        } else if (onlyAllowed(rule)) {
            check.put("type", "library").put("metric", "invalidValues").put("mustBe", 0)
                    .put("dimension", "conformity");
            ArrayNode values = check.putObject("arguments").putArray("validValues");
            rule.allowed().forEach(values::add);
        } else if (onlyRegex(rule)) {
            check.put("type", "library").put("metric", "invalidValues").put("mustBe", 0)
                    .put("dimension", "conformity");
            check.putObject("arguments").put("pattern", rule.regex());
        } else {
            check.put("type", "custom").put("engine", ENGINE).set("implementation", implementation(rule));
        }
        check.put("severity", "error");
        ArrayNode custom = check.putArray("customProperties");
        custom.addObject().put("property", ON_FAILURE).put("value", rule.onFailure().name())
                .put("description", rule.onFailure() == OnFailure.ERROR
                        ? "A record that fails the check is refused to the caller"
                        : "A record that fails the check is written to the dead-letter topic with the reason");
        if (rule.mode() != RuleMode.WRITEREAD) {
            custom.addObject().put("property", MODE).put("value", rule.mode().name());
        }
        if (rule.enforcement().isSet()) {
            custom.addObject().put("property", ENFORCEMENT).put("value", rule.enforcement().toText())
                    .put("description", "observe: a record that fails the check is counted and sampled and passes; "
                            + "enforce: the failure has the consequence above; per environment as env=mode");
        }
        return check;
    }

    private static ObjectNode implementation(ContractRule rule) {
        ObjectNode implementation = NODES.objectNode();
        if (rule.isExpression()) {
            implementation.put("expr", rule.expr());
            implementation.put("type", rule.exprType());
            return implementation;
        }
        implementation.put("field", rule.field());
        if (rule.required()) {
            implementation.put("required", true);
        }
        if (rule.min() != null) {
            implementation.put("min", rule.min());
        }
        if (rule.max() != null) {
            implementation.put("max", rule.max());
        }
        if (rule.minLength() != null) {
            implementation.put("minLength", rule.minLength());
        }
        if (rule.maxLength() != null) {
            implementation.put("maxLength", rule.maxLength());
        }
        if (!rule.regex().isEmpty()) {
            implementation.put("regex", rule.regex());
        }
        if (!rule.allowed().isEmpty()) {
            ArrayNode values = implementation.putArray("in");
            rule.allowed().forEach(values::add);
        }
        if (!rule.format().isEmpty()) {
            implementation.put("format", rule.format());
        }
        if (rule.notInFuture()) {
            implementation.put("notInFuture", true);
        }
        return implementation;
    }

    private static boolean noConstraints(ContractRule rule) {
        return !rule.isExpression() && rule.min() == null && rule.max() == null && rule.minLength() == null
                && rule.maxLength() == null && rule.format().isEmpty() && !rule.notInFuture();
    }

    private static boolean onlyRequired(ContractRule rule) {
        return noConstraints(rule) && rule.required() && rule.regex().isEmpty() && rule.allowed().isEmpty();
    }

    private static boolean onlyAllowed(ContractRule rule) {
        return noConstraints(rule) && !rule.required() && rule.regex().isEmpty() && !rule.allowed().isEmpty();
    }

    private static boolean onlyRegex(ContractRule rule) {
        return noConstraints(rule) && !rule.required() && !rule.regex().isEmpty() && rule.allowed().isEmpty();
    }

}
