package dev.headwater.governance;

import dev.headwater.internal.ClientSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the dead letters a pipeline made, for routes without a producer of their own to write them with (the
 * serializer, the governed consumer), and waits for each acknowledgement, so that a record counts as done only once its
 * dead letter is durable. Its producer is created on first use and inherits the client's connection and security
 * settings ({@code acks=all} and idempotence its defaults, overrides win). A dead letter too large to write whole is
 * replaced by its pointer, when the pipeline made one.
 *
 * <p>{@link #write} may be called from any thread; {@link #abort()} makes a write in progress fail at once, and every
 * later one. Thread safe.
 */
public final class DeadLetterWriter implements AutoCloseable {

    private final Map<String, Object> settings;
    private volatile Producer<byte[], byte[]> producer;
    private volatile boolean aborted;

    /**
     * @param clientSettings the client's Kafka settings, inherited
     * @param clientId the dead-letter producer's client id
     * @param overrides settings of the dead-letter producer that win over the inherited ones
     */
    public DeadLetterWriter(Map<String, ?> clientSettings, String clientId, Map<String, ?> overrides) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put(ProducerConfig.ACKS_CONFIG, "all");
        defaults.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        defaults.putAll(overrides);
        this.settings = ClientSettings.derive(clientSettings, ClientSettings.Kind.PRODUCER, clientId, defaults);
    }

    /** @return the settings of the dead-letter producer (for tests of inheritance) */
    public Map<String, Object> settings() {
        return Map.copyOf(settings);
    }

    /**
     * Writes one dead letter and waits until the broker acknowledged it.
     *
     * @param letter the dead letter
     * @param where the record it was made for, for messages ({@code topic 'orders' partition 0 offset 12})
     * @return where it was written
     * @throws DeadLetterWriteException when it could not be written
     */
    public RecordMetadata write(DeadLetter letter, String where) {
        try {
            try {
                return send(letter);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RecordTooLargeException) || letter.whenTooLarge() == null) {
                    throw e;
                }
                return send(letter.whenTooLarge());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterWriteException("Interrupted while dead-lettering the record at " + where + " to '"
                    + letter.topic() + "'", e);
        } catch (ExecutionException e) {
            throw new DeadLetterWriteException("Could not write the record at " + where + " to dead-letter topic '"
                    + letter.topic() + "': " + e.getCause().getMessage() + ". Check that the topic exists and this "
                    + "client may write to it" + (aborted ? " (the client was closed while the write was waiting)"
                    : ""), e.getCause());
        }
    }

    private RecordMetadata send(DeadLetter letter) throws InterruptedException, ExecutionException {
        Producer<byte[], byte[]> current = producer();
        if (aborted) {
            throw new ExecutionException(new IllegalStateException("the client is closing"));
        }
        try {
            return current.send(new ProducerRecord<>(letter.topic(), null, letter.key(), letter.value(),
                    letter.headers())).get();
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
     * Makes a write in progress fail now, and every later one: for closing a client whose dead-letter write is
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
