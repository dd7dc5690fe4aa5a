package dev.headwater.pipeline.usage;

import dev.headwater.HeadwaterException;
import dev.headwater.tenant.TenantPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Adds up what each tenant used in a period, from the brokers (Admin API) and the governed clients' metrics (OTLP
 * JSON files):
 * <ul>
 *   <li>per topic, matched to the tenant whose policy owns it: partitions, replication, storage (the log-dir
 *       descriptions of every broker summed, every replica counted), records in the log and records appended in the
 *       period (offsets by timestamp at its end minus at its start); topics no policy owns are listed apart, the
 *       platform's own (names starting with {@code _}, such as {@code _headwater-lineage} or {@code _schemas}) apart
 *       from those;</li>
 *   <li>per tenant, from the metrics: records and value bytes produced and consumed, time throttled and records
 *       refused by its quotas;</li>
 *   <li>quota adherence: records appended per interval (the period cut into intervals, offsets by timestamp at each
 *       edge) and the peak rate against the policy's produce quota. Compaction distorts those counts (it removes the
 *       records an edge would land on), so compacted topics are left out of the rates and listed as estimates
 *       ({@link QuotaAdherence#estimatedTopics()}).</li>
 * </ul>
 *
 * <pre>{@code
 * UsageReport report = UsageCollector.builder(admin)
 *         .tenants(List.of(TenantPolicy.load(Path.of("tenant-retail.yaml"), "prod")))
 *         .metrics(List.of(Path.of("otel-metrics.jsonl")))
 *         .period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))
 *         .build().collect();
 * }</pre>
 */
public final class UsageCollector {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Set<String> NOT_A_TENANTS = Set.of("__consumer_offsets", "__transaction_state",
            "__share_group_state", "__cluster_metadata");

    private final Admin admin;
    private final List<TenantPolicy> tenants;
    private final List<Path> metrics;
    private final Instant from;
    private final Instant to;
    private final int intervals;
    private final String environment;

    private UsageCollector(Builder builder) {
        this.admin = builder.admin;
        this.tenants = List.copyOf(builder.tenants);
        this.metrics = List.copyOf(builder.metrics);
        this.from = builder.from;
        this.to = builder.to;
        this.intervals = builder.intervals;
        this.environment = builder.environment;
    }

    /**
     * @param admin an Admin client of the cluster, with the rights to describe topics, log dirs and offsets; not
     *     closed by the collector
     * @return a builder
     */
    public static Builder builder(Admin admin) {
        return new Builder(admin);
    }

