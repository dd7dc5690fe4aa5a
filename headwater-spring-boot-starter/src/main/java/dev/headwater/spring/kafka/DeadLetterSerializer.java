package dev.headwater.spring.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a dead letter's key or value as it was read: bytes as they are (a record Spring could not deserialize keeps
 * its raw bytes), Avro records in the Confluent wire format through Headwater's serializer, text as UTF-8. Configured
 * with the registry's keys for Avro.
 */
public final class DeadLetterSerializer implements Serializer<Object> {

    private final dev.headwater.serde.AvroSerializer<Object> avro = new dev.headwater.serde.AvroSerializer<>();
    private boolean avroConfigured;

    /** Creates a serializer for Kafka to configure. */
    public DeadLetterSerializer() {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (configs.containsKey(dev.headwater.serde.AvroSerdeConfig.SCHEMA_REGISTRY_URL)) {
            avro.configure(configs, isKey);
            avroConfigured = true;
        }
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null || data instanceof byte[]) {
            return (byte[]) data;
        }
        if (data instanceof GenericContainer && avroConfigured) {
            return avro.serialize(topic, data);
        }
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }
}
