package dev.headwater.lineage.internal;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by creation time. Within one
 * millisecond a counter in the random part keeps ids from one JVM increasing. Internal: not for users.
 */
public final class TimeOrderedUuid {

    private static final AtomicLong LAST = new AtomicLong();

    private TimeOrderedUuid() {
    }

    /** @return a new time-ordered UUID */
    public static UUID next() {
        long now = System.currentTimeMillis();
        // state: 48 bits of time, then a 12-bit counter (rand_a); bumps the time if the counter overflows
        long state = LAST.updateAndGet(previous -> {
            long candidate = now << 12;
            return candidate > previous ? candidate : previous + 1;
        });
        long millis = state >>> 12;
        long counter = state & 0xFFF;
        long most = (millis << 16) | 0x7000L | counter;
        long least = (java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL)
                | 0x8000000000000000L;
        return new UUID(most, least);
    }

}
