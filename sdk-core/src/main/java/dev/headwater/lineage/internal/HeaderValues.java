package dev.headwater.lineage.internal;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads header values as UTF-8 strings. Internal: not for users. */
public final class HeaderValues {

    private HeaderValues() {
    }

    /**
     * Returns the last value of a header as a string.
     *
     * @param headers the headers
     * @param key the header key
     * @return the value, or an empty string when absent or null
     */
    public static String last(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
