package dev.headwater.tenant;

import java.time.Duration;
import java.util.Objects;

/**
 * A client-side rate limit for one direction (produce or consume) of a tenant.
 *
 * @param recordsPerSecond records per second, 0 for unlimited
 * @param bytesPerSecond bytes per second, 0 for unlimited
 * @param mode what to do when the limit is reached
 * @param maxWait in {@link Mode#BLOCK}, the longest a record waits before it is refused
 */
public record Quota(long recordsPerSecond, long bytesPerSecond, Mode mode, Duration maxWait) {

    /** No limit. */
    public static final Quota UNLIMITED = new Quota(0, 0, Mode.BLOCK, Duration.ZERO);

    /** What happens to a record over quota. */
    public enum Mode {
        /** Wait for quota, up to {@code maxWait} (backpressure), then refuse. */
        BLOCK,
        /** Refuse at once with a {@link QuotaExceededException}; nothing is sent. */
        REJECT
    }

    /** Checks the parts. */
    public Quota {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(maxWait, "maxWait");
        if (recordsPerSecond < 0) {
            throw new IllegalArgumentException("recordsPerSecond must not be negative, was " + recordsPerSecond);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must not be negative, was " + bytesPerSecond);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
    }

    /** @return true when this quota limits nothing */
    public boolean unlimited() {
        return recordsPerSecond == 0 && bytesPerSecond == 0;
    }
}
