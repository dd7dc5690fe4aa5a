package dev.headwater.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.pipeline.usage.Chargeback;
import dev.headwater.pipeline.usage.CostModel;
import dev.headwater.pipeline.usage.QuotaAdherence;
import dev.headwater.pipeline.usage.TenantUsage;
import dev.headwater.pipeline.usage.TopicUsage;
import dev.headwater.pipeline.usage.UsageCollector;
import dev.headwater.pipeline.usage.UsageReport;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.support.Polling;
import dev.headwater.support.TestTelemetry;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant usage report against what three tenants really did on the in-process cluster: records and bytes within 1%
 * of what was sent and read, storage within 5% of the log segments on disk, each cost exactly what the model says, and
 * the tenant that pushed past its quota reported over it, the one whose consumers waited for theirs throttled.
 */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class TenantUsageTest {

    private static final String MODEL = """
            currency: EUR
            prices: {storageGbMonth: 0.10, producedGb: 0.04, consumedGb: 0.01, partitionMonth: 0.50}
            environments:
              prod: {storageGbMonth: 0.125, partitionMonth: 0.75}
            """;

    @Test
    void theReportAddsUpWhatEachTenantSentReadAndStored(EmbeddedKafkaCluster kafka, @TempDir Path dir)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        TenantPolicy alpha = policy("ua" + run, new Quota(1_000_000, 0, Quota.Mode.BLOCK, Duration.ofSeconds(5)));
        TenantPolicy beta = TenantPolicy.builder("ub" + run).owns(List.of("{tenant}.*")).reads(List.of("{tenant}.*"))
                .consumeQuota(new Quota(200, 0, Quota.Mode.BLOCK, Duration.ofSeconds(5))).build();
        TenantPolicy gamma = policy("uc" + run, new Quota(50, 0, Quota.Mode.REJECT, Duration.ZERO));
        String alphaTopic = alpha.tenant() + ".sales.orders.v1";
        String betaTopic = beta.tenant() + ".media.events.v1";
        String gammaTopic = gamma.tenant() + ".iot.readings.v1";
        String orphan = "legacy" + run + ".events";
        kafka.createTopic(alphaTopic, 3, (short) 1).createTopic(betaTopic, 2, (short) 1)
                .createTopic(gammaTopic, 1, (short) 1).createTopic(orphan, 1, (short) 1);

        InMemoryMetricReader metrics = InMemoryMetricReader.create();
        OpenTelemetrySdk otel = TestTelemetry.sdk(null, metrics);
        Instant from = Instant.now().minusSeconds(1);
        List<GovernedProducer<String, String>> producers = new ArrayList<>();
        List<GovernedConsumer<String, String>> consumers = new ArrayList<>();
        try {
            GovernedProducer<String, String> alphaProducer = producer(kafka, alpha, otel, producers);
            GovernedProducer<String, String> betaProducer = producer(kafka, beta, otel, producers);
            GovernedProducer<String, String> gammaProducer = producer(kafka, gamma, otel, producers);

            Sent alphaSent = send(alphaProducer, alphaTopic, 2_000, 100);
            Sent betaSent = send(betaProducer, betaTopic, 400, 1_000);
            Sent gammaSent = send(gammaProducer, gammaTopic, 300, 200);
            assertThat(alphaSent.refused()).isZero();
            assertThat(gammaSent.refused()).as("gamma pushed past its quota of 50 records/s").isPositive();
            long alphaRead = consume(kafka, alpha, alphaTopic, otel, alphaSent.records(), consumers);
            long betaRead = consume(kafka, beta, betaTopic, otel, betaSent.records(), consumers);
            assertThat(alphaRead).isEqualTo(alphaSent.records());
            assertThat(betaRead).isEqualTo(betaSent.records());

            // the governed clients' metrics, while they are open, in OpenTelemetry's own OTLP JSON encoding (as the
            // Collector's file exporter writes them)
            Path metricsFile = dir.resolve("metrics.jsonl");
            try (OutputStream out = Files.newOutputStream(metricsFile)) {
                MetricsRequestMarshaler.create(metrics.collectAllMetrics()).writeJsonTo(out);
                out.write('\n');
            }
            Instant to = Instant.now().plusSeconds(1);

            UsageReport report = UsageCollector.builder(kafka.admin()).tenants(List.of(alpha, beta, gamma))
                    .metrics(List.of(metricsFile)).period(from, to).intervals(10).environment("prod").build()
                    .collect().withCosts(CostModel.parse(MODEL, "costs.yaml", "prod"));

            TenantUsage alphaUsage = report.tenant(alpha.tenant());
            assertWithinOnePercent(alphaUsage.recordsProduced(), alphaSent.records(), "alpha records produced");
            assertWithinOnePercent(alphaUsage.bytesProduced(), alphaSent.bytes(), "alpha bytes produced");
            assertWithinOnePercent(alphaUsage.recordsAppended(), alphaSent.records(), "alpha records, brokers");
            assertWithinOnePercent(alphaUsage.recordsConsumed(), alphaSent.records(), "alpha records consumed");
            assertWithinOnePercent(alphaUsage.bytesConsumed(), alphaSent.bytes(), "alpha bytes consumed");
            TenantUsage betaUsage = report.tenant(beta.tenant());
            assertWithinOnePercent(betaUsage.recordsProduced(), betaSent.records(), "beta records produced");
            assertWithinOnePercent(betaUsage.bytesProduced(), betaSent.bytes(), "beta bytes produced");
            assertWithinOnePercent(betaUsage.recordsConsumed(), betaSent.records(), "beta records consumed");
            assertWithinOnePercent(betaUsage.bytesConsumed(), betaSent.bytes(), "beta bytes consumed");
            TenantUsage gammaUsage = report.tenant(gamma.tenant());
            assertWithinOnePercent(gammaUsage.recordsProduced(), gammaSent.records(), "gamma records produced");
            assertWithinOnePercent(gammaUsage.bytesProduced(), gammaSent.bytes(), "gamma bytes produced");
            assertWithinOnePercent(gammaUsage.recordsAppended(), gammaSent.records(), "gamma records, brokers");

            assertThat(alphaUsage.partitions()).isEqualTo(3);
            assertThat(betaUsage.partitions()).isEqualTo(2);
            assertThat(alphaUsage.topics()).extracting(TopicUsage::topic).containsExactly(alphaTopic);
            for (TenantUsage usage : List.of(alphaUsage, betaUsage, gammaUsage)) {
                long onDisk = segmentBytesOnDisk(kafka, usage.topics());
                assertThat((double) usage.storageBytes()).as(usage.tenant() + " storage against the segments on disk")
                        .isCloseTo(onDisk, within(onDisk * 0.05));
                assertThat(onDisk).isPositive();
            }

            assertThat(gammaUsage.quota().rejections()).isEqualTo(gammaSent.refused());
            assertThat(gammaUsage.quota().status()).isEqualTo(QuotaAdherence.Status.OVER);
            assertThat(alphaUsage.quota().status()).isEqualTo(QuotaAdherence.Status.WITHIN);
            assertThat(betaUsage.quota().consumeThrottledSeconds()).as("400 records read under a consume quota of "
                    + "200 records/s").isPositive();
            assertThat(betaUsage.quota().status()).isEqualTo(QuotaAdherence.Status.THROTTLED);
            assertThat(alphaUsage.quota().recordsPerInterval().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(alphaUsage.recordsAppended());
            assertThat(report.unowned()).extracting(TopicUsage::topic).contains(orphan)
                    .doesNotContain(alphaTopic, betaTopic, gammaTopic);

            Chargeback chargeback = report.chargeback();
            BigDecimal months = BigDecimal.valueOf(Duration.between(from, to).toMillis()).movePointLeft(3)
                    .divide(BigDecimal.valueOf(30L * 24 * 3600), 9, RoundingMode.HALF_EVEN);
            for (TenantUsage usage : List.of(alphaUsage, betaUsage, gammaUsage)) {
                Chargeback.TenantCost cost = chargeback.tenants().stream()
                        .filter(c -> c.tenant().equals(usage.tenant())).findFirst().orElseThrow();
                BigDecimal storage = gb(usage.storageBytes()).multiply(new BigDecimal("0.125")).multiply(months)
                        .setScale(6, RoundingMode.HALF_EVEN);
                BigDecimal produced = gb(usage.bytesProduced()).multiply(new BigDecimal("0.04"))
                        .setScale(6, RoundingMode.HALF_EVEN);
                BigDecimal consumed = gb(usage.bytesConsumed()).multiply(new BigDecimal("0.01"))
                        .setScale(6, RoundingMode.HALF_EVEN);
                BigDecimal partitions = BigDecimal.valueOf(usage.partitions()).multiply(new BigDecimal("0.75"))
                        .multiply(months).setScale(6, RoundingMode.HALF_EVEN);
                assertThat(cost.line("storage").amount()).isEqualTo(storage);
                assertThat(cost.line("produced").amount()).isEqualTo(produced);
                assertThat(cost.line("consumed").amount()).isEqualTo(consumed);
                assertThat(cost.line("partitions").amount()).isEqualTo(partitions);
                assertThat(cost.total()).isEqualTo(storage.add(produced).add(consumed).add(partitions));
            }
            assertThat(report.toText()).contains(alpha.tenant()).contains(orphan).contains("over");
        } finally {
            consumers.forEach(GovernedConsumer::close);
            producers.forEach(GovernedProducer::close);
            otel.close();
        }
    }

    @Test
    void aCompactedTopicsRatesAreEstimatesThatNeverDecideOverAndThePlatformsTopicsAreNoTenants(
            EmbeddedKafkaCluster kafka) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Quota fifty = new Quota(50, 0, Quota.Mode.BLOCK, Duration.ofSeconds(5));
        TenantPolicy state = policy("us" + run, fifty);
        TenantPolicy burst = policy("uf" + run, fifty);
        String compactedTopic = state.tenant() + ".accounts.state.v1";
        String deletedTopic = burst.tenant() + ".accounts.events.v1";
        kafka.admin().createTopics(List.of(new NewTopic(compactedTopic, 1, (short) 1).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        kafka.createTopic(deletedTopic, 1, (short) 1);

        Instant from = Instant.now().minusSeconds(1);
        // a client that is not governed writes 500 records at once to each topic: far above 50 records/s
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 500; i++) {
                plain.send(new ProducerRecord<>(compactedTopic, "account-" + i % 20, "balance " + i));
                plain.send(new ProducerRecord<>(deletedTopic, "account-" + i % 20, "balance " + i));
            }
            plain.flush();
        }
        // a governed producer publishes its lineage descriptor to the platform's compacted topic
        try (GovernedProducer<String, String> governed = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application(state.tenant() + "-app", "1.0").tenantPolicy(state).build()) {
            governed.send(compactedTopic, "account-0", "balance 500").join();
        }
        Polling.await("the lineage descriptor topic is created", () -> {
            try {
                return kafka.admin().listTopics().names().get().contains("_headwater-lineage");
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(30));
        Instant to = Instant.now().plusSeconds(1);

        UsageReport report = UsageCollector.builder(kafka.admin()).tenants(List.of(state, burst))
                .period(from, to).intervals(10).build().collect();

        TenantUsage burstUsage = report.tenant(burst.tenant());
        assertThat(burstUsage.quota().status()).as("the brokers took 500 records at once on a topic that is not "
                + "compacted").isEqualTo(QuotaAdherence.Status.OVER);
        TenantUsage stateUsage = report.tenant(state.tenant());
        assertThat(stateUsage.topics()).singleElement().satisfies(topic -> {
            assertThat(topic.compacted()).isTrue();
            assertThat(topic.recordsAppended()).isEqualTo(501);
        });
        assertThat(stateUsage.quota().estimatedTopics()).containsExactly(compactedTopic);
        assertThat(stateUsage.quota().recordsPerInterval()).as("compacted topics are left out of the rates")
                .allSatisfy(count -> assertThat(count).isZero());
        assertThat(stateUsage.quota().status()).as("a compacted topic's rate never decides over alone")
                .isNotEqualTo(QuotaAdherence.Status.OVER);
        assertThat(report.toText()).contains("~ " + state.tenant() + ": compacted topics " + compactedTopic);

        assertThat(report.platform()).extracting(TopicUsage::topic).contains("_headwater-lineage");
        assertThat(report.platform()).filteredOn(topic -> topic.topic().equals("_headwater-lineage"))
                .singleElement().satisfies(topic -> assertThat(topic.compacted()).isTrue());
        assertThat(report.unowned()).extracting(TopicUsage::topic)
                .noneSatisfy(topic -> assertThat(topic).startsWith("_"));
    }

    private static TenantPolicy policy(String tenant, Quota produce) {
        return TenantPolicy.builder(tenant).owns(List.of("{tenant}.*")).reads(List.of("{tenant}.*"))
                .produceQuota(produce).build();
    }

    private static GovernedProducer<String, String> producer(EmbeddedKafkaCluster kafka, TenantPolicy policy,
            OpenTelemetrySdk otel, List<GovernedProducer<String, String>> producers) {
        GovernedProducer<String, String> producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application(policy.tenant() + "-app", "1.0").tenantPolicy(policy).openTelemetry(otel).build();
        producers.add(producer);
        return producer;
    }

    /** What was sent: records acknowledged, their value bytes, and records the quota refused. */
    private record Sent(long records, long bytes, long refused) {
    }

    private static Sent send(GovernedProducer<String, String> producer, String topic, int count, int valueBytes) {
        String value = "x".repeat(valueBytes);
        List<CompletableFuture<SendResult>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(producer.send(topic, "k" + i, value));
        }
        long records = 0;
        long refused = 0;
        for (CompletableFuture<SendResult> send : sends) {
            try {
                if (send.join().sent()) {
                    records++;
                }
            } catch (CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(QuotaExceededException.class);
                refused++;
            }
        }
        return new Sent(records, records * valueBytes, refused);
    }

    private static long consume(EmbeddedKafkaCluster kafka, TenantPolicy policy, String topic, OpenTelemetrySdk otel,
            long expected, List<GovernedConsumer<String, String>> consumers) {
        AtomicLong handled = new AtomicLong();
        GovernedConsumer<String, String> consumer = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id",
                        policy.tenant() + "-readers"))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics(topic).tenantPolicy(policy).tenant(policy.tenant()).openTelemetry(otel)
                .handler(record -> handled.incrementAndGet()).build();
        consumers.add(consumer);
        Polling.pollUntil(consumer, () -> handled.get() >= expected, Duration.ofSeconds(60));
        return handled.get();
    }

    /** Bytes of the log segment files of these topics' partitions under the cluster's data directory. */
    private static long segmentBytesOnDisk(EmbeddedKafkaCluster kafka, List<TopicUsage> topics) throws IOException {
        Set<String> names = new java.util.HashSet<>();
        topics.forEach(topic -> {
            for (int p = 0; p < topic.partitions(); p++) {
                names.add(topic.topic() + "-" + p);
            }
        });
        try (Stream<Path> files = Files.walk(kafka.dataDirectory())) {
            return files.filter(file -> file.getFileName().toString().endsWith(".log"))
                    .filter(file -> names.contains(file.getParent().getFileName().toString()))
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).sum();
        }
    }

    private static void assertWithinOnePercent(long reported, long expected, String what) {
        assertThat((double) reported).as(what + ": reported " + reported + ", expected " + expected)
                .isCloseTo(expected, within(Math.max(expected * 0.01, 0.0)));
    }

    private static BigDecimal gb(long bytes) {
        return BigDecimal.valueOf(bytes).movePointLeft(9);
    }
}
