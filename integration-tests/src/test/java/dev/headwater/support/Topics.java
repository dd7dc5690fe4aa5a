package dev.headwater.support;

import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.testkit.HeadwaterEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain-client helpers for tests: unique topic names, and reading or writing raw records. */
public final class Topics {

    private Topics() {
    }

    /** @return a topic name no other test uses */
    public static String unique(String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 8) + ".v1";
    }

    /** Reads at least {@code expected} records from the start of a topic, or what arrived before the timeout. */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int expected,
            Duration timeout) {
        return HeadwaterEnvironment.read(bootstrap, topic, expected, timeout);
    }

    /** Writes raw records with a plain producer. */
    public static void write(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrap, "acks", "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get();
            }
        }
    }

    /**
     * Reads a record's lineage in either format, finding a format 2 descriptor on the cluster's descriptor topic with
     * a finder of its own, as a consumer in another application would.
     */
    public static Lineage lineage(String bootstrap, ConsumerRecord<?, ?> record) {
        try (LineageDescriptors descriptors = LineageDescriptors.fromKafka(Map.of("bootstrap.servers", bootstrap))) {
            return Lineage.from(record, descriptors).orElseThrow(() -> new AssertionError("no lineage on " + record));
        }
    }

    /** @return the last value of a header as UTF-8, or null */
    public static String header(ConsumerRecord<?, ?> record, String key) {
        var header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
