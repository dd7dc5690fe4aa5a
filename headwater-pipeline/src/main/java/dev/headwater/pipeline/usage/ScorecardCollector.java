package dev.headwater.pipeline.usage;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.usage.Scorecard.ConsumerGroup;
import dev.headwater.pipeline.usage.Scorecard.Objective;
import dev.headwater.pipeline.usage.Scorecard.ProducerQuality;
import dev.headwater.pipeline.usage.Scorecard.RuleViolations;
import dev.headwater.pipeline.usage.Scorecard.Status;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
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
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Measures data products against their contracts over a period, from the brokers (Admin API: records appended,
 * partition leaders, consumer groups' committed offsets) and the governed clients' metrics (OTLP JSON, as the usage
 * report reads them):
 * <ul>
 *   <li><b>freshness</b>: {@code headwater.consumer.delay} (consumption time minus creation time) at p50, p95 and
 *       p99, interpolated in the histogram's buckets (give the histogram fine buckets with an SDK view for precise
 *       percentiles: the scorecard reports the bucket's width as the estimate's resolution); the objective holds when
 *       at most {@code 1 - target} of the records read ({@code headwater.consumer.freshness.breaches}) arrived later
 *       than the contract's freshness, and the error budget is that allowance less what was spent;</li>
 *   <li><b>throughput</b>: records appended to the topics in the period (offsets by time at its edges) per minute,
 *       against the contract's expected records per minute;</li>
 *   <li><b>availability</b>: the topics' partitions with a leader, when collected;</li>
 *   <li>quality, evolution and users from {@code headwater.producer.records}, {@code headwater.contract.violations},
 *       {@code headwater.contract.violations.observed}, {@code headwater.consumer.records} and the consumer
 *       groups.</li>
 * </ul>
 *
 * <pre>{@code
 * Scorecard.Report report = ScorecardCollector.builder(admin)
 *         .contracts(List.of(DataContract.load(Path.of("contracts/orders.yaml"))))
 *         .metrics(List.of(Path.of("otel-metrics.jsonl")))
 *         .period(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))
 *         .build().collect();
 * }</pre>
 */
public final class ScorecardCollector {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String TOPIC = "messaging.destination.name";
    private static final String CONTRACT = "headwater.contract";
    private static final String GROUP = "messaging.consumer.group.name";
    private static final String OUTCOME = "headwater.outcome";

    private final Admin admin;
    private final List<DataContract> contracts;
    private final List<Path> metrics;
    private final SchemaRegistryClient registry;
    private final Instant from;
    private final Instant to;
    private final double target;

    private ScorecardCollector(Builder builder) {
        this.admin = builder.admin;
        this.contracts = List.copyOf(builder.contracts);
        this.metrics = List.copyOf(builder.metrics);
        this.registry = builder.registry;
        this.from = builder.from;
        this.to = builder.to;
        this.target = builder.target;
    }

    /**
     * @param admin an Admin client of the cluster, with the rights to describe topics, offsets and consumer groups;
     *     not closed by the collector
     * @return a builder
     */
    public static Builder builder(Admin admin) {
        return new Builder(admin);
    }

    /**
     * Measures every contract's data product in the period.
     *
     * @return the scorecards
     * @throws HeadwaterException when the cluster does not answer or a metrics file cannot be read
     */
    public Scorecard.Report collect() {
        OtlpMetrics clientMetrics = OtlpMetrics.read(metrics);
        try {
            Map<String, Map<TopicPartition, OffsetAndMetadata>> groups = committedOffsets();
            List<Scorecard> cards = new ArrayList<>();
            for (DataContract contract : contracts) {
                cards.add(score(contract, clientMetrics, groups));
            }
            return new Scorecard.Report(from, to, target, cards);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while measuring the data products", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new HeadwaterException("The cluster did not answer: " + cause.getMessage() + " (the Admin client "
                    + "needs Describe on the topics and on the consumer groups)", cause);
        }
    }

    private Scorecard score(DataContract contract, OtlpMetrics read,
            Map<String, Map<TopicPartition, OffsetAndMetadata>> groups)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = new TreeSet<>(contract.topics());
        Predicate<Map<String, String>> ours = attributes -> contract.subject().equals(attributes.get(CONTRACT))
                || topics.contains(attributes.getOrDefault(TOPIC, ""));
        Map<String, TopicDescription> described = describe(topics);
        List<TopicPartition> partitions = new ArrayList<>();
        described.values().forEach(topic -> topic.partitions().forEach(partition ->
                partitions.add(new TopicPartition(topic.name(), partition.partition()))));

