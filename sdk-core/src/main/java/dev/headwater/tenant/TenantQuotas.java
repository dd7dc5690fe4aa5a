package dev.headwater.tenant;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A tenant's client-side quota for one direction, shared by every producer (or consumer) of the tenant handed the same
 * {@link dev.headwater.SharedResources} (by default, every one in the JVM):
 * token buckets for records and bytes per second that refill continuously and hold at most a tenth of a second's worth
 * (at least one record), so bursts stay small. Records and bytes are taken together or not at all: a caller refused for
 * its bytes has not used up records. In {@link Quota.Mode#BLOCK} a caller waits up to the quota's maximum wait
 * (backpressure); in {@link Quota.Mode#REJECT} it is refused unless the quota has room now. Either way a refused caller
 * gets a {@link QuotaExceededException} and nothing is sent. Consumers, which cannot refuse what they polled, always
 * wait ({@link #acquireOrWait}). Thread safe.
 */
public final class TenantQuotas {

    private static final Duration BURST = Duration.ofMillis(100);
    /** The longest one wait of a consumer lasts before it checks whether it should stop. */
    public static final Duration MIN_CONSUMER_WAIT = Duration.ofSeconds(1);

    private final String tenant;
    private final String direction;
    private final Quota quota;
    private final Bucket records;
    private final Bucket bytes;
    private final AtomicLong recordsUsed = new AtomicLong();
    private final AtomicLong bytesUsed = new AtomicLong();
    private final AtomicLong throttledNanos = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();

    /**
     * Creates a quota. Clients share one per tenant and direction through {@link dev.headwater.SharedResources}.
     *
     * @param tenant the tenant
     * @param direction {@code produce} or {@code consume}
     * @param quota the limits
     */
    public TenantQuotas(String tenant, String direction, Quota quota) {
        this.tenant = java.util.Objects.requireNonNull(tenant, "tenant");
        this.direction = java.util.Objects.requireNonNull(direction, "direction");
        this.quota = java.util.Objects.requireNonNull(quota, "quota");
        this.records = quota.recordsPerSecond() > 0 ? new Bucket(quota.recordsPerSecond()) : null;
        this.bytes = quota.bytesPerSecond() > 0 ? new Bucket(quota.bytesPerSecond()) : null;
    }

    /**
     * Takes quota for records and bytes together, waiting or refusing as the quota's mode says.
     *
     * @param recordCount records, at least 0
     * @param byteCount bytes, at least 0
     * @return how long the caller waited, in nanoseconds
     * @throws QuotaExceededException when the quota refuses; nothing was taken and nothing should be sent
     */
    public long acquire(int recordCount, long byteCount) {
        long allowed = quota.mode() == Quota.Mode.REJECT ? 0 : quota.maxWait().toNanos();
        long wait = reserve(recordCount, byteCount, allowed);
        if (wait < 0) {
            rejections.incrementAndGet();
            throw new QuotaExceededException(tenant, "Tenant '" + tenant + "' is over its " + direction + " quota of "
                    + describe() + (quota.mode() == Quota.Mode.REJECT ? " (mode REJECT)"
                    : " and would wait longer than " + quota.maxWait() + " (mode BLOCK)")
                    + "; nothing was sent. Slow down, or ask the platform team for a larger quota.");
        }
        sleep(wait, () -> false);
        return account(recordCount, byteCount, wait);
    }

    /**
     * Takes quota for records and bytes together and waits as long as that takes, in steps of at most
     * {@link #MIN_CONSUMER_WAIT}, ending early when {@code stop} says so: for consumers, which cannot refuse what they
     * polled.
     *
     * @param recordCount records, at least 0
     * @param byteCount bytes, at least 0
     * @param stop checked between steps; true ends the wait
     * @return how long the caller waited, in nanoseconds
     */
    public long acquireOrWait(int recordCount, long byteCount, java.util.function.BooleanSupplier stop) {
        long wait = reserve(recordCount, byteCount, Long.MAX_VALUE);
        long waited = sleep(wait, stop);
        return account(recordCount, byteCount, waited);
    }

    private long account(int recordCount, long byteCount, long waited) {
        recordsUsed.addAndGet(recordCount);
        bytesUsed.addAndGet(byteCount);
        throttledNanos.addAndGet(waited);
        return waited;
    }

    /** @return nanoseconds to wait for the reservation, or -1 (nothing taken) when that is longer than allowed */
    private long reserve(int recordCount, long byteCount, long allowedNanos) {
        synchronized (this) {
            long now = System.nanoTime();
            long wait = Math.max(records == null ? 0 : records.waitFor(recordCount, now),
                    bytes == null ? 0 : bytes.waitFor(byteCount, now));
            if (wait > allowedNanos) {
                return -1;
            }
            if (records != null) {
                records.take(recordCount);
            }
            if (bytes != null) {
                bytes.take(byteCount);
            }
            return wait;
        }
    }

    /** Waits, in steps that end early when told to stop; @return how long it waited */
    private static long sleep(long nanos, java.util.function.BooleanSupplier stop) {
        long start = System.nanoTime();
        long deadline = start + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !stop.getAsBoolean()) {
            LockSupport.parkNanos(Math.min(left, MIN_CONSUMER_WAIT.toNanos()));
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        return nanos == 0 ? 0 : System.nanoTime() - start;
    }

    private String describe() {
        if (quota.recordsPerSecond() > 0 && quota.bytesPerSecond() > 0) {
            return quota.recordsPerSecond() + " records/s and " + quota.bytesPerSecond() + " bytes/s";
        }
        return quota.recordsPerSecond() > 0 ? quota.recordsPerSecond() + " records/s"
                : quota.bytesPerSecond() + " bytes/s";
    }

    /**
     * Tokens that refill continuously at a rate and hold at most a tenth of a second's worth (at least one). Taking
     * more than there are leaves a debt that later callers wait out. Guarded by the enclosing quota's lock.
     */
    private static final class Bucket {
        private final double perNano;
        private final double capacity;
        private double tokens;
        private long refilledAt = System.nanoTime();

        Bucket(long perSecond) {
            this.perNano = perSecond / 1e9;
            this.capacity = Math.max(1, perSecond * BURST.toNanos() / 1e9);
            this.tokens = capacity;
        }

        /** @return nanoseconds until {@code amount} tokens are there */
        long waitFor(long amount, long now) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
            double missing = amount - tokens;
            return missing <= 0 ? 0 : (long) Math.ceil(missing / perNano);
        }

        void take(long amount) {
            tokens -= amount;
        }
    }

    /** @return the tenant whose quota this is */
    public String tenant() {
        return tenant;
    }

    /** @return {@code produce} or {@code consume} */
    public String direction() {
        return direction;
    }

    /** @return the quota */
    public Quota quota() {
        return quota;
    }

    /** @return records taken so far */
    public long recordsUsed() {
        return recordsUsed.get();
    }

    /** @return bytes taken so far */
    public long bytesUsed() {
        return bytesUsed.get();
    }

    /** @return total time callers waited for quota, in nanoseconds */
    public long throttledNanos() {
        return throttledNanos.get();
    }

    /** @return how many times the quota refused a caller */
    public long rejections() {
        return rejections.get();
    }

    @Override
    public String toString() {
        return "TenantQuotas{" + tenant + "/" + direction + ", " + quota + "}";
    }
}
