package dev.headwater.deadletter.internal;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Writes the headers of a dead-lettered record. Internal: not for users. */
public final class DeadLetterRecords {

    private DeadLetterRecords() {
    }

    /**
     * Sets a header, replacing any earlier value of the same key.
     *
     * @param headers the record's headers
     * @param key the header key
     * @param value the value, written as UTF-8
     */
    public static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
