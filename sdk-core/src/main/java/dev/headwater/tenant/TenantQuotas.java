package dev.headwater.tenant;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tenant's client-side quota for one direction, shared by every producer (or consumer) of the tenant in this JVM, on
 * Resilience4j rate limiters for records and bytes per second. Limits refill every 100 ms (or, below ten per second,
 * once per permit), so bursts stay within a tenth of a second's worth. In {@link Quota.Mode#BLOCK} a caller waits up
 * to the quota's maximum wait (backpressure); in {@link Quota.Mode#REJECT} it is refused at once. Either way a refused
 * caller gets a {@link QuotaExceededException} and nothing is sent. Thread safe.
 */
public final class TenantQuotas {

    private static final Duration REFRESH = Duration.ofMillis(100);
    /** The shortest a consumer waits for its quota before trying again. */
    public static final Duration MIN_CONSUMER_WAIT = Duration.ofSeconds(1);
    private static final Map<String, TenantQuotas> SHARED = new ConcurrentHashMap<>();

    private final String tenant;
    private final String direction;
    private final Quota quota;
    private final RateLimiter records;
    private final RateLimiter bytes;
    private final AtomicLong recordsUsed = new AtomicLong();
    private final AtomicLong bytesUsed = new AtomicLong();
    private final AtomicLong throttledNanos = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();

    private TenantQuotas(String tenant, String direction, Quota quota) {
        this.tenant = tenant;
        this.direction = direction;
        this.quota = quota;
        this.records = limiter(tenant + "-" + direction + "-records", quota.recordsPerSecond(), quota);
        this.bytes = limiter(tenant + "-" + direction + "-bytes", quota.bytesPerSecond(), quota);
    }

    /**
     * Returns the produce quota of a tenant, shared by every producer of the tenant in this JVM.
     *
     * @param policy the tenant's policy
     * @return the shared quota
     */
    public static TenantQuotas produce(TenantPolicy policy) {
        return shared(policy.tenant(), "produce", policy.produceQuota());
    }

    /**
     * Returns the consume quota of a tenant, shared by every consumer of the tenant in this JVM. Consumers cannot refuse
     * records they already polled, so this quota always waits ({@link Quota.Mode#BLOCK}), whatever the policy's mode,
     * in steps of at least {@link #MIN_CONSUMER_WAIT}.
     *
     * @param policy the tenant's policy
     * @return the shared quota
     */
    public static TenantQuotas consume(TenantPolicy policy) {
        Quota quota = policy.consumeQuota();
        Duration wait = quota.maxWait().compareTo(MIN_CONSUMER_WAIT) < 0 ? MIN_CONSUMER_WAIT : quota.maxWait();
        return shared(policy.tenant(), "consume", new Quota(quota.recordsPerSecond(), quota.bytesPerSecond(),
                Quota.Mode.BLOCK, wait));
    }

    private static TenantQuotas shared(String tenant, String direction, Quota quota) {
        return SHARED.compute(tenant + "/" + direction, (key, existing) ->
                existing != null && existing.quota.equals(quota) ? existing
                        : new TenantQuotas(tenant, direction, quota));
    }

    private static RateLimiter limiter(String name, long perSecond, Quota quota) {
        if (perSecond <= 0) {
            return null;
        }
        // below ten per second a 100 ms period would round up to one permit per period (ten per second): lengthen
        // the period instead, so that one permit per period gives the rate asked for
        long periodMillis = Math.max(REFRESH.toMillis(), (1000 + perSecond - 1) / perSecond);
        int perPeriod = (int) Math.max(1, perSecond * periodMillis / 1000);
        return RateLimiter.of(name, RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofMillis(periodMillis))
                .limitForPeriod(perPeriod)
                .timeoutDuration(quota.mode() == Quota.Mode.REJECT ? Duration.ZERO : quota.maxWait())
                .build());
    }

    /**
     * Takes quota for records and bytes, waiting or refusing as the quota's mode says.
     *
     * @param recordCount records, at least 0
     * @param byteCount bytes, at least 0
     * @return how long the caller waited, in nanoseconds
     * @throws QuotaExceededException when the quota refuses; nothing should be sent
     */
    public long acquire(int recordCount, long byteCount) {
        long start = System.nanoTime();
        take(records, recordCount, "records", quota.recordsPerSecond());
        take(bytes, byteCount, "bytes", quota.bytesPerSecond());
        recordsUsed.addAndGet(recordCount);
        bytesUsed.addAndGet(byteCount);
        long waited = System.nanoTime() - start;
        throttledNanos.addAndGet(waited);
        return waited;
    }

    private void take(RateLimiter limiter, long amount, String unit, long perSecond) {
        if (limiter == null || amount <= 0) {
            return;
        }
        int chunk = limiter.getRateLimiterConfig().getLimitForPeriod();
        long left = amount;
        while (left > 0) {
            int permits = (int) Math.min(chunk, left);
            if (!limiter.acquirePermission(permits)) {
                rejections.incrementAndGet();
                throw new QuotaExceededException(tenant, "Tenant '" + tenant + "' is over its " + direction
                        + " quota of " + perSecond + " " + unit + "/s" + (quota.mode() == Quota.Mode.REJECT
                        ? " (mode REJECT)" : " after waiting " + quota.maxWait() + " (mode BLOCK)")
                        + "; nothing was sent. Slow down, or ask the platform team for a larger quota.");
            }
            left -= permits;
        }
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
