package dev.headwater.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The state of the in-process schema registry and its rules, kept faithful to Confluent Schema Registry where clients
 * can tell: global ids shared across subjects, idempotent registration, versions per subject, compatibility levels
 * checked with Avro's own checker, soft and hard deletes, and the registry's error codes. Internal: not for users.
 * Thread safe: every public method is synchronized.
 */
public final class RegistryStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LEVELS = List.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD",
            "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");

    private final Map<String, Integer> idsByIdentity = new HashMap<>();
    private final Map<Integer, ObjectNode> schemasById = new HashMap<>();
    private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, String> subjectLevels = new HashMap<>();
    private String globalLevel = "BACKWARD";
    private int nextId = 1;

    /** A failure the registry answers with: HTTP status, error code and message. */
    public static final class RegistryError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final int errorCode;

        RegistryError(int status, int errorCode, String message) {
            super(message, null, false, false);
            this.status = status;
            this.errorCode = errorCode;
        }

        /** @return the HTTP status */
        public int status() {
            return status;
        }

        /** @return the registry error code */
        public int errorCode() {
            return errorCode;
        }
    }

    private static final class Version {
        final int version;
        final int id;
        boolean deleted;

        Version(int version, int id) {
            this.version = version;
            this.id = id;
        }
    }

    /** Registers a schema under a subject; returns {"id": n}. */
    public synchronized ObjectNode register(String subject, JsonNode request) {
        ObjectNode schema = normalizedRequest(request);
        String identity = identity(schema);
        TreeMap<Integer, Version> versions = subjects.computeIfAbsent(subject, s -> new TreeMap<>());
        Integer existingId = idsByIdentity.get(identity);
        if (existingId != null) {
            for (Version version : versions.values()) {
                if (!version.deleted && version.id == existingId) {
                    return JSON.createObjectNode().put("id", existingId);
                }
            }
        }
        List<String> problems = incompatibilities(subject, schema, live(versions), level(subject));
        if (!problems.isEmpty()) {
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
            throw new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for "
                    + "subject \"" + subject + "\", details: [" + String.join(", ", problems) + "]");
        }
        int id = existingId != null ? existingId : nextId++;
        idsByIdentity.put(identity, id);
        schemasById.putIfAbsent(id, schema);
        int next = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        versions.put(next, new Version(next, id));
        return JSON.createObjectNode().put("id", id);
    }

    /** Finds the version a schema has under a subject. */
    public synchronized ObjectNode lookup(String subject, JsonNode request, boolean includeDeleted) {
        TreeMap<Integer, Version> versions = requireSubject(subject, includeDeleted);
        ObjectNode schema = normalizedRequest(request);
        Integer id = idsByIdentity.get(identity(schema));
        if (id != null) {
            for (Version version : versions.values()) {
                if (version.id == id && (includeDeleted || !version.deleted)) {
                    return describe(subject, version);
                }
            }
        }
        throw new RegistryError(404, 40403, "Schema not found");
    }

    /** Returns one version: a number, "latest" or -1. */
    public synchronized ObjectNode version(String subject, String version, boolean includeDeleted) {
        return describe(subject, findVersion(subject, version, includeDeleted));
    }

    /** Returns the latest version whose metadata properties hold every pair. */
    public synchronized ObjectNode latestWithMetadata(String subject, Map<String, String> properties) {
        TreeMap<Integer, Version> versions = requireSubject(subject, false);
        for (Version version : versions.descendingMap().values()) {
            if (version.deleted) {
                continue;
            }
            JsonNode metadata = schemasById.get(version.id).path("metadata").path("properties");
            boolean matches = properties.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(metadata.path(e.getKey()).asText(null)));
            if (matches) {
                return describe(subject, version);
            }
        }
        throw new RegistryError(404, 40402, "Version not found: no version of subject '" + subject
                + "' has metadata " + properties);
    }

    /** Lists subjects with at least one live version (or any version, when asked). */
    public synchronized ArrayNode subjects(boolean includeDeleted) {
        ArrayNode names = JSON.createArrayNode();
        subjects.forEach((name, versions) -> {
            if (!versions.isEmpty() && (includeDeleted || !live(versions).isEmpty())) {
                names.add(name);
            }
        });
        return names;
    }

    /** Lists a subject's versions. */
    public synchronized ArrayNode versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, Version> versions = requireSubject(subject, includeDeleted);
        ArrayNode numbers = JSON.createArrayNode();
        versions.values().stream().filter(v -> includeDeleted || !v.deleted).forEach(v -> numbers.add(v.version));
        return numbers;
    }

    /** Returns a schema by id, while any version still refers to it. */
    public synchronized ObjectNode schemaById(int id) {
        ObjectNode schema = schemasById.get(id);
        if (schema == null || !referenced(id)) {
            throw new RegistryError(404, 40403, "Schema " + id + " not found");
        }
        ObjectNode answer = schema.deepCopy();
        if ("AVRO".equals(answer.path("schemaType").asText())) {
            answer.remove("schemaType");
        }
        return answer;
    }

    /**
     * Lists the subject-version pairs that use a schema id: an empty list when every one is soft-deleted (or the
     * soft-deleted ones too with {@code deleted}); 404 only for an id the registry never gave.
     */
    public synchronized ArrayNode subjectVersionsOf(int id, boolean includeDeleted) {
        if (!schemasById.containsKey(id)) {
            throw new RegistryError(404, 40403, "Schema " + id + " not found");
        }
        ArrayNode pairs = JSON.createArrayNode();
        subjects.forEach((name, versions) -> versions.values().stream()
                .filter(v -> v.id == id && (includeDeleted || !v.deleted))
                .forEach(v -> pairs.addObject().put("subject", name).put("version", v.version)));
        return pairs;
    }

    /** Tests compatibility against one version, or against the subject per its level when version is null. */
    public synchronized ObjectNode testCompatibility(String subject, String version, JsonNode request,
            boolean verbose) {
        ObjectNode schema = normalizedRequest(request);
        List<Version> against;
        String level = level(subject);
        TreeMap<Integer, Version> existing = subjects.get(subject);
        boolean none = existing == null || live(existing).isEmpty();
        if (version == null || (none && (version.equalsIgnoreCase("latest") || version.equals("-1")))) {
            // nothing registered yet: any schema is compatible, as Confluent answers
            against = none ? List.of() : live(existing);
        } else {
            against = List.of(findVersion(subject, version, false));
            level = level.replace("_TRANSITIVE", "");
        }
        List<String> problems = incompatibilities(subject, schema, against, level);
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (verbose) {
            ArrayNode messages = answer.putArray("messages");
            problems.forEach(messages::add);
        }
        return answer;
    }

    /** Soft- or hard-deletes a subject; returns the versions deleted. */
    public synchronized ArrayNode deleteSubject(String subject, boolean permanent) {
        TreeMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
        }
        ArrayNode deleted = JSON.createArrayNode();
        if (permanent) {
            if (!live(versions).isEmpty()) {
                throw new RegistryError(404, 40405, "Subject '" + subject + "' was not deleted first before being "
                        + "permanently deleted");
            }
            versions.keySet().forEach(deleted::add);
            subjects.remove(subject);
            subjectLevels.remove(subject);
            return deleted;
        }
        if (live(versions).isEmpty()) {
            throw new RegistryError(404, 40404, "Subject '" + subject + "' was soft deleted.Set permanent=true to "
                    + "delete permanently");
        }
        for (Version version : versions.values()) {
            if (!version.deleted) {
                version.deleted = true;
                deleted.add(version.version);
            }
        }
        return deleted;
    }

    /** Soft- or hard-deletes one version; returns its number. */
    public synchronized int deleteVersion(String subject, String versionText, boolean permanent) {
        Version version = findVersion(subject, versionText, true);
        TreeMap<Integer, Version> versions = subjects.get(subject);
        if (permanent) {
            if (!version.deleted) {
                throw new RegistryError(404, 40407, "Subject '" + subject + "' Version " + version.version
                        + " was not deleted first before being permanently deleted");
            }
            versions.remove(version.version);
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
            return version.version;
        }
        if (version.deleted) {
            throw new RegistryError(404, 40406, "Subject '" + subject + "' Version " + version.version
                    + " was soft deleted.Set permanent=true to delete permanently");
        }
        version.deleted = true;
        return version.version;
    }

    /** Returns the global level, {"compatibilityLevel": ...}. */
    public synchronized ObjectNode globalConfig() {
        return JSON.createObjectNode().put("compatibilityLevel", globalLevel);
    }

    /** Sets the global level. */
    public synchronized ObjectNode setGlobalConfig(JsonNode request) {
        globalLevel = validLevel(request);
        return JSON.createObjectNode().put("compatibility", globalLevel);
    }

    /** Returns a subject's level; the global one only when asked to default to it. */
    public synchronized ObjectNode subjectConfig(String subject, boolean defaultToGlobal) {
        String level = subjectLevels.get(subject);
        if (level == null && !defaultToGlobal) {
            throw new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level "
                    + "compatibility configured");
        }
        return JSON.createObjectNode().put("compatibilityLevel", level == null ? globalLevel : level);
    }

    /** Sets a subject's level. */
    public synchronized ObjectNode setSubjectConfig(String subject, JsonNode request) {
        String level = validLevel(request);
        subjectLevels.put(subject, level);
        return JSON.createObjectNode().put("compatibility", level);
    }

    /** Removes a subject's level; returns the one removed. */
    public synchronized ObjectNode deleteSubjectConfig(String subject) {
        String level = subjectLevels.remove(subject);
        if (level == null) {
            throw new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
        }
        return JSON.createObjectNode().put("compatibilityLevel", level);
    }

    private String level(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private static String validLevel(JsonNode request) {
        String level = request.path("compatibility").asText("");
        if (!LEVELS.contains(level)) {
            throw new RegistryError(422, 42203, "Invalid compatibility level. Valid values are none, backward, "
                    + "forward, full, backward_transitive, forward_transitive, and full_transitive");
        }
        return level;
    }

    private boolean referenced(int id) {
        return subjects.values().stream().anyMatch(versions -> versions.values().stream().anyMatch(v -> v.id == id));
    }

    private TreeMap<Integer, Version> requireSubject(String subject, boolean includeDeleted) {
        TreeMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty() || (!includeDeleted && live(versions).isEmpty())) {
            throw new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private Version findVersion(String subject, String text, boolean includeDeleted) {
        TreeMap<Integer, Version> versions = requireSubject(subject, includeDeleted);
        if (text.equalsIgnoreCase("latest") || text.equals("-1")) {
            List<Version> candidates = includeDeleted ? new ArrayList<>(versions.values()) : live(versions);
            return candidates.get(candidates.size() - 1);
        }
        int number;
        try {
            number = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1) {
            throw new RegistryError(422, 42202, "The specified version '" + text + "' is not a valid version id. "
                    + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
        Version version = versions.get(number);
        if (version == null || (version.deleted && !includeDeleted)) {
            throw new RegistryError(404, 40402, "Version " + number + " not found.");
        }
        return version;
    }

    private static List<Version> live(TreeMap<Integer, Version> versions) {
        return versions.values().stream().filter(v -> !v.deleted).toList();
    }

    private ObjectNode describe(String subject, Version version) {
        ObjectNode schema = schemasById.get(version.id);
        ObjectNode answer = JSON.createObjectNode().put("subject", subject).put("version", version.version)
                .put("id", version.id);
        schema.fields().forEachRemaining(field -> answer.set(field.getKey(), field.getValue()));
        if ("AVRO".equals(answer.path("schemaType").asText())) {
            answer.remove("schemaType");
        }
        return answer;
    }

    private List<String> incompatibilities(String subject, ObjectNode candidate, List<Version> existing,
            String level) {
        if (level.equals("NONE") || existing.isEmpty()) {
            return List.of();
        }
        List<Version> against = level.endsWith("_TRANSITIVE") ? existing : List.of(existing.get(existing.size() - 1));
        boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
        boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
        Schema newSchema = parse(candidate);
        List<String> problems = new ArrayList<>();
        for (Version version : against) {
            Schema oldSchema = parse(schemasById.get(version.id));
            List<SchemaCompatibility.Incompatibility> found = new ArrayList<>();
            if (backward) {
                found.addAll(SchemaCompatibility.checkReaderWriterCompatibility(newSchema, oldSchema).getResult()
                        .getIncompatibilities());
            }
            if (forward) {
                found.addAll(SchemaCompatibility.checkReaderWriterCompatibility(oldSchema, newSchema).getResult()
                        .getIncompatibilities());
            }
            for (SchemaCompatibility.Incompatibility incompatibility : found) {
                problems.add("{errorType:'" + incompatibility.getType() + "', description:'"
                        + incompatibility.getMessage() + "', additionalInfo:'" + incompatibility.getLocation()
                        + "', oldSchemaVersion: " + version.version + ", compatibility: '" + level + "'}");
            }
        }
        return problems;
    }

    private ObjectNode normalizedRequest(JsonNode request) {
        if (request == null || !request.isObject() || !request.path("schema").isTextual()) {
            throw new RegistryError(422, 42201, "Invalid schema: the request must be a JSON object with a 'schema' "
                    + "string");
        }
        String type = request.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new RegistryError(422, 42201, "Invalid schema: schema type " + type + " is not supported by the "
                    + "in-process registry (AVRO only)");
        }
        ObjectNode schema = JSON.createObjectNode().put("schemaType", type);
        ObjectNode parsedRequest = (ObjectNode) request.deepCopy();
        if (request.has("references") && request.path("references").size() > 0) {
            schema.set("references", request.get("references"));
        }
        String text = parse(parsedRequest.put("schemaType", type)).toString();
        schema.put("schema", text);
        if (request.hasNonNull("metadata")) {
            schema.set("metadata", request.get("metadata"));
        }
        if (request.hasNonNull("ruleSet")) {
            schema.set("ruleSet", request.get("ruleSet"));
        }
        return schema;
    }

    private Schema parse(JsonNode schema) {
        Schema.Parser parser = new Schema.Parser();
        for (JsonNode reference : schema.path("references")) {
            String subject = reference.path("subject").asText();
            String version = reference.path("version").asText("latest");
            Version found;
            try {
                found = findVersion(subject, version, true);
            } catch (RegistryError e) {
                throw new RegistryError(422, 42201, "Invalid schema: reference '" + reference.path("name").asText()
                        + "' to subject '" + subject + "' version " + version + " does not exist");
            }
            parseInto(parser, schemasById.get(found.id));
        }
        try {
            return parser.parse(schema.path("schema").asText());
        } catch (org.apache.avro.AvroRuntimeException | IllegalArgumentException
                | NullPointerException e) {
            // any refusal of the schema's text is the client's error (422), never the registry's (500)
            throw new RegistryError(422, 42201, "Invalid schema: " + e.getMessage());
        }
    }

    private void parseInto(Schema.Parser parser, ObjectNode schema) {
        for (JsonNode reference : schema.path("references")) {
            Version found = findVersion(reference.path("subject").asText(), reference.path("version").asText(), true);
            parseInto(parser, schemasById.get(found.id));
        }
        try {
            parser.parse(schema.path("schema").asText());
        } catch (SchemaParseException e) {
            // already known to this parser through another reference path
            if (!e.getMessage().contains("Can't redefine")) {
                throw e;
            }
        }
    }

    private static String identity(ObjectNode schema) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("t", schema.path("schemaType").asText());
        parts.put("s", schema.path("schema").asText());
        parts.put("r", schema.path("references").toString());
        parts.put("m", schema.path("metadata").toString());
        parts.put("rs", schema.path("ruleSet").toString());
        return parts.toString();
    }

    /** @return the registry error for a request body that is not JSON */
    public static RegistryError badJson(String detail) {
        return new RegistryError(400, 400, "Bad request: the body is not valid JSON (" + detail + ")");
    }

    /** @return the registry error for a schema id that does not exist */
    public static RegistryError schemaNotFound(String id) {
        return new RegistryError(404, 40403, "Schema " + id + " not found");
    }

    /** @return the registry error for a path or method the registry does not serve */
    public static RegistryError notFound(String method, String path) {
        return new RegistryError(404, 404, "HTTP 404 Not Found: " + method + " " + path);
    }

}
