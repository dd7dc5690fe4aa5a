package dev.headwater.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.ContractDefinitionException;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.RuleEnforcement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * An Open Data Contract Standard (ODCS) v3 document read as a Headwater data contract, with everything the document
 * says that a Headwater contract cannot hold listed in {@link #notRepresented()} (and as comments at the head of
 * {@link #contractYaml()}), never dropped silently.
 *
 * <p>A document written by {@link OdcsExport} gives its contract back unchanged. Any other ODCS v3 document is read
 * the way ODCS defines it: the first schema object is the record (its {@code physicalName} the topic, the subject
 * {@code {topic}-value}), each property an Avro field (type from {@code logicalType}, {@code logicalTypeOptions} and
 * {@code physicalType}; a field that is not {@code required} accepts null), {@code classification} and
 * {@code description} the field's meaning; {@code logicalTypeOptions} limits and the data-quality checks that hold for
 * each record ({@code nullValues} or {@code invalidValues} with {@code mustBe: 0}, {@code headwater} checks) become
 * rules; {@code team.name} the owner, an e-mail {@code support} channel its contact, the {@code latency} SLA the
 * freshness. Checks over many records (row counts, duplicates, tolerances), SQL and other engines' checks, servers,
 * roles and prices are what a record-by-record contract cannot hold: they are listed.
 *
 * <pre>{@code
 * OdcsImport imported = OdcsImport.read(Path.of("orders.odcs.yaml"));
 * imported.notRepresented().forEach(System.err::println);
 * Files.writeString(Path.of("src/main/contracts/orders.yaml"), imported.contractYaml());
 * }</pre>
 */
public final class OdcsImport {

    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DECIMAL = Pattern.compile(
            "(?i)(?:decimal|numeric)\\s*\\(\\s*\\d+\\s*,\\s*\\d+\\s*\\)");
    /** logicalTypeOptions formats that say how a value is stored, not which values are allowed. */
    private static final Set<String> REPRESENTATION_FORMATS = Set.of("i8", "i16", "i32", "i64", "i128", "u8", "u16",
            "u32", "u64", "u128", "f32", "f64", "binary", "byte", "uuid");
    private static final Set<String> TOP_KEYS = Set.of("apiVersion", "kind", "id", "name", "version", "status",
            "domain", "tags", "description", "team", "support", "slaProperties", "schema", "customProperties");
    private static final Set<String> OBJECT_KEYS = Set.of("name", "physicalName", "physicalType", "logicalType",
            "description", "properties", "quality", "customProperties");
    private static final Set<String> PROPERTY_KEYS = Set.of("name", "logicalType", "logicalTypeOptions",
            "physicalType", "required", "description", "classification", "quality", "criticalDataElement", "items",
            "properties", "physicalName", "customProperties");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The owner of a contract whose document names no owning team: ODCS does not require one, Headwater does. */
    static final String UNOWNED = "unowned";
    /** varchar(n), char(n) and their bracketed forms: a maximum length. */
    private static final Pattern SIZED_TEXT = Pattern.compile(
            "(?i)(?:var)?char(?:acter)?(?:\\s+varying)?\\s*[(\\[]\\s*(\\d+)\\s*[)\\]]|n?varchar2?\\s*[(\\[]\\s*(\\d+)\\s*[)\\]]");

    private final String contractYaml;
    private final DataContract contract;
    private final List<String> notRepresented;

    private OdcsImport(String contractYaml, DataContract contract, List<String> notRepresented) {
        this.contractYaml = contractYaml;
        this.contract = contract;
        this.notRepresented = List.copyOf(notRepresented);
    }

    /**
     * Reads an ODCS document from a file.
     *
     * @param file the document, YAML or JSON
     * @return the contract and what it cannot hold
     * @throws ContractDefinitionException when the file cannot be read or the document lacks what a contract needs
     */
    public static OdcsImport read(Path file) {
        try {
            return read(dev.headwater.yaml.Utf8Text.read(file), file.toString());
        } catch (IOException e) {
            throw new ContractDefinitionException(file.toString(), List.of(file + ": cannot be read: "
                    + e.getMessage()));
        }
    }

    /**
     * Reads an ODCS document.
     *
     * @param text the document, YAML or JSON
     * @param source its name for messages
     * @return the contract and what it cannot hold
     * @throws ContractDefinitionException naming each key that is missing or wrong, and what to do
     */
    public static OdcsImport read(String text, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false); // YAML forbids them; the last one would win silently
            root = new Yaml(options).load(text);
        } catch (YAMLException e) {
            throw new ContractDefinitionException(source, List.of(source + ": not valid YAML or JSON: "
                    + e.getMessage()));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ContractDefinitionException(source, List.of(source + ": an ODCS document is a mapping with "
                    + "apiVersion, kind: DataContract, id, version, status and schema"));
        }
        return new Conversion(source, JSON.valueToTree(map)).convert();
    }

    /** @return the contract, in Headwater's contract YAML, headed by comments listing what was not represented */
    public String contractYaml() {
        return contractYaml;
    }

    /** @return the contract */
    public DataContract contract() {
        return contract;
    }

    /**
     * @return each part of the document the contract cannot hold: its path in the document, what it says, and why
     *     it is not carried; empty when nothing was left out
     */
    public List<String> notRepresented() {
        return notRepresented;
    }

    /** One conversion: collects the contract's parts, the problems that stop it and what is left out. */
    private static final class Conversion {

        private final String source;
        private final ObjectNode document;
        private final List<String> problems = new ArrayList<>();
        private final List<String> left = new ArrayList<>();
        private final Set<String> ruleNames = new LinkedHashSet<>();
        /** Avro record names taken: two nested objects of one name must not become one type (or a recursive one). */
        private final Set<String> recordNames = new LinkedHashSet<>();
        /** Each top-level property's Avro field name (its physicalName when it has one), by its logical name. */
        private final Map<String, String> fieldNames = new LinkedHashMap<>();
        private boolean schemaMissing;

        Conversion(String source, JsonNode document) {
            this.source = source;
            this.document = (ObjectNode) document;
        }

        OdcsImport convert() {
            String kind = document.path("kind").asText("");
            String apiVersion = document.path("apiVersion").asText("");
            if (!"DataContract".equals(kind)) {
                problem("kind", "is '" + kind + "'; an ODCS data contract says kind: DataContract");
            }
            if (!apiVersion.startsWith("v3.")) {
                problem("apiVersion", "is '" + apiVersion + "'; ODCS v3 documents are read (v3.0.x, v3.1.0)"
                        + (apiVersion.startsWith("v2.") ? "; upgrade v2 documents with ODCS's own tooling first" : ""));
            }
            Map<String, Object> contract = new LinkedHashMap<>();
            Map<String, String> custom = customProperties(document.path("customProperties"), "customProperties",
                    Set.of(OdcsExport.SUBJECT, OdcsExport.TOPICS, OdcsExport.COMPATIBILITY,
                            OdcsExport.DEAD_LETTER_TOPIC, OdcsExport.ERASURE_SUBJECT));
            ArrayNode schemas = document.path("schema") instanceof ArrayNode array ? array : null;
            if (schemas == null || schemas.isEmpty()) {
                problem("schema", "is missing or empty; a contract describes one record: give one schema object "
                        + "with its properties");
                schemaMissing = true;
                schemas = JSON.createArrayNode().add(JSON.createObjectNode());
            }
            for (int i = 1; i < schemas.size(); i++) {
                left("schema[" + i + "] (" + schemas.get(i).path("name").asText() + ")", "a Headwater contract "
                        + "describes one topic's records; import each schema object as a contract of its own");
            }
            if (!(schemas.get(0) instanceof ObjectNode)) {
                problem("schema[0]", "is " + kindOf(schemas.get(0)) + ", not a mapping; a schema object is a mapping "
                        + "with name, physicalName and properties");
                throw failed();
            }
            ObjectNode object = (ObjectNode) schemas.get(0);
            List<String> topics = topics(custom, object);
            String subject = custom.getOrDefault(OdcsExport.SUBJECT, topics.isEmpty() ? "" : topics.get(0) + "-value");
            String name = text("name");
            if (!name.isEmpty() && !topics.contains(name) && !name.equals(subject)) {
                left("name", "'" + name + "': a Headwater contract is known by its subject and topics");
            }
            contract.put("subject", subject);
            contract.put("topics", topics);
            contract.put("version", text("version"));
            if (text("version").isEmpty()) {
                problem("version", "is missing; a contract has a version (semantic versioning, such as 1.0.0)");
            }
            Map<String, String> owner = owner();
            if (owner != null) {
                contract.put("owner", owner);
            }
            putIfPresent(contract, "domain", text("domain"));
            putIfPresent(contract, "description", description());
            List<String> tags = strings(document.path("tags"));
            if (!tags.isEmpty()) {
                contract.put("tags", tags);
            }
            putIfPresent(contract, "compatibility", custom.getOrDefault(OdcsExport.COMPATIBILITY, ""));
            putIfPresent(contract, "deadLetterTopic", custom.getOrDefault(OdcsExport.DEAD_LETTER_TOPIC, ""));
            putIfPresent(contract, "erasureSubject", custom.getOrDefault(OdcsExport.ERASURE_SUBJECT, ""));
            Map<String, Object> slo = serviceLevels();
            if (!slo.isEmpty()) {
                contract.put("slo", slo);
            }
            Schema schema = schema(object);
            Map<String, Object> fields = new LinkedHashMap<>();
            List<Map<String, Object>> rules = new ArrayList<>();
            ArrayNode properties = object.path("properties") instanceof ArrayNode array ? array
                    : JSON.createArrayNode();
            for (int i = 0; i < properties.size(); i++) {
                if (properties.get(i) instanceof ObjectNode property) {
                    property(property, "schema[0].properties[" + i + "]", fields, rules);
                }
            }
            quality(object.path("quality"), "schema[0].quality", null, rules);
            if (schema != null) {
                contract.put("schema", schema.toString(true));
            }
            if (!fields.isEmpty()) {
                contract.put("fields", fields);
            }
            if (!rules.isEmpty()) {
                contract.put("rules", rules);
            }
            if (!contract.containsKey("deadLetterTopic") && !topics.isEmpty()
                    && rules.stream().anyMatch(rule -> "DLQ".equals(rule.get("onFailure")))) {
                String deadLetterTopic = topics.get(0) + ".dlq";
                contract.put("deadLetterTopic", deadLetterTopic);
                left("deadLetterTopic", "the document names none and checks that are not errors set records aside: "
                        + "'" + deadLetterTopic + "' is chosen; change it if your platform names them otherwise");
            }
            leftOverKeys(document, TOP_KEYS, "");
            leftOverKeys(object, OBJECT_KEYS, "schema[0].");
            if (!problems.isEmpty()) {
                throw failed();
            }
            String yaml = header() + Documents.dump(contract);
            DataContract parsed;
            try {
                parsed = DataContract.parse(yaml, source + " (as a Headwater contract)", null);
            } catch (ContractDefinitionException e) {
                List<String> all = new ArrayList<>();
                all.add(source + ": the document converts to a contract that is not valid; fix the document:");
                all.addAll(e.problems());
                throw new ContractDefinitionException(source, all);
            }
            return new OdcsImport(yaml, parsed, left);
        }

        private List<String> topics(Map<String, String> custom, ObjectNode object) {
            if (document.path("customProperties").isArray()) {
                for (JsonNode property : document.path("customProperties")) {
                    if (OdcsExport.TOPICS.equals(property.path("property").asText())) {
                        return strings(property.path("value"));
                    }
                }
            }
            String physicalName = object.path("physicalName").asText("");
            String name = physicalName.isEmpty() ? object.path("name").asText("") : physicalName;
            if (schemaMissing) {
                return List.of();
            }
            if (name.isEmpty()) {
                problem("schema[0].physicalName", "is missing; it names the Kafka topic the records are written to");
                return List.of();
            }
            String physicalType = object.path("physicalType").asText("topic");
            if (!"topic".equalsIgnoreCase(physicalType)) {
                left("schema[0].physicalType", "is '" + physicalType + "'; imported as the records of topic '"
                        + name + "'");
            }
            return List.of(name);
        }

        private Map<String, String> owner() {
            JsonNode team = document.path("team");
            String name = "";
            if (team.isObject()) {
                name = team.path("name").asText("");
                if (team.has("members")) {
                    left("team.members", team.path("members").size() + " member(s): a Headwater contract names the "
                            + "owning team and a contact, not people");
                }
                for (String key : List.of("description", "tags", "customProperties", "authoritativeDefinitions")) {
                    if (team.has(key)) {
                        left("team." + key, "not kept");
                    }
                }
            } else if (team.isArray()) {
                for (JsonNode member : team) {
                    if (member.path("role").asText("").toLowerCase(Locale.ROOT).contains("owner")) {
                        name = member.path("username").asText("");
                        break;
                    }
                }
                left("team", "a list of members (ODCS before v3.1); "
                        + (name.isEmpty() ? "none has the role owner" : "the owner's username '" + name
                        + "' is taken as the owning team"));
            }
            if (name.isEmpty()) {
                // ODCS does not require a team; a Headwater contract names one, so this one says it has none
                left("team", "the document names no owning team: the contract's owner is '" + UNOWNED + "'; name "
                        + "the team that owns the data (owner.team) before registering it");
                name = UNOWNED;
            }
            Map<String, String> owner = new LinkedHashMap<>();
            owner.put("team", name);
            JsonNode support = document.path("support");
            if (support.isArray() && !support.isEmpty()) {
                JsonNode first = support.get(0);
                String url = first.path("url").asText("");
                String contact = url.startsWith("mailto:") ? url.substring("mailto:".length())
                        : !url.isEmpty() ? url : first.path("description").asText("");
                String channel = first.path("channel").asText("");
                if (!contact.isEmpty()) {
                    owner.put("contact", contact);
                    // what Headwater's own export writes beside the contact says nothing more; the rest is listed
                    Set<String> said = new java.util.HashSet<>(Set.of(url.isEmpty() ? "description" : "url"));
                    if (Set.of("owner", "email").contains(channel)) {
                        said.add("channel");
                    }
                    if (first.path("tool").asText("").equals("email") && url.startsWith("mailto:")) {
                        said.add("tool");
                    }
                    String others = keysOtherThan(first, said);
                    if (!others.isEmpty()) {
                        left("support[0]" + (channel.isEmpty() ? "" : " (" + channel + ")"), "its "
                                + (url.isEmpty() ? "description" : "url") + " is the owner's contact; " + others
                                + " not kept");
                    }
                } else {
                    left("support[0]" + (channel.isEmpty() ? "" : " (" + channel + ")"), describe("support", first)
                            + ": no url or description to reach the owner by");
                }
                for (int i = 1; i < support.size(); i++) {
                    left("support[" + i + "] (" + support.get(i).path("channel").asText() + ")",
                            "a Headwater contract has one contact: the first support channel");
                }
            }
            return owner;
        }

        private String description() {
            JsonNode description = document.path("description");
            if (description.isTextual()) {
                return description.asText();
            }
            List<String> parts = new ArrayList<>();
            String purpose = description.path("purpose").asText("");
            if (!purpose.isEmpty()) {
                parts.add(purpose);
            }
            if (!description.path("usage").asText("").isEmpty()) {
                parts.add("Usage: " + description.path("usage").asText());
            }
            if (!description.path("limitations").asText("").isEmpty()) {
                parts.add("Limitations: " + description.path("limitations").asText());
            }
            for (String key : List.of("authoritativeDefinitions", "customProperties")) {
                if (description.has(key)) {
                    left("description." + key, "not kept");
                }
            }
            return String.join("\n\n", parts);
        }

        private Map<String, Object> serviceLevels() {
            Map<String, Object> slo = new LinkedHashMap<>();
            JsonNode sla = document.path("slaProperties");
            for (int i = 0; i < sla.size(); i++) {
                JsonNode property = sla.get(i);
                String name = property.path("property").asText("");
                String path = "slaProperties[" + i + "] (" + name + ")";
                if (OdcsExport.LATENCY.equalsIgnoreCase(name) && property.path("value").isNumber()) {
                    String duration = isoDuration(property.path("value").asDouble(), property.path("unit").asText(""));
                    if (duration == null) {
                        left(path, "unit '" + property.path("unit").asText("") + "' is not one of ms, s, min, h, d");
                    } else {
                        slo.put("freshness", duration);
                        if (property.has("element")) {
                            left(path + ".element", "freshness is measured on the record's timestamp, not on '"
                                    + property.path("element").asText() + "'");
                        }
                    }
                } else if (OdcsExport.THROUGHPUT.equalsIgnoreCase(name) && property.path("value").canConvertToLong()
                        && OdcsExport.RECORDS_PER_MINUTE.equals(property.path("unit").asText(""))) {
                    slo.put("expectedRecordsPerMinute", property.path("value").asLong());
                } else {
                    left(path, "value " + property.path("value").asText() + " " + property.path("unit").asText("")
                            + ": Headwater's service levels are freshness (latency) and volume (throughput in "
                            + "records/min)");
                }
            }
            return slo;
        }

        private static String isoDuration(double value, String unit) {
            double seconds = switch (unit.toLowerCase(Locale.ROOT)) {
                case "ms", "millisecond", "milliseconds" -> value / 1000;
                case "s", "sec", "second", "seconds" -> value;
                case "m", "min", "minute", "minutes" -> value * 60;
                case "h", "hr", "hour", "hours" -> value * 3600;
                case "d", "day", "days" -> value * 86400;
                default -> -1;
            };
            if (seconds < 0) {
                return null;
            }
            return Duration.ofMillis(Math.round(seconds * 1000)).toString();
        }

        private Schema schema(ObjectNode object) {
            Map<String, String> custom = customProperties(object.path("customProperties"), "schema[0].customProperties",
                    Set.of(OdcsExport.AVRO_SCHEMA));
            String avro = custom.get(OdcsExport.AVRO_SCHEMA);
            if (avro != null) {
                try {
                    return new Schema.Parser().parse(avro);
                } catch (SchemaParseException e) {
                    problem("schema[0].customProperties avroSchema", "is not a valid Avro schema: " + e.getMessage());
                    return null;
                }
            }
            String name = recordName(avroName(object.path("name").asText(""), "Record"), "");
            ArrayNode properties = object.path("properties") instanceof ArrayNode array ? array : null;
            if (properties == null || properties.isEmpty()) {
                if (!schemaMissing) {
                    problem("schema[0].properties", "is missing or empty; list the record's properties, or give its "
                            + "Avro schema as the schema object's customProperties entry avroSchema");
                }
                return null;
            }
            String doc = object.path("description").asText(null);
            List<Schema.Field> fields = fields(properties, "schema[0]");
            if (!problems.isEmpty()) {
                return null;
            }
            return Schema.createRecord(name, doc, null, false, fields);
        }

        private List<Schema.Field> fields(ArrayNode properties, String path) {
            List<Schema.Field> fields = new ArrayList<>();
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (int i = 0; i < properties.size(); i++) {
                JsonNode property = properties.get(i);
                String where = path + ".properties[" + i + "]";
                if (!property.isObject()) {
                    problem(where, "is " + kindOf(property) + ", not a mapping; a property is a mapping with name, "
                            + "logicalType and the rest");
                    continue;
                }
                String logicalName = property.path("name").asText("");
                String physicalName = property.path("physicalName").asText("");
                String name = physicalName.isEmpty() ? logicalName : physicalName;
                Integer earlier = seen.putIfAbsent(name, i);
                if (earlier != null) {
                    problem(where + ".name", "'" + name + "' is given twice (also " + path + ".properties[" + earlier
                            + "]); a record's fields have distinct names");
                    continue;
                }
                if (!AVRO_NAME.matcher(name).matches()) {
                    problem(where + ".name", "'" + name + "' is not a valid Avro field name (letters, digits and _, "
                            + "not starting with a digit); rename the property or give the Avro schema as the schema "
                            + "object's customProperties entry avroSchema");
                    continue;
                }
                Schema type = type(property, where + " (" + name + ")");
                if (!path.equals("schema[0]")) {
                    for (String key : List.of("classification", "quality", "logicalTypeOptions")) {
                        if (property.has(key)) {
                            left(where + " (" + name + ")." + key, "rules and classifications apply to the "
                                    + "record's top-level fields; give them to the enclosing field");
                        }
                    }
                }
                boolean required = property.path("required").asBoolean(false);
                String doc = property.path("description").asText(null);
                Schema.Field field = required ? new Schema.Field(name, type, doc)
                        : new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), type), doc,
                                Schema.Field.NULL_DEFAULT_VALUE);
                if (!physicalName.isEmpty() && !physicalName.equals(logicalName)) {
                    // records carry the physical name; the logical one stays as an alias readers may match
                    if (AVRO_NAME.matcher(logicalName).matches()) {
                        field.addAlias(logicalName);
                    }
                    left(where + " (" + logicalName + ")", "the Avro field is named by its physicalName '"
                            + physicalName + "', as records carry it; '" + logicalName + "' is "
                            + (AVRO_NAME.matcher(logicalName).matches() ? "an alias" : "not a valid Avro name: not kept"));
                }
                if (path.equals("schema[0]")) {
                    fieldNames.put(logicalName, name);
                }
                fields.add(field);
            }
            return fields;
        }

        /** The Avro type of a property, from its logical type, options and physical type. */
        private Schema type(JsonNode property, String path) {
            String logical = property.path("logicalType").asText("");
            String physical = property.path("physicalType").asText("").toLowerCase(Locale.ROOT);
            String format = property.path("logicalTypeOptions").path("format").asText("").toLowerCase(Locale.ROOT);
            switch (logical) {
                case "string" -> {
                    if (format.equals("binary") || format.equals("byte") || physical.equals("bytes")) {
                        return Schema.create(Schema.Type.BYTES);
                    }
                    // varchar(18): the length is a rule, made where the property's rules are (maxLengthOf)
                    Schema string = Schema.create(Schema.Type.STRING);
                    return format.equals("uuid") || physical.equals("uuid")
                            ? LogicalTypes.uuid().addToSchema(string) : string;
                }
                case "integer" -> {
                    // the wider of what the format and the physical type say, so that no value is cut
                    boolean wideFormat = Set.of("i64", "i128", "u32", "u64", "u128").contains(format);
                    boolean smallFormat = Set.of("i8", "i16", "i32", "u8", "u16").contains(format);
                    boolean smallPhysical = Set.of("int", "integer", "int32", "int4", "int2", "smallint", "tinyint",
                            "serial", "smallserial").contains(physical);
                    boolean widePhysical = physical.contains("long") || physical.contains("bigint")
                            || physical.equals("int64") || physical.equals("int8") || physical.equals("bigserial");
                    if (wideFormat && smallPhysical || smallFormat && widePhysical) {
                        left(path, "format " + format + " and physicalType " + physical + " disagree on the width: "
                                + "taken as a 64-bit Avro long, which holds either");
                    }
                    boolean small = (smallFormat || smallPhysical) && !wideFormat && !widePhysical;
                    return Schema.create(small ? Schema.Type.INT : Schema.Type.LONG);
                }
                case "number" -> {
                    if (DECIMAL.matcher(physical).matches()) {
                        left(path, "physicalType " + physical + ": taken as an Avro double");
                    }
                    boolean floatFormat = format.equals("f32");
                    boolean floatPhysical = physical.equals("float") || physical.equals("float4")
                            || physical.equals("real");
                    boolean doublePhysical = physical.equals("double") || physical.equals("float8")
                            || physical.startsWith("double");
                    if (floatFormat && doublePhysical || format.equals("f64") && floatPhysical) {
                        left(path, "format " + format + " and physicalType " + physical + " disagree on the width: "
                                + "taken as a 64-bit Avro double, which holds either");
                    }
                    return Schema.create((floatFormat || floatPhysical) && !doublePhysical && !format.equals("f64")
                            ? Schema.Type.FLOAT : Schema.Type.DOUBLE);
                }
                case "boolean" -> {
                    return Schema.create(Schema.Type.BOOLEAN);
                }
                case "date" -> {
                    return LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
                }
                case "time" -> {
                    return LogicalTypes.timeMillis().addToSchema(Schema.create(Schema.Type.INT));
                }
                case "timestamp" -> {
                    return physical.contains("micros")
                            ? LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG))
                            : LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
                }
                case "object" -> {
                    if (property.path("properties") instanceof ArrayNode nested && !nested.isEmpty()) {
                        String recordName = recordName(avroName(property.path("name").asText(""), "Nested"), path);
                        return Schema.createRecord(recordName, null, null, false, fields(nested, path));
                    }
                    left(path, "an object without properties: taken as a map of strings");
                    return Schema.createMap(Schema.create(Schema.Type.STRING));
                }
                case "array" -> {
                    JsonNode items = property.path("items");
                    if (!items.isMissingNode() && !items.isObject()) {
                        problem(path + ".items", "is " + kindOf(items) + ", not a mapping; items is a property "
                                + "mapping with logicalType and the rest");
                        return Schema.create(Schema.Type.STRING);
                    }
                    if (items.isMissingNode()) {
                        left(path, "an array without items: taken as an array of strings");
                        return Schema.createArray(Schema.create(Schema.Type.STRING));
                    }
                    ObjectNode named = items.deepCopy();
                    if (!named.has("name")) {
                        named.put("name", property.path("name").asText("") + "Item");
                    }
                    return Schema.createArray(type(named, path + ".items"));
                }
                default -> {
                    Schema primitive = primitive(physical);
                    if (primitive != null) {
                        return primitive;
                    }
                    left(path, logical.isEmpty() ? "no logicalType: taken as a string"
                            : "logicalType '" + logical + "' is not an ODCS logical type: taken as a string");
                    return Schema.create(Schema.Type.STRING);
                }
            }
        }

        private static Schema primitive(String physical) {
            for (Schema.Type type : List.of(Schema.Type.STRING, Schema.Type.INT, Schema.Type.LONG, Schema.Type.FLOAT,
                    Schema.Type.DOUBLE, Schema.Type.BOOLEAN, Schema.Type.BYTES)) {
                if (type.getName().equals(physical)) {
                    return Schema.create(type);
                }
            }
            return null;
        }

        /** A top-level property: its meaning and classification, its limits and checks as rules. */
        private void property(ObjectNode property, String path, Map<String, Object> fields,
                List<Map<String, Object>> rules) {
            String logicalName = property.path("name").asText("");
            String name = fieldNames.getOrDefault(logicalName, logicalName); // the Avro field: physicalName if any
            String where = path + " (" + logicalName + ")";
            String classification = property.path("classification").asText("");
            String doc = property.path("description").asText("");
            String protect = null;
            String mask = null;
            for (JsonNode custom : property.path("customProperties")) {
                String key = custom.path("property").asText("");
                if (key.equals("headwaterProtection")) {
                    protect = custom.path("value").asText();
                } else if (key.equals("headwaterMask")) {
                    mask = custom.path("value").asText();
                } else {
                    left(where + ".customProperties " + key, shown(custom.path("value"))
                            + ": a contract's fields hold a meaning, a classification and their protection only");
                }
            }
            if (!classification.isEmpty() || protect != null) {
                String known = classification.isEmpty() ? "internal" : classification.toLowerCase(Locale.ROOT);
                if (!FieldInfo.CLASSIFICATIONS.contains(known)) {
                    left(where + ".classification", "'" + classification + "' is not one of "
                            + FieldInfo.CLASSIFICATIONS.stream().sorted().toList() + "; the field is classified "
                            + "internal: classify it by hand");
                    known = "internal";
                }
                Map<String, Object> info = new LinkedHashMap<>();
                if (!doc.isEmpty()) {
                    info.put("doc", doc);
                }
                info.put("classification", known);
                if (protect != null) {
                    info.put("protect", protect);
                }
                if (mask != null) {
                    info.put("mask", mask);
                }
                fields.put(name, info);
            } else if (property.path("criticalDataElement").asBoolean(false)) {
                left(where + ".criticalDataElement", "true without a classification: classify the field (pii, "
                        + "confidential or restricted) by hand");
            }
            options(property, name, where, rules);
            quality(property.path("quality"), where + ".quality", name, rules);
            leftOverKeys(property, PROPERTY_KEYS, where + ".");
        }

        /** logicalTypeOptions that limit values become one rule named {field}Limits. */
        private void options(ObjectNode property, String field, String where, List<Map<String, Object>> rules) {
            JsonNode options = property.path("logicalTypeOptions");
            Map<String, Object> rule = new LinkedHashMap<>();
            String logical = property.path("logicalType").asText("");
            boolean numeric = logical.equals("number") || logical.equals("integer");
            boolean integer = logical.equals("integer");
            java.util.regex.Matcher sized = SIZED_TEXT.matcher(property.path("physicalType").asText("").trim());
            if (logical.equals("string") && sized.matches()) {
                // varchar(18): no value longer than that fits the column the document describes
                rule.put("maxLength", Integer.parseInt(sized.group(1) != null ? sized.group(1) : sized.group(2)));
            }
            for (Map.Entry<String, JsonNode> option : options.isObject() ? options.properties()
                    : Set.<Map.Entry<String, JsonNode>>of()) {
                String key = option.getKey();
                JsonNode value = option.getValue();
                if (numeric && key.equals("minimum") && value.isNumber()) {
                    rule.put("min", value.numberValue());
                } else if (numeric && key.equals("maximum") && value.isNumber()) {
                    rule.put("max", value.numberValue());
                } else if (integer && key.equals("exclusiveMinimum") && value.canConvertToLong()) {
                    rule.put("min", value.asLong() + 1); // the same values, for integers
                } else if (integer && key.equals("exclusiveMaximum") && value.canConvertToLong()) {
                    rule.put("max", value.asLong() - 1);
                } else if (key.equals("minLength") && value.canConvertToInt()) {
                    rule.put("minLength", value.asInt());
                } else if (key.equals("maxLength") && value.canConvertToInt()) {
                    rule.put("maxLength", value.asInt());
                } else if (key.equals("pattern") && value.isTextual()) {
                    rule.put("regex", value.asText());
                } else if (key.equals("format") && REPRESENTATION_FORMATS.contains(value.asText().toLowerCase(
                        Locale.ROOT))) {
                    continue;
                } else if (key.equals("format") && logical.equals("string")
                        && ContractRule.FORMATS.contains(value.asText().toLowerCase(Locale.ROOT))) {
                    rule.put("format", value.asText().toLowerCase(Locale.ROOT));
                } else {
                    left(where + ".logicalTypeOptions." + key, shown(value) + ": Headwater's rules have "
                            + "inclusive min and max, lengths, a pattern and the formats "
                            + ContractRule.FORMATS);
                }
            }
            if (!rule.isEmpty()) {
                Map<String, Object> named = new LinkedHashMap<>();
                named.put("name", uniqueName(field + "Limits"));
                named.put("field", field);
                named.putAll(rule);
                named.put("onFailure", "ERROR");
                rules.add(named);
            }
        }

        /** Data-quality checks that hold for each record become rules; the others are listed. */
        private void quality(JsonNode checks, String path, String field,
                List<Map<String, Object>> rules) {
            for (int i = 0; i < checks.size(); i++) {
                JsonNode check = checks.get(i);
                String label = check.path("name").asText(check.path("id").asText(""));
                String where = path + "[" + i + "]" + (label.isEmpty() ? "" : " (" + label + ")");
                String type = check.path("type").asText(check.has("metric") || check.has("rule") ? "library" : "");
                Map<String, Object> rule = switch (type) {
                    case "custom" -> custom(check, where, field);
                    case "library" -> library(check, where, field);
                    case "text" -> {
                        left(where, "a check in words (" + check.path("description").asText("") + "): write it "
                                + "as a rule by hand");
                        yield null;
                    }
                    case "sql" -> {
                        left(where, "a SQL check (" + check.path("query").asText("") + "): it runs in a database, "
                                + "not on each record");
                        yield null;
                    }
                    default -> {
                        left(where, "a check of type '" + type + "' is not one ODCS defines");
                        yield null;
                    }
                };
                if (rule == null) {
                    continue;
                }
                Map<String, String> custom = customProperties(check.path("customProperties"), where
                        + ".customProperties", Set.of(OdcsExport.ON_FAILURE, OdcsExport.MODE,
                        OdcsExport.ENFORCEMENT));
                Map<String, Object> named = new LinkedHashMap<>();
                named.put("name", uniqueName(label.isEmpty() ? (field == null ? "record" : field)
                        + capitalized(check.path("metric").asText(type)) : label));
                if (!check.path("description").asText("").isEmpty()) {
                    named.put("doc", check.path("description").asText());
                }
                named.putAll(rule);
                String onFailure = custom.get(OdcsExport.ON_FAILURE);
                if (onFailure == null) {
                    String severity = check.path("severity").asText("error");
                    onFailure = severity.equalsIgnoreCase("error") ? "ERROR" : "DLQ";
                    if (!severity.equalsIgnoreCase("error")) {
                        left(where + ".severity", "'" + severity + "': Headwater's rules refuse (ERROR) or set aside "
                                + "(DLQ) a record that fails; imported as DLQ");
                    }
                }
                named.put("onFailure", onFailure);
                if (custom.containsKey(OdcsExport.MODE)) {
                    named.put("mode", custom.get(OdcsExport.MODE));
                }
                if (custom.containsKey(OdcsExport.ENFORCEMENT)) {
                    try {
                        RuleEnforcement enforcement = RuleEnforcement.parse(custom.get(OdcsExport.ENFORCEMENT));
                        if (enforcement.environments().isEmpty()) {
                            named.put("enforcement", enforcement.declared().id());
                        } else {
                            Map<String, String> byEnvironment = new LinkedHashMap<>();
                            if (enforcement.declared() != null) {
                                byEnvironment.put("default", enforcement.declared().id());
                            }
                            enforcement.environments().forEach((environment, mode) -> byEnvironment.put(environment,
                                    mode.id()));
                            named.put("enforcement", byEnvironment);
                        }
                    } catch (IllegalArgumentException e) {
                        left(where + ".customProperties", OdcsExport.ENFORCEMENT + ": " + e.getMessage());
                    }
                }
                // the dimension Headwater's own export writes for a rule of this kind says nothing more; others are
                // listed, like every other part of the check a rule cannot hold
                String dimension = check.path("dimension").asText("");
                String metric = check.path("metric").asText(check.path("rule").asText(""));
                String implied = "nullValues".equals(metric) ? "completeness"
                        : "invalidValues".equals(metric) ? "conformity" : null;
                if (!dimension.isEmpty() && !dimension.equalsIgnoreCase(String.valueOf(implied))) {
                    left(where + ".dimension", shown(check.path("dimension")) + " not kept");
                }
                for (String key : List.of("id", "businessImpact", "schedule", "scheduler", "method", "unit", "tags",
                        "authoritativeDefinitions")) {
                    if (check.has(key)) {
                        left(where + "." + key, shown(check.path(key)) + " not kept");
                    }
                }
                rules.add(named);
            }
        }

        private Map<String, Object> custom(JsonNode check, String where,
                String field) {
            String engine = check.path("engine").asText("");
            if (!OdcsExport.ENGINE.equals(engine)) {
                left(where, "a check for the engine '" + engine + "': only its engine runs it");
                return null;
            }
            JsonNode implementation = check.path("implementation");
            if (!implementation.isObject()) {
                problem(where + ".implementation", "a headwater check's implementation is a mapping of the rule's "
                        + "keys (field, min, max, minLength, maxLength, regex, in, format, notInFuture, expr, type)");
                return null;
            }
            Map<String, Object> rule = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : implementation.properties()) {
                rule.put(entry.getKey(), JSON.convertValue(entry.getValue(), Object.class));
            }
            if (field != null && !rule.containsKey("field") && !rule.containsKey("expr")) {
                rule.put("field", field);
            }
            return rule;
        }

        private Map<String, Object> library(JsonNode check, String where,
                String field) {
            String metric = check.path("metric").asText(check.path("rule").asText(""));
            // a count of failing records (ODCS's default unit, rows) that must be 0; "less than 1" means 0 only for
            // a count: 1 percent is a tolerance, which a record-by-record rule cannot keep
            String unit = check.path("unit").asText("rows");
            boolean rows = unit.equalsIgnoreCase("rows") || unit.equalsIgnoreCase("row");
            boolean none = check.path("mustBe").isNumber() && check.path("mustBe").asDouble() == 0
                    || rows && check.has("mustBeLessThan") && check.path("mustBeLessThan").asDouble() == 1
                    || check.has("mustBeLessOrEqualTo") && check.path("mustBeLessOrEqualTo").asDouble() == 0;
            if (field == null) {
                left(where, "the " + metric + " check is over all records; Headwater checks each record on its own");
                return null;
            }
            if (!none) {
                left(where, "the " + metric + " check allows some failing records (" + tolerance(check) + "); "
                        + "Headwater checks each record: none may fail");
                return null;
            }
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("field", field);
            switch (metric) {
                case "nullValues" -> rule.put("required", true);
                case "invalidValues" -> {
                    JsonNode arguments = check.path("arguments");
                    if (arguments.has("validValues")) {
                        rule.put("in", strings(arguments.path("validValues")));
                    }
                    if (arguments.has("pattern")) {
                        rule.put("regex", arguments.path("pattern").asText());
                    }
                    if (rule.size() == 1) {
                        left(where, "invalidValues without validValues or pattern says nothing to check");
                        return null;
                    }
                }
                case "missingValues" -> {
                    left(where, "missingValues " + check.path("arguments").path("missingValues")
                            + ": write a rule with 'in' or 'regex' by hand");
                    return null;
                }
                default -> {
                    left(where, "the " + metric + " check compares records with each other; Headwater checks each "
                            + "record on its own");
                    return null;
                }
            }
            return rule;
        }

        private static String tolerance(JsonNode check) {
            for (String key : List.of("mustBe", "mustNotBe", "mustBeGreaterThan", "mustBeGreaterOrEqualTo",
                    "mustBeLessThan", "mustBeLessOrEqualTo", "mustBeBetween", "mustNotBeBetween")) {
                if (check.has(key)) {
                    return key + " " + check.path(key) + (check.has("unit") ? " " + check.path("unit").asText() : "");
                }
            }
            return "no operator";
        }

        private Map<String, String> customProperties(JsonNode list, String path,
                Set<String> known) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode entry = list.get(i);
                String property = entry.path("property").asText("");
                if (known.contains(property)) {
                    JsonNode value = entry.path("value");
                    values.put(property, value.isValueNode() ? value.asText() : value.toString());
                } else {
                    left(path + "[" + i + "] (" + property + ")", shown(entry.path("value")) + " not kept");
                }
            }
            return values;
        }

        private void leftOverKeys(JsonNode node, Set<String> handled, String path) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String key = entry.getKey();
                if (handled.contains(key)) {
                    continue;
                }
                JsonNode value = entry.getValue();
                if (value.isBoolean() && !value.asBoolean()
                        || value.isNumber() && key.endsWith("Position") && value.asInt() == -1) {
                    continue;
                }
                left(path + key, describe(key, value));
            }
            if (path.isEmpty()) {
                String id = text("id");
                String subject = OdcsExport.SUBJECT;
                if (!id.isEmpty() && !hasCustom(subject, id)) {
                    left("id", "'" + id + "': a Headwater contract is known by its subject and topics");
                }
                String status = text("status");
                if (!status.isEmpty() && !status.equals("active")) {
                    left("status", "'" + status + "': a Headwater contract is in force while it is registered");
                }
            }
        }

        private boolean hasCustom(String property, String value) {
            for (JsonNode entry : document.path("customProperties")) {
                if (property.equals(entry.path("property").asText()) && value.equals(entry.path("value").asText())) {
                    return true;
                }
            }
            return false;
        }

        private static String describe(String key, JsonNode value) {
            String what = !value.isContainerNode() ? "'" + value.asText() + "'"
                    : !value.isArray() ? "a mapping"
                    : value.size() + (value.size() == 1 ? " entry" : " entries");
            return what + switch (key) {
                case "servers" -> ": where the data lives is the clients' bootstrap servers, not the contract";
                case "roles" -> ": access is granted by the cluster's ACLs, not the contract";
                case "price" -> ": see the tenant cost model for chargeback";
                case "primaryKey", "unique" -> ": Headwater checks each record on its own, not keys across records";
                case "examples" -> ": keep examples in {name}.examples.yaml beside the contract";
                default -> " not kept";
            };
        }

        /**
         * @param candidate an Avro record name
         * @param path where the object is, to qualify a name already taken
         * @return the name, or one made distinct: two objects of one name (or one named like an enclosing record)
         *     would otherwise become one type, losing fields, or a recursive one
         */
        private String recordName(String candidate, String path) {
            String name = candidate;
            if (recordNames.contains(name)) {
                // qualified by the names of the enclosing properties: billing.address becomes BillingAddress
                List<String> enclosing = new ArrayList<>();
                java.util.regex.Matcher names = Pattern.compile("\\(([^)]*)\\)").matcher(path);
                while (names.find()) {
                    enclosing.add(names.group(1));
                }
                if (!enclosing.isEmpty()) {
                    enclosing.remove(enclosing.size() - 1);
                }
                String qualified = avroName(String.join(" ", enclosing), "") + candidate;
                name = qualified;
                for (int n = 2; recordNames.contains(name); n++) {
                    name = qualified + n;
                }
                left(path, "an object named like another record: its Avro record is named " + name);
            }
            recordNames.add(name);
            return name;
        }

        /** A value as the listing shows it: text as text, a list or mapping as JSON. */
        private static String shown(JsonNode value) {
            return value.isValueNode() ? "'" + value.asText() + "'" : value.toString();
        }

        private static String kindOf(JsonNode value) {
            return value.isArray() ? "a list" : value.isNull() || value.isMissingNode() ? "empty"
                    : value.isObject() ? "a mapping" : "the value " + shown(value);
        }

        private static String keysOtherThan(JsonNode mapping, Set<String> used) {
            List<String> others = new ArrayList<>();
            mapping.properties().forEach(e -> {
                if (!used.contains(e.getKey())) {
                    others.add(e.getKey() + " " + shown(e.getValue()));
                }
            });
            return String.join(", ", others);
        }

        private String uniqueName(String name) {
            String candidate = name;
            for (int n = 2; !ruleNames.add(candidate); n++) {
                candidate = name + n;
            }
            return candidate;
        }

        private static String capitalized(String text) {
            return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
        }

        private static String avroName(String name, String fallback) {
            StringBuilder out = new StringBuilder();
            for (String part : name.split("[^A-Za-z0-9]+")) {
                if (!part.isEmpty()) {
                    out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
                }
            }
            if (out.isEmpty()) {
                return fallback;
            }
            return Character.isDigit(out.charAt(0)) ? "_" + out : out.toString();
        }

        private static List<String> strings(JsonNode node) {
            List<String> values = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(item -> values.add(item.asText()));
            } else if (node.isTextual()) {
                values.add(node.asText());
            }
            return values;
        }

        private String text(String key) {
            JsonNode value = document.path(key);
            return value.isValueNode() ? value.asText() : "";
        }

        private static void putIfPresent(Map<String, Object> map, String key, String value) {
            if (value != null && !value.isEmpty()) {
                map.put(key, value);
            }
        }

        private String header() {
            StringBuilder header = new StringBuilder("# Converted by Headwater from the ODCS document "
                    + source.replaceAll("[\\r\\n]", " ") + "\n");
            if (left.isEmpty()) {
                header.append("# Everything the document says is represented here.\n");
            } else {
                header.append("# Not represented here (kept in the ODCS document only):\n");
                for (String item : left) {
                    header.append("#   - ").append(item.replaceAll("[\\r\\n]+", " ")).append('\n');
                }
            }
            return header.toString();
        }

        private void left(String path, String why) {
            left.add(path + ": " + why);
        }

        private void problem(String path, String message) {
            problems.add(source + ": " + path + " " + message);
        }

        private ContractDefinitionException failed() {
            return new ContractDefinitionException(source, problems);
        }
    }
}
