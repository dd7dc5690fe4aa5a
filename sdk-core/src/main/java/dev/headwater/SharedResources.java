package dev.headwater;

import dev.headwater.lineage.DescriptorPublisher;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.telemetry.MessagingAttributes;
import dev.headwater.tenant.Quota;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TenantQuotas;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What governed clients of one application share: each tenant's quota per direction (so that all producers of a tenant
 * draw from one budget), one schema registry client per registry and credentials (so that their caches are shared),
 * one lineage descriptor publisher per cluster, the registration of each quota's metrics (reported once however many
 * clients use it) and the numbering of client ids. Like Resilience4j's registries: {@link #global()} is the instance every client uses unless its builder is
 * handed another ({@code sharedResources(...)} on the builders, {@code headwater.shared.resources} in properties), and
 * {@link #create()} makes an independent one, for two applications or two tests in one JVM that must not share a
 * quota. Thread safe.
 */
public final class SharedResources {

    /** The quota's direction: {@code produce} or {@code consume}. */
    public static final AttributeKey<String> QUOTA_DIRECTION = AttributeKey.stringKey("headwater.quota.direction");

    /** The key of a configuration map (a serializer's, a deserializer's) that may hand a client its resources. */
    public static final String CONFIG_KEY = "headwater.shared.resources";

    private static final SharedResources GLOBAL = new SharedResources();

    private final Map<String, TenantQuotas> quotas = new ConcurrentHashMap<>();
    private final Map<RegistryKey, SchemaRegistryClient> registries = new ConcurrentHashMap<>();
    private final Map<QuotaMetricsKey, QuotaMetrics> quotaMetrics = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> clientNumbers = new ConcurrentHashMap<>();
    /** Lineage descriptor publishers, one per cluster and security settings; guarded by itself. */
    private final Map<Map<String, Object>, DescriptorPublisher> publishers = new HashMap<>();

    private SharedResources() {
    }

    /** @return the resources every client shares unless given others */
    public static SharedResources global() {
        return GLOBAL;
    }

    /**
     * Returns the resources a configuration map hands a client under {@value #CONFIG_KEY}, or the global ones.
     *
     * @param configs a client's, serializer's or deserializer's configuration
     * @return the resources
     * @throws IllegalArgumentException when the key holds something else
     */
    public static SharedResources from(Map<String, ?> configs) {
        Object given = configs.get(CONFIG_KEY);
        if (given == null) {
            return GLOBAL;
        }
        if (!(given instanceof SharedResources resources)) {
            throw new IllegalArgumentException("'" + CONFIG_KEY + "' must hold a " + SharedResources.class.getName()
                    + ", was a " + given.getClass().getName());
        }
        return resources;
    }

    /** @return new resources, shared only by the clients handed them */
    public static SharedResources create() {
        return new SharedResources();
    }

    /**
     * Returns a tenant's produce quota, shared by every producer handed these resources; a policy that changed the
     * quota replaces it.
     *
     * @param policy the tenant's policy
     * @return the quota, or empty when the policy sets no produce quota
     */
    public java.util.Optional<TenantQuotas> produceQuota(TenantPolicy policy) {
        Quota quota = policy.produceQuota();
        return quota.unlimited() ? java.util.Optional.empty()
                : java.util.Optional.of(quota(policy.tenant(), "produce", quota));
    }

    /**
     * Returns a tenant's consume quota, shared by every consumer handed these resources. Consumers cannot refuse
     * records they already polled, so this quota always waits ({@link Quota.Mode#BLOCK}), in steps of at least
     * {@link TenantQuotas#MIN_CONSUMER_WAIT}, whatever the policy's mode.
     *
     * @param policy the tenant's policy
     * @return the quota, or empty when the policy sets no consume quota
     */
    public java.util.Optional<TenantQuotas> consumeQuota(TenantPolicy policy) {
        Quota quota = policy.consumeQuota();
        if (quota.unlimited()) {
            return java.util.Optional.empty();
        }
        Duration wait = quota.maxWait().compareTo(TenantQuotas.MIN_CONSUMER_WAIT) < 0 ? TenantQuotas.MIN_CONSUMER_WAIT
                : quota.maxWait();
        return java.util.Optional.of(quota(policy.tenant(), "consume", new Quota(quota.recordsPerSecond(),
                quota.bytesPerSecond(), Quota.Mode.BLOCK, wait)));
    }

    private TenantQuotas quota(String tenant, String direction, Quota quota) {
        return quotas.compute(tenant + "/" + direction, (key, existing) ->
                existing != null && existing.quota().equals(quota) ? existing
                        : new TenantQuotas(tenant, direction, quota));
    }

    /**
     * Returns the registry client for a set of settings (Confluent's key names), created on first use and shared
     * after, so that serializers and deserializers configured by class name share one cache.
     *
     * @param settings the registry settings
     * @return the client
     */
    public SchemaRegistryClient registryClient(Map<String, ?> settings) {
        return registries.computeIfAbsent(new RegistryKey(Map.copyOf(settings)),
                key -> SchemaRegistryClient.fromProperties(key.settings()));
    }

    /**
     * Numbers the clients of an application, as Kafka numbers its default client ids, so that two producers of one
     * application share neither metrics names nor broker quotas by accident.
     *
     * @param prefix the application's name
     * @return {@code prefix-N}, N counting from 1 per prefix
     */
    public String nextClientId(String prefix) {
        return prefix + "-" + clientNumbers.computeIfAbsent(prefix, p -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * Leases the lineage descriptor publisher of a cluster: every governed producer handed these resources whose
     * connection and security settings are the same shares one, so that publishing descriptors takes one topic check
     * and one producer, not a set of connections per producer.
     *
     * @param clientSettings the producer's Kafka settings
     * @return a lease; close it when the producer closes (the last lease closed closes the publisher's producer)
     */
    public DescriptorPublisher.Lease descriptorPublisher(Map<String, ?> clientSettings) {
        Map<String, Object> key = DescriptorPublisher.key(clientSettings);
        synchronized (publishers) {
            DescriptorPublisher publisher = publishers.get(key);
            DescriptorPublisher.Lease lease = publisher == null ? null : publisher.lease();
            if (lease == null) {
                DescriptorPublisher[] created = new DescriptorPublisher[1];
                created[0] = new DescriptorPublisher(clientSettings, () -> {
                    synchronized (publishers) {
                        publishers.remove(key, created[0]);
                    }
                });
                publishers.put(key, created[0]);
                lease = created[0].lease();
            }
            return lease;
        }
    }

    /**
     * Starts reporting a quota's metrics ({@code headwater.tenant.quota.*}: records and bytes taken, time throttled,
     * rejections and the limit, by tenant and direction) for one client. The readings are registered once per
     * OpenTelemetry instance and quota, else they would add up as many times as there are clients. When the last
     * client observing them closes they are reported once more, at the next collection (so that what was taken since
     * the last export is not lost), and then no longer.
     *
     * @param openTelemetry where the metrics go
     * @param scope the instrumentation scope's name
     * @param quota the tenant's shared quota
     * @return what the client closes when it closes
     */
    public AutoCloseable observeQuota(OpenTelemetry openTelemetry, String scope, TenantQuotas quota) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        QuotaMetricsKey key = new QuotaMetricsKey(openTelemetry, quota);
        QuotaMetrics observed = quotaMetrics.compute(key, (k, registered) ->
                registered != null && registered.retain() ? registered
                        : new QuotaMetrics(openTelemetry.meterBuilder(scope).setSchemaUrl(MessagingAttributes.SCHEMA_URL)
                                .build(), quota, done -> quotaMetrics.remove(k, done)));
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                observed.release();
            }
        };
    }

    @Override
    public String toString() {
        return this == GLOBAL ? "SharedResources{global}" : "SharedResources@" + Integer.toHexString(hashCode());
    }

    /**
     * The readings of one quota on one OpenTelemetry instance, and how many clients observe them. Once the last
     * client released them, the next collection reports them one last time and unregisters them.
     */
    private static final class QuotaMetrics {
        private final AutoCloseable registration;
        private final java.util.function.Consumer<QuotaMetrics> onDone;
        private int users = 1;
        private boolean unregistered;

        QuotaMetrics(Meter meter, TenantQuotas quotas, java.util.function.Consumer<QuotaMetrics> onDone) {
            this.onDone = onDone;
            Attributes attributes = Attributes.of(MessagingAttributes.TENANT, quotas.tenant(), QUOTA_DIRECTION,
                    quotas.direction());
            ObservableLongMeasurement records = meter.counterBuilder("headwater.tenant.quota.records")
                    .setUnit("{record}").setDescription("Records taken from the tenant's quota, by direction")
                    .buildObserver();
            ObservableLongMeasurement bytes = meter.counterBuilder("headwater.tenant.quota.bytes").setUnit("By")
                    .setDescription("Bytes taken from the tenant's quota, by direction").buildObserver();
            ObservableDoubleMeasurement throttled = meter.counterBuilder("headwater.tenant.quota.throttled")
                    .ofDoubles().setUnit("s").setDescription("Time the tenant's clients waited for quota, by "
                            + "direction, summed over the clients").buildObserver();
            ObservableLongMeasurement rejections = meter.counterBuilder("headwater.tenant.quota.rejections")
                    .setUnit("{record}").setDescription("Records the tenant's quota refused, by direction")
                    .buildObserver();
            ObservableLongMeasurement limit = meter.gaugeBuilder("headwater.tenant.quota.limit").ofLongs()
                    .setUnit("{record}/s").setDescription("The tenant's quota in records per second (0: unlimited), "
                            + "by direction").buildObserver();
            this.registration = meter.batchCallback(() -> {
                records.record(quotas.recordsUsed(), attributes);
                bytes.record(quotas.bytesUsed(), attributes);
                throttled.record(quotas.throttledNanos() / 1e9, attributes);
                rejections.record(quotas.rejections(), attributes);
                limit.record(quotas.quota().recordsPerSecond(), attributes);
                reported();
            }, records, bytes, throttled, rejections, limit);
        }

        /** @return false when these readings are unregistered already: register new ones */
        synchronized boolean retain() {
            if (unregistered) {
                return false;
            }
            users++;
            return true;
        }

        synchronized void release() {
            users = Math.max(0, users - 1);
        }

        /** After a collection: unregisters when no client observes them any more (outside the lock: see onDone). */
        private void reported() {
            synchronized (this) {
                if (users > 0 || unregistered) {
                    return;
                }
                unregistered = true;
            }
            try {
                registration.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not unregister the quota's metric callback", e);
            }
            onDone.accept(this);
        }
    }


    /** Identity of both parts: two equal-looking OpenTelemetry instances are two places to report to. */
    private record QuotaMetricsKey(OpenTelemetry openTelemetry, TenantQuotas quotas) {
        @Override
        public boolean equals(Object other) {
            return other instanceof QuotaMetricsKey that && openTelemetry == that.openTelemetry
                    && quotas == that.quotas;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(openTelemetry) * 31 + System.identityHashCode(quotas);
        }
    }

    /** The registry settings; printed without their values, which may hold secrets. */
    private record RegistryKey(Map<String, Object> settings) {
        @Override
        public String toString() {
            return "RegistryKey{" + settings.keySet() + "}";
        }
    }
}
