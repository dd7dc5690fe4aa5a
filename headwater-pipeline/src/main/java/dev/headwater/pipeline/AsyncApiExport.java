package dev.headwater.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * An application's data contracts as an AsyncAPI 3.0 document: one channel per topic (its address, Kafka binding and
 * the contract's description and owner), one message per contract (the Avro schema as payload with its schema
 * format, the Confluent wire format's schema id in the Kafka binding, Headwater's lineage and W3C trace headers), a
 * {@code send} operation for each topic the application produces and a {@code receive} operation for each it consumes.
 * Field meanings and classifications, rules and the dead-letter topic go into descriptions and {@code x-headwater-*}
 * extensions, where AsyncAPI has no place of its own for them.
 *
 * <pre>{@code
 * String yaml = AsyncApiExport.builder("orders-service", "1.4.0")
 *         .server("production", "broker-1.example.com:9093")
 *         .produces(DataContract.load(Path.of("src/main/contracts/orders.yaml")))
 *         .consumes(DataContract.load(Path.of("contracts/payments.yaml")))
 *         .build().toYaml();
 * }</pre>
 */
public final class AsyncApiExport {

    /** The schema format of Avro payloads, as AsyncAPI names it. */
    public static final String AVRO_SCHEMA_FORMAT = "application/vnd.apache.avro;version=1.9.0";
    private static final String KAFKA_BINDING_VERSION = "0.5.0";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode document;

    private AsyncApiExport(ObjectNode document) {
        this.document = document;
    }

    /**
     * @param application the application's name: the document's title
     * @param version its version
     * @return a builder
     */
    public static Builder builder(String application, String version) {
        return new Builder(application, version);
    }

    /** @return the document as a JSON tree */
    public ObjectNode toJsonTree() {
        return document.deepCopy();
    }

    /** @return the document as JSON text */
    public String toJson() {
        return Documents.json(document);
    }

    /** @return the document as YAML text */
    public String toYaml() {
        return Documents.yaml(document);
    }

    /** Builds an {@link AsyncApiExport}. Not thread safe. */
    public static final class Builder {
        private final String application;
        private final String version;
        private String description = "";
        private final Map<String, String> servers = new LinkedHashMap<>();
        private final List<DataContract> produces = new ArrayList<>();
        private final List<DataContract> consumes = new ArrayList<>();

        private Builder(String application, String version) {
            this.application = Objects.requireNonNull(application, "application");
            this.version = version == null || version.isBlank() ? "0.0.0" : version;
        }

        /** @param description what the application does @return this builder */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /**
         * @param name a name for the cluster, such as {@code production}
         * @param bootstrapServers its bootstrap servers; the first is the server's host
         * @return this builder
         */
        public Builder server(String name, String bootstrapServers) {
            servers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(bootstrapServers,
                    "bootstrapServers"));
            return this;
        }

        /** @param contract a contract whose topics the application writes @return this builder */
        public Builder produces(DataContract contract) {
            produces.add(Objects.requireNonNull(contract, "contract"));
            return this;
        }

        /** @param contract a contract whose topics the application reads @return this builder */
        public Builder consumes(DataContract contract) {
            consumes.add(Objects.requireNonNull(contract, "contract"));
            return this;
        }

        /** @return the document */
        public AsyncApiExport build() {
            ObjectNode root = JSON.createObjectNode();
            root.put("asyncapi", "3.0.0");
            ObjectNode info = root.putObject("info");
            info.put("title", application);
            info.put("version", version);
            info.put("description", description.isEmpty() ? "The data " + application + " produces and consumes, "
                    + "under Headwater data contracts." : description);
            if (!servers.isEmpty()) {
                ObjectNode serverNodes = root.putObject("servers");
                servers.forEach((name, bootstrap) -> {
                    ObjectNode server = serverNodes.putObject(name);
                    server.put("host", bootstrap.split(",")[0].trim().replaceFirst("^[A-Za-z_]+://", ""));
                    server.put("protocol", "kafka");
                    server.put("description", "Kafka cluster, bootstrap.servers=" + bootstrap);
                });
            }
            root.put("defaultContentType", "application/vnd.apache.avro+binary");
            ObjectNode channels = root.putObject("channels");
            ObjectNode operations = root.putObject("operations");
            ObjectNode messages = root.putObject("components").putObject("messages");
            for (DataContract contract : produces) {
                add(contract, "send", channels, operations, messages);
            }
            for (DataContract contract : consumes) {
                add(contract, "receive", channels, operations, messages);
            }
            return new AsyncApiExport(root);
        }

        private void add(DataContract contract, String action, ObjectNode channels, ObjectNode operations,
                ObjectNode messages) {
            String messageId = contract.schema().getName();
            if (!messages.has(messageId)) {
                messages.set(messageId, message(contract));
            }
            for (String topic : contract.topics()) {
                String channelId = id(topic);
                ObjectNode channel = channels.has(channelId) ? (ObjectNode) channels.get(channelId)
                        : channels.putObject(channelId);
                channel.put("address", topic);
                channel.put("title", topic);
                channel.put("description", describe(contract));
                channel.withObjectProperty("messages").putObject(messageId).put("$ref", "#/components/messages/" + messageId);
                ObjectNode binding = channel.withObjectProperty("bindings").putObject("kafka");
                binding.put("topic", topic);
                binding.put("bindingVersion", KAFKA_BINDING_VERSION);
                channel.put("x-headwater-contract", contract.subject() + "@" + contract.version());
                channel.put("x-headwater-owner", contract.owner().team());
                if (!contract.deadLetterTopic().isEmpty()) {
                    channel.put("x-headwater-dead-letter-topic", contract.deadLetterTopic());
                }
                ObjectNode operation = operations.putObject(action + capitalized(channelId));
                operation.put("action", action);
                operation.putObject("channel").put("$ref", "#/channels/" + channelId);
                operation.put("summary", (action.equals("send") ? application + " writes " : application
                        + " reads ") + topic);
                operation.putArray("messages").addObject().put("$ref", "#/channels/" + channelId + "/messages/"
                        + messageId);
            }
        }

