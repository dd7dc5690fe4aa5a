package dev.headwater.lineage.internal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Allocation-lean text encodings for the per-record lineage headers: a UUID and an RFC 3339 UTC timestamp written
 * straight into the UTF-8 bytes a Kafka header holds, and the timestamp read back from them. Internal: not for users.
 */
public final class FastText {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final ThreadLocal<SecondPrefix> PREFIX = ThreadLocal.withInitial(SecondPrefix::new);
    private static final ThreadLocal<SecondPrefix> PARSED = ThreadLocal.withInitial(SecondPrefix::new);

    private FastText() {
    }

    /**
     * @param uuid a UUID
     * @return its canonical 36-character form as ASCII bytes
     */
    public static byte[] uuid(UUID uuid) {
        byte[] out = new byte[36];
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        hex(out, 0, msb >>> 32, 8);
        out[8] = '-';
        hex(out, 9, msb >>> 16, 4);
        out[13] = '-';
        hex(out, 14, msb, 4);
        out[18] = '-';
        hex(out, 19, lsb >>> 48, 4);
        out[23] = '-';
        hex(out, 24, lsb, 12);
        return out;
    }

    private static void hex(byte[] out, int at, long value, int digits) {
        long rest = value;
        for (int i = at + digits - 1; i >= at; i--) {
            out[i] = HEX[(int) (rest & 0xF)];
            rest >>>= 4;
        }
    }

    /**
     * @param epochMillis a time
     * @return it as {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC, as ASCII bytes
     */
    public static byte[] instant(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        int millis = (int) Math.floorMod(epochMillis, 1000);
        SecondPrefix prefix = PREFIX.get();
        if (prefix.second != second || prefix.bytes == null) {
            prefix.second = second;
            prefix.bytes = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString()
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (prefix.bytes.length == 16) {
                // LocalDateTime omits ":00" seconds; RFC 3339 needs them
                byte[] padded = new byte[19];
                System.arraycopy(prefix.bytes, 0, padded, 0, 16);
                padded[16] = ':';
                padded[17] = '0';
                padded[18] = '0';
                prefix.bytes = padded;
            }
        }
        byte[] out = new byte[prefix.bytes.length + 5];
        System.arraycopy(prefix.bytes, 0, out, 0, prefix.bytes.length);
        int at = prefix.bytes.length;
        out[at] = '.';
        out[at + 1] = (byte) ('0' + millis / 100);
        out[at + 2] = (byte) ('0' + (millis / 10) % 10);
        out[at + 3] = (byte) ('0' + millis % 10);
        out[at + 4] = 'Z';
        return out;
    }

    /**
     * Reads a time written by {@link #instant(long)}: {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. Consecutive records
     * mostly share their second, so the date and time of day are decoded only when the second changes.
     *
     * @param text the ASCII bytes of a header value
     * @return the time in epoch milliseconds, or {@link Long#MIN_VALUE} when the bytes have another form (the caller
     *     then falls back to a full RFC 3339 parser)
     */
    public static long parseInstant(byte[] text) {
        if (text == null || text.length != 24 || text[10] != 'T' || text[19] != '.' || text[23] != 'Z') {
            return Long.MIN_VALUE;
        }
        int millis = digits(text, 20, 3);
        if (millis < 0) {
            return Long.MIN_VALUE;
        }
        SecondPrefix cached = PARSED.get();
        if (cached.bytes == null || !java.util.Arrays.equals(cached.bytes, 0, 19, text, 0, 19)) {
            long second = parseSecond(text);
            if (second == Long.MIN_VALUE) {
                return Long.MIN_VALUE;
            }
            cached.second = second;
            cached.bytes = java.util.Arrays.copyOf(text, 19);
        }
        return cached.second * 1000 + millis;
    }

    private static long parseSecond(byte[] text) {
        if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return Long.MIN_VALUE;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int digits(byte[] text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static final class SecondPrefix {
        long second = Long.MIN_VALUE;
        byte[] bytes;
    }
}