    /**
     * Collects the period's usage.
     *
     * @return the report, without costs ({@link UsageReport#withCosts})
     * @throws HeadwaterException when the cluster does not answer or a metrics file cannot be read
     */
    public UsageReport collect() {
        OtlpMetrics clientMetrics = OtlpMetrics.read(metrics);
        try {
            Map<String, TopicDescription> topics = describeTopics();
            Set<String> compacted = compacted(topics.keySet());
            Map<TopicPartition, Long> storage = storage();
            List<TopicPartition> partitions = new ArrayList<>();
            topics.values().forEach(topic -> topic.partitions().forEach(partition ->
                    partitions.add(new TopicPartition(topic.name(), partition.partition()))));
            Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
            List<Instant> edges = edges();
            List<Map<TopicPartition, Long>> atEdges = new ArrayList<>();
            for (Instant edge : edges) {
                Map<TopicPartition, Long> byTime = offsets(partitions, OffsetSpec.forTimestamp(edge.toEpochMilli()));
                Map<TopicPartition, Long> resolved = new HashMap<>();
                for (TopicPartition partition : partitions) {
                    long offset = byTime.getOrDefault(partition, -1L);
                    resolved.put(partition, offset < 0 ? latest.getOrDefault(partition, 0L) : offset);
                }
                atEdges.add(resolved);
            }

            Map<String, List<TopicUsage>> byTenant = new LinkedHashMap<>();
            tenants.forEach(policy -> byTenant.put(policy.tenant(), new ArrayList<>()));
            Map<String, long[]> intervalsByTenant = new LinkedHashMap<>();
            tenants.forEach(policy -> intervalsByTenant.put(policy.tenant(), new long[intervals]));
            Map<String, List<String>> estimatedByTenant = new LinkedHashMap<>();
            tenants.forEach(policy -> estimatedByTenant.put(policy.tenant(), new ArrayList<>()));
            List<TopicUsage> unowned = new ArrayList<>();
            List<TopicUsage> platform = new ArrayList<>();
            for (TopicDescription topic : new TreeMap<>(topics).values()) {
                String tenant = owner(topic.name());
                boolean isCompacted = compacted.contains(topic.name());
                long size = 0;
                long inLog = 0;
                long appended = 0;
                long[] perInterval = tenant.isEmpty() || isCompacted ? new long[intervals]
                        : intervalsByTenant.get(tenant);
                if (!tenant.isEmpty() && isCompacted) {
                    estimatedByTenant.get(tenant).add(topic.name());
                }
                for (var info : topic.partitions()) {
                    TopicPartition partition = new TopicPartition(topic.name(), info.partition());
                    size += storage.getOrDefault(partition, 0L);
                    inLog += latest.getOrDefault(partition, 0L) - earliest.getOrDefault(partition, 0L);
                    appended += atEdges.get(intervals).get(partition) - atEdges.get(0).get(partition);
                    for (int i = 0; i < intervals; i++) {
                        perInterval[i] += atEdges.get(i + 1).get(partition) - atEdges.get(i).get(partition);
                    }
                }
                int replication = topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size();
                TopicUsage usage = new TopicUsage(topic.name(), tenant, topic.partitions().size(), replication, size,
                        inLog, appended, isCompacted);
                if (!tenant.isEmpty()) {
                    byTenant.get(tenant).add(usage);
                } else if (topic.name().startsWith("_")) {
                    platform.add(usage);
                } else {
                    unowned.add(usage);
                }
            }

            Map<String, Double> recordsProduced = clientMetrics.increase("headwater.producer.records",
                    a -> !"refused".equals(a.get("headwater.outcome")), "headwater.tenant", from, to);
            Map<String, Double> bytesProduced = clientMetrics.increase("headwater.producer.record.size",
                    a -> true, "headwater.tenant", from, to);
            Map<String, Double> recordsConsumed = clientMetrics.increase("headwater.consumer.records",
                    a -> true, "headwater.tenant", from, to);
            Map<String, Double> bytesConsumed = clientMetrics.increase("headwater.consumer.bytes",
                    a -> true, "headwater.tenant", from, to);
            Map<String, Double> throttled = clientMetrics.increase("headwater.tenant.quota.throttled",
                    a -> !"consume".equals(a.get("headwater.quota.direction")), "headwater.tenant", from, to);
            Map<String, Double> consumeThrottled = clientMetrics.increase("headwater.tenant.quota.throttled",
                    a -> "consume".equals(a.get("headwater.quota.direction")), "headwater.tenant", from, to);
            Map<String, Double> rejections = clientMetrics.increase("headwater.tenant.quota.rejections",
                    a -> !"consume".equals(a.get("headwater.quota.direction")), "headwater.tenant", from, to);

            double intervalSeconds = Duration.between(from, to).toMillis() / 1000.0 / intervals;
            List<TenantUsage> usages = new ArrayList<>();
            for (TenantPolicy policy : tenants) {
                String tenant = policy.tenant();
                long[] perInterval = intervalsByTenant.get(tenant);
                long peak = 0;
                List<Long> series = new ArrayList<>();
                for (long count : perInterval) {
                    peak = Math.max(peak, count);
                    series.add(count);
                }
                QuotaAdherence quota = new QuotaAdherence(policy.produceQuota().recordsPerSecond(),
                        peak / intervalSeconds, series, throttled.getOrDefault(tenant, 0.0),
                        Math.round(rejections.getOrDefault(tenant, 0.0)), consumeThrottled.getOrDefault(tenant, 0.0),
                        estimatedByTenant.get(tenant));
                usages.add(new TenantUsage(tenant, byTenant.get(tenant),
                        Math.round(recordsProduced.getOrDefault(tenant, 0.0)),
                        Math.round(bytesProduced.getOrDefault(tenant, 0.0)),
                        Math.round(recordsConsumed.getOrDefault(tenant, 0.0)),
                        Math.round(bytesConsumed.getOrDefault(tenant, 0.0)), quota));
            }
            return new UsageReport(from, to, environment, intervals, usages, unowned, platform, metrics.stream()
                    .map(Path::toString).toList(), clientMetrics.points(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while reading the cluster's usage", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new HeadwaterException("The cluster did not tell its usage: " + cause.getMessage()
                    + " (the Admin client needs Describe and DescribeConfigs on the topics, and Describe on the "
                    + "cluster)", cause);
        }
    }

    private String owner(String topic) {
        for (TenantPolicy policy : tenants) {
            if (policy.owns(topic)) {
                return policy.tenant();
            }
        }
        return "";
    }

    private List<Instant> edges() {
        List<Instant> edges = new ArrayList<>();
        long span = Duration.between(from, to).toMillis();
        for (int i = 0; i <= intervals; i++) {
            edges.add(from.plusMillis(span * i / intervals));
        }
        return edges;
    }

    private Map<String, TopicDescription> describeTopics()
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> names = new java.util.TreeSet<>(admin.listTopics().names().get(TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS));
        names.removeIf(name -> NOT_A_TENANTS.contains(name));
        if (names.isEmpty()) {
            return Map.of();
        }
        return admin.describeTopics(names).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the topics whose cleanup policy compacts them ({@code compact} or {@code compact,delete}) */
    private Set<String> compacted(Set<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return Set.of();
        }
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Set<String> compacted = new java.util.HashSet<>();
        configs.forEach((resource, config) -> {
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && policy.value() != null
                    && policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                compacted.add(resource.name());
            }
        });
        return compacted;
    }

    /** @return bytes per partition, summed over every replica on every broker */
    private Map<TopicPartition, Long> storage() throws InterruptedException, ExecutionException, TimeoutException {
        Collection<Node> nodes = admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<Integer> brokers = nodes.stream().map(Node::id).toList();
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> sizes = new HashMap<>();
        dirs.values().forEach(byDir -> byDir.values().forEach(dir -> {
            for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                sizes.merge(replica.getKey(), replica.getValue().size(), Long::sum);
            }
        }));
        return sizes;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        return offsets(admin, partitions, spec);
    }

    /** @return the offsets of partitions, by a spec (earliest, latest, for a timestamp); -1 where none */
    static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin.listOffsets(request).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    /** Builds a {@link UsageCollector}. */
    public static final class Builder {
        private final Admin admin;
        private List<TenantPolicy> tenants = List.of();
        private List<Path> metrics = List.of();
        private Instant from;
        private Instant to;
        private int intervals = 60;
        private String environment = "";

        private Builder(Admin admin) {
            this.admin = Objects.requireNonNull(admin, "admin");
        }

        /** @param tenants the tenants' policies (their {@code owns} patterns tell whose a topic is) @return this */
        public Builder tenants(List<TenantPolicy> tenants) {
            this.tenants = List.copyOf(tenants);
            return this;
        }

        /** @param files files of the governed clients' metrics in OTLP JSON lines @return this */
        public Builder metrics(List<Path> files) {
            this.metrics = List.copyOf(files);
            return this;
        }

        /**
         * @param from the period's start
         * @param to its end, after the start
         * @return this
         */
        public Builder period(Instant from, Instant to) {
            this.from = Objects.requireNonNull(from, "from");
            this.to = Objects.requireNonNull(to, "to");
            return this;
        }

        /** @param intervals how many intervals the period is cut into for rates (60 by default) @return this */
        public Builder intervals(int intervals) {
            this.intervals = intervals;
            return this;
        }

        /** @param environment the environment the cluster serves, for the report and the cost model @return this */
        public Builder environment(String environment) {
            this.environment = environment == null ? "" : environment;
            return this;
        }

        /**
         * @return the collector
         * @throws IllegalArgumentException naming what is missing or wrong
         */
        public UsageCollector build() {
            if (from == null || to == null) {
                throw new IllegalArgumentException("period(from, to) is required");
            }
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("the period's end (" + to + ") must be after its start (" + from
                        + ")");
            }
            if (intervals < 1 || intervals > 1440) {
                throw new IllegalArgumentException("intervals must be 1 to 1440, was " + intervals);
            }
            Set<String> names = new java.util.HashSet<>();
            for (TenantPolicy policy : tenants) {
                if (!names.add(policy.tenant())) {
                    throw new IllegalArgumentException("tenant '" + policy.tenant() + "' is given twice");
                }
            }
            return new UsageCollector(this);
        }
    }
}