        private static ObjectNode message(DataContract contract) {
            ObjectNode message = JSON.createObjectNode();
            message.put("name", contract.schema().getName());
            message.put("title", contract.schema().getFullName());
            message.put("summary", contract.description().isEmpty() ? contract.subject() : contract.description());
            message.put("description", fieldsAndRules(contract));
            message.put("contentType", "application/vnd.apache.avro+binary");
            ObjectNode headers = message.putObject("headers");
            headers.put("type", "object");
            ObjectNode properties = headers.putObject("properties");
            properties.putObject("hw").put("type", "string").put("description", "Headwater lineage, format 2 (binary, "
                    + "at most 16 bytes): descriptor id, sequence and, for derived events, correlation and causation; "
                    + "the producer's descriptor is on the compacted topic _headwater-lineage");
            properties.putObject("traceparent").put("type", "string").put("description", "W3C trace context of the "
                    + "PRODUCER span that sent the record");
            properties.putObject("tracestate").put("type", "string").put("description", "W3C trace state, when set");
            properties.putObject("ce_id").put("type", "string").put("description", "Lineage format 1 (CloudEvents "
                    + "binary mode, optional): the event id; ce_source, ce_type, ce_time, ce_subject and the Headwater "
                    + "extensions accompany it");
            ObjectNode payload = message.putObject("payload");
            payload.put("schemaFormat", AVRO_SCHEMA_FORMAT);
            try {
                payload.set("schema", JSON.readTree(contract.schema().toString()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            ObjectNode kafka = message.putObject("bindings").putObject("kafka");
            kafka.putObject("key").put("type", "string");
            kafka.put("schemaIdLocation", "payload");
            kafka.put("schemaIdPayloadEncoding", "confluent");
            kafka.put("schemaLookupStrategy", "TopicNameStrategy");
            kafka.put("bindingVersion", KAFKA_BINDING_VERSION);
            ArrayNode tags = message.putArray("tags");
            if (!contract.domain().isEmpty()) {
                tags.addObject().put("name", "domain:" + contract.domain());
            }
            contract.tags().forEach(tag -> tags.addObject().put("name", tag));
            message.put("x-headwater-contract", contract.subject() + "@" + contract.version());
            message.put("x-headwater-owner", contract.owner().team());
            ObjectNode classifications = JSON.createObjectNode();
            contract.fields().forEach((field, info) -> {
                if (info.classification() != null && !info.classification().isEmpty()) {
                    classifications.put(field, info.classification());
                }
            });
            if (!classifications.isEmpty()) {
                message.set("x-headwater-classification", classifications);
            }
            ObjectNode protections = JSON.createObjectNode();
            contract.fields().forEach((field, info) -> {
                if (info.protectedField()) {
                    protections.put(field, info.protection().id());
                }
            });
            if (!protections.isEmpty()) {
                message.set("x-headwater-protection", protections);
            }
            if (!contract.erasureSubject().isEmpty()) {
                message.put("x-headwater-erasure-subject", contract.erasureSubject());
            }
            return message;
        }

        private static String describe(DataContract contract) {
            return (contract.description().isEmpty() ? "" : contract.description() + " ") + "Owned by "
                    + contract.owner().team() + (contract.owner().contact().isEmpty() ? ""
                    : " (" + contract.owner().contact() + ")") + "; data contract " + contract.subject() + " v"
                    + contract.version() + (contract.deadLetterTopic().isEmpty() ? ""
                    : "; records that break it go to " + contract.deadLetterTopic()) + ".";
        }

        private static String fieldsAndRules(DataContract contract) {
            StringBuilder text = new StringBuilder("Fields:\n");
            for (Schema.Field field : contract.schema().getFields()) {
                FieldInfo info = contract.fields().get(field.name());
                text.append("- `").append(field.name()).append('`');
                if (info != null && !info.doc().isEmpty()) {
                    text.append(": ").append(info.doc());
                }
                if (info != null && info.classification() != null && !info.classification().isEmpty()) {
                    text.append(" (").append(info.classification()).append(')');
                }
                text.append('\n');
            }
            if (!contract.rules().isEmpty()) {
                text.append("\nRules (checked by every governed producer and consumer):\n");
                for (ContractRule rule : contract.rules()) {
                    text.append("- ").append(rule.name()).append(rule.field().isEmpty() ? "" : " on `"
                            + rule.field() + "`").append(rule.doc().isEmpty() ? "" : ": " + rule.doc())
                            .append(" (on failure: ").append(rule.onFailure()).append(")\n");
                }
            }
            return text.toString();
        }

        private static String id(String topic) {
            StringBuilder id = new StringBuilder();
            boolean upper = false;
            for (char c : topic.toCharArray()) {
                if (Character.isLetterOrDigit(c)) {
                    id.append(upper ? Character.toUpperCase(c) : c);
                    upper = false;
                } else {
                    upper = id.length() > 0;
                }
            }
            return id.toString();
        }

        private static String capitalized(String id) {
            return id.isEmpty() ? id : Character.toUpperCase(id.charAt(0)) + id.substring(1);
        }
    }
}
