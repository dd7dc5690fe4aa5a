package dev.headwater.serde;

import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import dev.headwater.serde.internal.AvroSchemas;
import dev.headwater.SharedResources;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka {@link Deserializer} for Avro in the Confluent wire format (see {@link WireFormat}), written by Headwater's
 * {@link AvroSerializer}, Confluent's {@code KafkaAvroSerializer} or any compatible client.
 *
 * <p>The writer's schema is fetched by the id in the record once and cached forever; data is resolved into the reader
 * schema when one is set ({@link AvroSerdeConfig#READER_SCHEMA}), into the generated class with
 * {@code specific.avro.reader=true}, or read as the writer wrote it. Bad bytes raise a {@link SerdeException} naming the
 * topic and the problem (wrong magic byte, too short, unknown schema id, corrupt or truncated Avro, trailing bytes),
 * never a hang or a generic error; a Kafka consumer adds the partition and offset. Thread safe.
 *
 * @param <T> the type of data
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    private SchemaRegistryClient client;
    private AvroSerdeConfig config;
    private boolean isKey;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
    /** The reader of the last schema id read: records of a topic almost always share one id. */
    private volatile IdReader lastReader;

    /** Creates a deserializer to be configured by Kafka with {@link #configure(Map, boolean)}. */
    public AvroDeserializer() {
    }

    /**
     * Creates a configured deserializer.
     *
     * @param client the registry client
     * @param config the settings
     * @param isKey true to deserialize keys
     */
    public AvroDeserializer(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
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
     * Deserializes a record.
     *
     * @param topic the topic
     * @param data the wire-format bytes, or null
     * @return the data, or null for null bytes
     * @throws SerdeException when the bytes are not a valid record in the wire format
     */
    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure(...) or use the "
                    + "constructor that takes a client");
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw new SerdeException("The " + part() + " of a record from topic '" + topic + "' is " + data.length
                    + " byte(s): too short for the wire format (magic byte 0, 4-byte schema id, then Avro). Was it "
                    + "written by a Confluent-compatible Avro serializer?", topic, -1, null);
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new SerdeException(String.format("The %s of a record from topic '%s' starts with byte 0x%02x, not "
                    + "the wire format's magic byte 0x00: it was not written by a Confluent-compatible Avro "
                    + "serializer (plain JSON or string data?).", part(), topic, data[0]), topic, -1, null);
        }
        int id = WireFormat.schemaId(data);
        IdReader last = lastReader;
        DatumReader<Object> reader;
        if (last != null && last.id == id) {
            reader = last.reader;
        } else {
            reader = readerFor(topic, id);
            lastReader = new IdReader(id, reader);
        }
        BinaryDecoder reuse = decoders.get();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                data.length - WireFormat.HEADER_SIZE, reuse);
        if (decoder != reuse) {
            decoders.set(decoder);
        }
        try {
            Object value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerdeException("The " + part() + " of a record from topic '" + topic + "' has bytes left "
                        + "after the Avro data of schema id " + id + ": it is corrupt or was written with another "
                        + "schema than its id says.", topic, id, null);
            }
            return (T) value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerdeException serde) {
                throw serde;
            }
            throw new SerdeException("The " + part() + " of a record from topic '" + topic + "' holds corrupt or "
                    + "truncated Avro for schema id " + id + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ").", topic, id, e);
        }
    }

    private DatumReader<Object> readerFor(String topic, int id) {
        DatumReader<Object> reader = readers.get(id);
        if (reader != null) {
            return reader;
        }
        Schema writer;
        try {
            writer = AvroSchemas.parse(client, client.schemaById(id));
        } catch (SchemaRegistryException e) {
            String why = e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND
                    ? "the registry has no schema with id " + id + " (written against another registry, or deleted?)"
                    : "the registry could not be asked: " + e.getMessage();
            throw new SerdeException("Cannot read the " + part() + " of a record from topic '" + topic + "': " + why,
                    topic, id, e);
        } catch (RuntimeException e) {
            throw new SerdeException("Cannot read the " + part() + " of a record from topic '" + topic + "': schema "
                    + "id " + id + " is not a valid Avro schema (" + e.getMessage() + ")", topic, id, e);
        }
        try {
            reader = newReader(writer);
        } catch (SecurityException e) {
            throw new SerdeException("Cannot read the " + part() + " of a record from topic '" + topic + "' (schema id "
                    + id + ") into a generated class: Avro does not trust " + writer.getFullName() + ". Add its package "
                    + "to the system property org.apache.avro.SERIALIZABLE_PACKAGES (Avro's guard against loading "
                    + "classes named in data).", topic, id, e);
        } catch (IllegalStateException e) {
            throw new SerdeException("Cannot read the " + part() + " of a record from topic '" + topic + "' (schema id "
                    + id + "): " + e.getMessage(), topic, id, e);
        }
        readers.putIfAbsent(id, reader);
        return reader;
    }

    private DatumReader<Object> newReader(Schema writer) {
        if (config.readerSchema() != null) {
            return config.specificAvroReader() ? new SpecificDatumReader<>(writer, config.readerSchema())
                    : new GenericDatumReader<>(writer, config.readerSchema());
        }
        if (config.specificAvroReader() && writer.getType() == Schema.Type.RECORD) {
            Class<?> generated = SpecificData.get().getClass(writer);
            if (generated == null) {
                throw new IllegalStateException("specific.avro.reader is on but no generated class "
                        + writer.getFullName() + " is on the classpath");
            }
            return new SpecificDatumReader<>(writer, SpecificData.get().getSchema(generated));
        }
        return new GenericDatumReader<>(writer);
    }

    private String part() {
        return isKey ? "key" : "value";
    }

    @Override
    public String toString() {
        return "AvroDeserializer{" + part() + ", " + config + "}";
    }

    private record IdReader(int id, DatumReader<Object> reader) {
    }
}
