package dev.headwater.serde;

import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaDefinition;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import dev.headwater.serde.internal.AvroSchemas;
import dev.headwater.serde.internal.AvroWireWriter;
import dev.headwater.SharedResources;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serializer} that writes Avro in the Confluent wire format (see {@link WireFormat}), readable by
 * Confluent's {@code KafkaAvroDeserializer} and any compatible client. Works with GenericRecord, SpecificRecord and Avro
 * primitives (String, Integer, Long, Boolean, Float, Double, byte[]), for keys and values.
 *
 * <p>Use it from a plain {@code KafkaProducer} by class name with Confluent's configuration keys (see
 * {@link AvroSerdeConfig}), or construct it with a client and settings. The schema id of each (topic, schema) pair is
 * resolved once and cached, so a warm serializer never calls the registry. Thread safe.
 *
 * @param <T> the type of data
 */
public final class AvroSerializer<T> implements Serializer<T> {

    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private boolean isKey;
    private final Map<TopicSchema, AvroWireWriter> writers = new ConcurrentHashMap<>();

    /** Creates a serializer to be configured by Kafka with {@link #configure(Map, boolean)}. */
    public AvroSerializer() {
    }

    /**
     * Creates a configured serializer.
     *
     * @param client the registry client
     * @param config the settings
     * @param isKey true to serialize keys
     */
    public AvroSerializer(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.fromProperties(configs);
        this.client = SharedResources.from(configs).registryClient(config.registryProperties());
        this.isKey = isKey;
    }

    /**
     * Serializes data for a topic.
     *
     * @param topic the topic
     * @param data the data, or null
     * @return the wire-format bytes, or null for null data
     * @throws SerdeException when the data has no Avro schema, does not fit it, or its schema cannot be registered
     */
    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure(...) or use the "
                    + "constructor that takes a client");
        }
        AvroWireWriter writer = writerFor(topic, data);
        try {
            return writer.write(data);
        } catch (IOException | RuntimeException e) {
            throw new SerdeException("Could not serialize the " + part() + " of a record for topic '" + topic
                    + "' with schema id " + writer.id() + " (" + writer.subject() + "): " + e.getMessage()
                    + ". Check that every field holds a value of its schema's type.", topic, writer.id(), e);
        }
    }

    /**
     * Returns the schema id the serializer writes data with this schema to this topic with, resolving it if needed.
     *
     * @param topic the topic
     * @param schema the data's schema
     * @return the registry id
     */
    public int schemaId(String topic, Schema schema) {
        return writers.computeIfAbsent(new TopicSchema(topic, schema), this::resolve).id();
    }

    private AvroWireWriter writerFor(String topic, T data) {
        Schema schema;
        try {
            schema = AvroSchemas.schemaOf(data);
        } catch (IllegalArgumentException e) {
            throw new SerdeException("Could not serialize the " + part() + " of a record for topic '" + topic + "': "
                    + e.getMessage(), topic, -1, e);
        }
        return writers.computeIfAbsent(new TopicSchema(topic, schema), this::resolve);
    }

    private AvroWireWriter resolve(TopicSchema key) {
        String subject = config.subjectNameStrategy(isKey).subject(key.topic, isKey, key.schema);
        SchemaDefinition definition = SchemaDefinition.avro(key.schema.toString());
        int id;
        try {
            if (config.useLatestVersion()) {
                RegisteredSchema latest = client.latest(subject);
                Schema latestSchema = AvroSchemas.parse(client, latest.definition());
                if (!latestSchema.equals(key.schema)) {
                    throw new SerdeException("The " + part() + " schema of a record for topic '" + key.topic
                            + "' differs from the latest version " + latest.version() + " of subject '" + subject
                            + "' (use.latest.version=true). Build the record with the latest schema, or turn "
                            + "use.latest.version off.", key.topic, latest.id(), null);
                }
                id = latest.id();
            } else if (config.autoRegisterSchemas()) {
                id = client.register(subject, definition, config.normalizeSchemas());
            } else {
                id = client.lookup(subject, definition, config.normalizeSchemas()).id();
            }
        } catch (SchemaRegistryException e) {
            throw new SerdeException("Could not get a schema id for the " + part() + " of a record for topic '"
                    + key.topic + "' under subject '" + subject + "': " + e.getMessage(), key.topic, -1, e);
        }
        return new AvroWireWriter(id, subject, key.schema);
    }

    private String part() {
        return isKey ? "key" : "value";
    }

    @Override
    public String toString() {
        return "AvroSerializer{" + part() + ", " + config + "}";
    }

    private record TopicSchema(String topic, Schema schema) {
    }
}
