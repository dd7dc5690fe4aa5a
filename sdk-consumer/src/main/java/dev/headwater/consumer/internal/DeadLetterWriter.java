package dev.headwater.consumer.internal;

import dev.headwater.consumer.ConsumerStoppedException;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.deadletter.internal.DeadLetterRecords;
import dev.headwater.internal.ClientSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the records a governed consumer sets aside to its dead-letter topic: original key, value and headers byte for
 * byte plus the {@link DeadLetterHeaders}, and waits for the acknowledgement, so that a record is committed only once
 * its dead letter is durable. Its producer inherits the consumer's connection and security settings and takes
 * overrides of its own. A record too large to dead-letter whole is set aside all the same, as a pointer: its value is
 * replaced by where it was read ({@code topic/partition/offset}) and {@link DeadLetterHeaders#VALUE_OMITTED} says why.
 *
 * <p>{@link #write} is called from the polling thread; {@link #abort()} may be called from any thread and makes a
 * write in progress fail at once. Internal: not for users.
 */
public final class DeadLetterWriter implements AutoCloseable {

    private final String topic;
    private final Map<String, Object> settings;
    private volatile Producer<byte[], byte[]> producer;
    private volatile boolean aborted;

    /**
     * @param topic the dead-letter topic
     * @param consumerSettings the consumer's Kafka settings, inherited
     * @param clientId the producer's client id
     * @param overrides settings of the dead-letter producer that win over the inherited ones
     */
    public DeadLetterWriter(String topic, Map<String, ?> consumerSettings, String clientId,
            Map<String, ?> overrides) {
        this.topic = Objects.requireNonNull(topic, "topic");
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(ProducerConfig.ACKS_CONFIG, "all");
        defaults.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        defaults.putAll(overrides);
        this.settings = ClientSettings.derive(consumerSettings, ClientSettings.Kind.PRODUCER, clientId, defaults);
    }

    /** @return the dead-letter topic */
    public String topic() {
        return topic;
    }

    /** @return the settings of the dead-letter producer (for tests of inheritance) */
    public Map<String, Object> settings() {
        return Map.copyOf(settings);
    }

    /**
     * Writes one dead letter and waits until the broker acknowledged it.
     *
     * @param raw the record as consumed
     * @param reason why and where
     * @throws ConsumerStoppedException when it could not be written (the record must then not be committed)
     */
    public void write(ConsumerRecord<byte[], byte[]> raw, DeadLetterRecords.Reason reason) {
        Headers headers = new RecordHeaders(raw.headers().toArray());
        DeadLetterRecords.mark(headers, reason);
        try {
            try {
                send(new ProducerRecord<>(topic, null, raw.key(), raw.value(), headers));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RecordTooLargeException tooLarge)) {
                    throw e;
                }
                send(pointer(raw, reason, tooLarge));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsumerStoppedException("Interrupted while dead-lettering the record at " + reason.where()
                    + "; it was not committed", e);
        } catch (ExecutionException e) {
            throw new ConsumerStoppedException("Could not write the record at " + reason.where() + " to dead-letter "
                    + "topic '" + topic + "': " + e.getCause().getMessage() + ". It was not committed: the consumer "
                    + "reads it again when it restarts. Check that the topic exists and this consumer may write to it"
                    + (aborted ? " (the consumer was closed while the write was waiting)" : ""), e.getCause());
        }
    }

    /** A dead letter that points to the record instead of carrying it: the record itself is too large. */
    private ProducerRecord<byte[], byte[]> pointer(ConsumerRecord<byte[], byte[]> raw,
            DeadLetterRecords.Reason reason, RecordTooLargeException tooLarge) {
        Headers headers = new RecordHeaders();
        DeadLetterRecords.mark(headers, reason);
        long size = Math.max(0, raw.serializedKeySize()) + Math.max(0, raw.serializedValueSize());
        DeadLetterRecords.put(headers, DeadLetterHeaders.VALUE_OMITTED, "The record (" + size + " bytes of key and "
                + "value, with its headers) is too large to dead-letter whole (" + tooLarge.getMessage() + "): this "
                + "dead letter's value is where to read it, and its own headers are left out");
        byte[] location = (raw.topic() + "/" + raw.partition() + "/" + raw.offset()).getBytes(StandardCharsets.UTF_8);
        byte[] key = raw.key() != null && raw.key().length <= 1024 ? raw.key() : null;
        return new ProducerRecord<>(topic, null, key, location, headers);
    }

    private void send(ProducerRecord<byte[], byte[]> record) throws InterruptedException, ExecutionException {
        Producer<byte[], byte[]> current = producer();
        if (aborted) {
            throw new ExecutionException(new IllegalStateException("the consumer is closing"));
        }
        try {
            current.send(record).get();
        } catch (KafkaException | IllegalStateException e) {
            // thrown by send itself when abort() closed the producer meanwhile (waiting for metadata, or before)
            throw new ExecutionException(e);
        }
    }

    private synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /**
     * Makes a write in progress fail now, and every later one: for closing a consumer whose dead-letter write is
     * waiting (for metadata up to {@code max.block.ms}, or for an acknowledgement). Thread safe.
     */
    public void abort() {
        aborted = true;
        Producer<byte[], byte[]> current;
        synchronized (this) {
            current = producer; // created already, or never: send() checks the flag after creating it
        }
        if (current != null) {
            current.close(Duration.ZERO);
        }
    }

    @Override
    public void close() {
        Producer<byte[], byte[]> current = producer;
        if (current != null) {
            current.close();
        }
    }
}
