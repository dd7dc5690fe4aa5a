package dev.headwater.governance;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * The one dead-letter record a pipeline made for a record it set aside: every route writes exactly this, through its
 * own transport (the governed clients' internal producer, Spring's {@code DeadLetterPublishingRecoverer}, ...).
 *
 * @param topic the dead-letter topic
 * @param key the key as it was written or read, byte for byte; null when the route never saw it
 * @param value the value as it was written or read, byte for byte; may be null
 * @param headers the record's own headers plus the {@code hw_dlq_*} ones
 * @param whenTooLarge what to write instead when this is too large to dead-letter whole (a pointer to where the
 *     record can be read), or null when there is no such place (nothing was written yet)
 */
public record DeadLetter(String topic, byte[] key, byte[] value, Headers headers, DeadLetter whenTooLarge) {

    /** Checks that topic and headers are there. */
    public DeadLetter {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(headers, "headers");
    }

    /** Printed without key and value, which may hold what must not reach a log. */
    @Override
    public String toString() {
        return "DeadLetter{" + topic + "}";
    }
}