        List<Objective> objectives = new ArrayList<>();
        if (contract.serviceLevels().hasFreshness()) {
            objectives.add(freshness(contract.serviceLevels().freshness(), read, ours));
        }
        Map<TopicPartition, Long> latest = UsageCollector.offsets(admin, partitions, OffsetSpec.latest());
        if (contract.serviceLevels().expectedRecordsPerMinute() > 0) {
            objectives.add(throughput(contract.serviceLevels().expectedRecordsPerMinute(), partitions, latest));
        }
        objectives.add(availability(topics, described));

        Scorecard.Quality quality = quality(read, ours);
        List<String> seen = new ArrayList<>(new TreeSet<>(read.increase("headwater.producer.records", ours,
                List.of("headwater.contract.version"), from, to).entrySet().stream()
                .filter(entry -> entry.getValue() > 0 && !entry.getKey().get(0).isEmpty())
                .map(entry -> entry.getKey().get(0)).toList()));
        List<String> producers = quality.producers().stream()
                .map(p -> p.application() + (p.version().isEmpty() ? "" : " " + p.version())).distinct().toList();
        Map<List<String>, Double> finished = read.increase("headwater.consumer.records", ours, List.of(GROUP),
                from, to);
        List<ConsumerGroup> consumers = new ArrayList<>();
        groups.forEach((group, offsets) -> {
            long lag = 0;
            boolean reads = false;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
                if (topics.contains(entry.getKey().topic()) && entry.getValue() != null) {
                    reads = true;
                    lag += Math.max(0, latest.getOrDefault(entry.getKey(), 0L) - entry.getValue().offset());
                }
            }
            if (reads) {
                consumers.add(new ConsumerGroup(group, lag, Math.round(finished.getOrDefault(List.of(group),
                        0.0))));
            }
        });
        return new Scorecard(contract.subject(), contract.version(), contract.owner().team(), List.copyOf(topics),
                objectives, quality, new Scorecard.Evolution(seen, registered(contract), refused(read, ours)),
                new Scorecard.Users(producers, consumers));
    }

    private Objective freshness(Duration objective, OtlpMetrics read, Predicate<Map<String, String>> ours) {
        double objectiveSeconds = objective.toMillis() / 1000.0;
        OtlpMetrics.Buckets delays = read.histogram("headwater.consumer.delay", ours, List.of(), from, to)
                .get(List.of());
        long breaches = Math.round(read.increase("headwater.consumer.freshness.breaches", ours, List.of(), from, to)
                .getOrDefault(List.of(), 0.0));
        String promise = "within " + Scorecard.duration(objective) + " for " + Scorecard.percent(target)
                + " of records";
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("objective", objectiveSeconds);
        if (delays == null || delays.count() == 0) {
            return new Objective("freshness", promise, "no record read by a governed consumer",
                    Status.NOT_MEASURED, Double.NaN, figures);
        }
        double p50 = delays.quantile(0.50);
        double p95 = delays.quantile(0.95);
        double p99 = delays.quantile(0.99);
        figures.put("records", (double) delays.count());
        figures.put("p50", p50);
        figures.put("p95", p95);
        figures.put("p99", p99);
        figures.put("p99Resolution", delays.resolution(0.99));
        figures.put("mean", delays.sum() / delays.count());
        figures.put("late", (double) breaches);
        double allowed = (1 - target) * delays.count();
        double left = allowed == 0 ? (breaches == 0 ? 1 : Double.NEGATIVE_INFINITY) : 1 - breaches / allowed;
        String measured = "p50 " + Scorecard.seconds(p50) + ", p95 " + Scorecard.seconds(p95) + ", p99 "
                + Scorecard.seconds(p99) + "; " + breaches + " of " + delays.count() + " late";
        return new Objective("freshness", promise, measured, breaches <= allowed ? Status.MET : Status.MISSED,
                Double.isInfinite(left) ? -1 : left, figures);
    }

    private Objective throughput(long expectedPerMinute, List<TopicPartition> partitions,
            Map<TopicPartition, Long> latest) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> atStart = atTime(partitions, from, latest);
        Map<TopicPartition, Long> atEnd = atTime(partitions, to, latest);
        long appended = 0;
        for (TopicPartition partition : partitions) {
            appended += atEnd.get(partition) - atStart.get(partition);
        }
        double minutes = Duration.between(from, to).toMillis() / 60_000.0;
        double perMinute = appended / minutes;
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("objective", (double) expectedPerMinute);
        figures.put("appended", (double) appended);
        figures.put("perMinute", perMinute);
        return new Objective("throughput", expectedPerMinute + " records/min expected",
                String.format(java.util.Locale.ROOT, "%.1f records/min (%d appended)", perMinute, appended),
                perMinute >= expectedPerMinute ? Status.MET : Status.MISSED, Double.NaN, figures);
    }

    private Map<TopicPartition, Long> atTime(List<TopicPartition> partitions, Instant when,
            Map<TopicPartition, Long> latest) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> byTime = UsageCollector.offsets(admin, partitions,
                OffsetSpec.forTimestamp(when.toEpochMilli()));
        Map<TopicPartition, Long> resolved = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long offset = byTime.getOrDefault(partition, -1L);
            resolved.put(partition, offset < 0 ? latest.getOrDefault(partition, 0L) : offset);
        }
        return resolved;
    }

    private static Objective availability(Set<String> topics, Map<String, TopicDescription> described) {
        int total = 0;
        int led = 0;
        int underReplicated = 0;
        for (TopicDescription topic : described.values()) {
            for (var partition : topic.partitions()) {
                total++;
                if (partition.leader() != null && !partition.leader().isEmpty()) {
                    led++;
                }
                if (partition.isr().size() < partition.replicas().size()) {
                    underReplicated++;
                }
            }
        }
        List<String> missing = topics.stream().filter(topic -> !described.containsKey(topic)).toList();
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("partitions", (double) total);
        figures.put("withLeader", (double) led);
        figures.put("underReplicated", (double) underReplicated);
        String measured = led + " of " + total + " partitions with a leader, " + underReplicated
                + " under-replicated" + (missing.isEmpty() ? "" : "; topics missing: " + missing);
        return new Objective("availability", "every partition of its topics has a leader", measured,
                missing.isEmpty() && led == total && total > 0 ? Status.MET : Status.MISSED, Double.NaN, figures);
    }

    private Scorecard.Quality quality(OtlpMetrics read, Predicate<Map<String, String>> ours) {
        Map<List<String>, Double> written = read.increase("headwater.producer.records", ours, List.of(
                "headwater.application", "headwater.application.version", "headwater.contract.version", OUTCOME),
                from, to);
        Map<List<String>, long[]> byProducer = new LinkedHashMap<>();
        long sent = 0;
        long deadLettered = 0;
        long refused = 0;
        for (Map.Entry<List<String>, Double> entry : written.entrySet()) {
            long count = Math.round(entry.getValue());
            long[] tally = byProducer.computeIfAbsent(entry.getKey().subList(0, 3), k -> new long[3]);
            switch (entry.getKey().get(3)) {
                case "refused" -> {
                    refused += count;
                    tally[2] += count;
                }
                case "dead_lettered" -> {
                    deadLettered += count;
                    tally[1] += count;
                }
                default -> {
                    sent += count;
                    tally[0] += count;
                }
            }
        }
        List<ProducerQuality> producers = new ArrayList<>();
        byProducer.forEach((key, tally) -> {
            if (tally[0] + tally[1] + tally[2] > 0) {
                producers.add(new ProducerQuality(key.get(0), key.get(1), key.get(2), tally[0] + tally[1] + tally[2],
                        tally[1], tally[2]));
            }
        });
        Map<List<String>, Double> consumed = read.increase("headwater.consumer.records", ours, List.of(OUTCOME),
                from, to);
        long readDeadLettered = Math.round(consumed.getOrDefault(List.of("dead_lettered"), 0.0));
        long readTotal = Math.round(consumed.values().stream().mapToDouble(Double::doubleValue).sum());
        List<RuleViolations> violations = new ArrayList<>();
        read.increase("headwater.contract.violations", ours, List.of(GROUP, "headwater.rule", "headwater.field"),
                from, to).forEach((key, count) -> {
                    if (Math.round(count) > 0) {
                        violations.add(new RuleViolations(key.get(0).isEmpty() ? "write" : "read", key.get(1),
                                key.get(2), Math.round(count)));
                    }
                });
        List<RuleViolations> observed = new ArrayList<>();
        read.increase(RolloutReport.METRIC, ours, List.of("headwater.rule.side", "headwater.rule"), from, to)
                .forEach((key, count) -> {
                    if (Math.round(count) > 0) {
                        observed.add(new RuleViolations(key.get(0), key.get(1), "", Math.round(count)));
                    }
                });
        violations.sort(java.util.Comparator.comparingLong(RuleViolations::count).reversed());
        observed.sort(java.util.Comparator.comparingLong(RuleViolations::count).reversed());
        return new Scorecard.Quality(sent + deadLettered + refused, sent, deadLettered, refused, readDeadLettered,
                readTotal, violations, observed, producers);
    }

    private List<String> refused(OtlpMetrics read, Predicate<Map<String, String>> ours) {
        List<String> refused = new ArrayList<>();
        read.increase("headwater.contract.registrations.refused", ours, List.of("headwater.contract.version",
                "headwater.application", "headwater.application.version"), from, to).forEach((key, count) -> {
                    if (Math.round(count) > 0) {
                        refused.add(key.get(0) + " by " + key.get(1) + (key.get(2).isEmpty() ? "" : " " + key.get(2))
                                + " (" + Math.round(count) + "x)");
                    }
                });
        return refused;
    }

    private List<String> registered(DataContract contract) {
        if (registry == null) {
            return List.of();
        }
        List<String> versions = new ArrayList<>();
        try {
            for (int version : registry.versions(contract.subject())) {
                versions.add(registry.version(contract.subject(), version).definition().metadata()
                        .path("properties").path("contract.version").asText("registry v" + version));
            }
        } catch (SchemaRegistryException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
        return versions.stream().distinct().toList();
    }

    private Map<String, TopicDescription> describe(Set<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described = new LinkedHashMap<>();
        var answers = admin.describeTopics(topics).topicNameValues(); // one request; a missing topic fails alone
        for (String topic : topics) {
            try {
                described.put(topic, answers.get(topic).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return described;
    }

    private Map<String, Map<TopicPartition, OffsetAndMetadata>> committedOffsets()
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<ConsumerGroupListing> listings = admin.listConsumerGroups().all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (listings.isEmpty()) {
            return Map.of();
        }
        Map<String, org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        listings.forEach(listing -> specs.put(listing.groupId(),
                new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec()));
        // one request for every group's committed offsets, not one per group
        return new java.util.TreeMap<>(admin.listConsumerGroupOffsets(specs).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Builds a {@link ScorecardCollector}. */
    public static final class Builder {
        private final Admin admin;
        private List<DataContract> contracts = List.of();
        private List<Path> metrics = List.of();
        private SchemaRegistryClient registry;
        private Instant from;
        private Instant to;
        private double target = 0.99;

        private Builder(Admin admin) {
            this.admin = Objects.requireNonNull(admin, "admin");
        }

        /** @param contracts the data products' contracts @return this */
        public Builder contracts(List<DataContract> contracts) {
            this.contracts = List.copyOf(contracts);
            return this;
        }

        /** @param files files of the governed clients' metrics in OTLP JSON lines @return this */
        public Builder metrics(List<Path> files) {
            this.metrics = List.copyOf(files);
            return this;
        }

        /** @param registry where the contracts' registered versions are listed; none by default @return this */
        public Builder registry(SchemaRegistryClient registry) {
            this.registry = registry;
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

        /**
         * @param target the share of records a freshness objective must hold for, above 0 and below 1 (0.99 by
         *     default): the error budget is the rest
         * @return this
         */
        public Builder target(double target) {
            this.target = target;
            return this;
        }

        /**
         * @return the collector
         * @throws IllegalArgumentException naming what is missing or out of range
         */
        public ScorecardCollector build() {
            if (contracts.isEmpty()) {
                throw new IllegalArgumentException("contracts: name at least one data product's contract");
            }
            if (from == null || !to.isAfter(from)) {
                throw new IllegalArgumentException("period: give a start before the end, was " + from + " .. " + to);
            }
            if (!(target > 0 && target < 1)) {
                throw new IllegalArgumentException("target must be above 0 and below 1, such as 0.99; was " + target);
            }
            return new ScorecardCollector(this);
        }
    }
}
