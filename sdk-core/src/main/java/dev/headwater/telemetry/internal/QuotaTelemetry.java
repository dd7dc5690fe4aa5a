package dev.headwater.telemetry.internal;

import dev.headwater.telemetry.MessagingAttributes;
import dev.headwater.tenant.TenantQuotas;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant quota's metrics ({@code headwater.tenant.quota.*}: records and bytes taken, time throttled, rejections,
 * the limit), by tenant and direction ({@code produce} or {@code consume}). The quota is shared by every client of the
 * tenant in the JVM, so its callbacks are registered once per OpenTelemetry instance and quota (else readings would
 * add up as many times as there are clients) and unregistered when the last client observing it closes. Internal:
 * not for users.
 */
public final class QuotaTelemetry {

    /** The quota's direction: {@code produce} or {@code consume}. */
    public static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("headwater.quota.direction");

    private static final Map<Key, Registered> REGISTERED = new ConcurrentHashMap<>();

    private QuotaTelemetry() {
    }

    /**
     * Starts reporting a quota's metrics for one client.
     *
     * @param openTelemetry where the metrics go
     * @param scope the instrumentation scope's name
     * @param quotas the tenant's shared quota
     * @return what the client closes when it closes
     */
    public static AutoCloseable observe(OpenTelemetry openTelemetry, String scope, TenantQuotas quotas) {
        Key key = new Key(openTelemetry, quotas);
        REGISTERED.compute(key, (k, registered) -> registered != null ? registered.retain()
                : new Registered(register(openTelemetry.meterBuilder(scope)
                        .setSchemaUrl(MessagingAttributes.SCHEMA_URL).build(), quotas)));
        return () -> REGISTERED.computeIfPresent(key, (k, registered) -> registered.release());
    }

    private static List<AutoCloseable> register(Meter meter, TenantQuotas quotas) {
        Attributes attributes = Attributes.of(MessagingAttributes.TENANT, quotas.tenant(), DIRECTION,
                quotas.direction());
        return List.of(
                meter.counterBuilder("headwater.tenant.quota.records").setUnit("{record}")
                        .setDescription("Records taken from the tenant's quota, by direction")
                        .buildWithCallback(m -> m.record(quotas.recordsUsed(), attributes)),
                meter.counterBuilder("headwater.tenant.quota.bytes").setUnit("By")
                        .setDescription("Bytes taken from the tenant's quota, by direction")
                        .buildWithCallback(m -> m.record(quotas.bytesUsed(), attributes)),
                meter.counterBuilder("headwater.tenant.quota.throttled").ofDoubles().setUnit("s")
                        .setDescription("Time the tenant's clients waited for quota, by direction")
                        .buildWithCallback(m -> m.record(quotas.throttledNanos() / 1e9, attributes)),
                meter.counterBuilder("headwater.tenant.quota.rejections").setUnit("{record}")
                        .setDescription("Records the tenant's quota refused, by direction")
                        .buildWithCallback(m -> m.record(quotas.rejections(), attributes)),
                meter.gaugeBuilder("headwater.tenant.quota.limit").ofLongs().setUnit("{record}/s")
                        .setDescription("The tenant's quota in records per second (0: unlimited), by direction")
                        .buildWithCallback(m -> m.record(quotas.quota().recordsPerSecond(), attributes)));
    }

    /** The callbacks of one quota on one OpenTelemetry instance, and how many clients observe them. */
    private static final class Registered {
        private final List<AutoCloseable> callbacks;
        private int users = 1;

        Registered(List<AutoCloseable> callbacks) {
            this.callbacks = callbacks;
        }

        Registered retain() {
            users++;
            return this;
        }

        /** @return this, or null once the last user released it (its callbacks are then unregistered) */
        Registered release() {
            if (--users > 0) {
                return this;
            }
            for (AutoCloseable callback : callbacks) {
                try {
                    callback.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not unregister a metric callback", e);
                }
            }
            return null;
        }
    }

    private record Key(OpenTelemetry openTelemetry, TenantQuotas quotas) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && openTelemetry == that.openTelemetry && quotas == that.quotas;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(openTelemetry) * 31 + System.identityHashCode(quotas);
        }
    }
}
