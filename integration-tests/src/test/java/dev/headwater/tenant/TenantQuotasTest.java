package dev.headwater.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.SharedResources;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.support.Polling;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class TenantQuotasTest {

    private static TenantPolicy policy(String tenant, long recordsPerSecond, Quota.Mode mode) {
        return TenantPolicy.builder(tenant).owns(List.of("{tenant}.*"))
                .produceQuota(new Quota(recordsPerSecond, 0, mode, Duration.ofSeconds(5))).build();
    }

    private static GovernedProducer<String, String> producer(EmbeddedKafkaCluster kafka, TenantPolicy policy) {
        return GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application(policy.tenant() + "-app", "1.0").tenantPolicy(policy).build();
    }

    /** Sends as fast as the quota lets, for the given time; returns the records sent per second. */
    private static double pushFor(GovernedProducer<String, String> producer, String topic, Duration duration) {
        long sent = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        CompletableFuture<?> last = CompletableFuture.completedFuture(null);
        while (System.nanoTime() < end) {
            last = producer.send(topic, "k", "v");
            sent++;
        }
        last.join();
        return sent / ((System.nanoTime() - start) / 1e9);
    }

    @Test
    void theMeasuredRateStaysWithinTenPercentOfTheQuota(EmbeddedKafkaCluster kafka) {
        String tenant = "q" + UUID.randomUUID().toString().substring(0, 6);
        TenantPolicy policy = policy(tenant, 200, Quota.Mode.BLOCK);
        try (var producer = producer(kafka, policy)) {
            double rate = pushFor(producer, tenant + ".load.test.v1", Duration.ofSeconds(5));
            assertThat(rate).as("records/s against a quota of 200/s").isBetween(180.0, 220.0);
        }
        assertThat(SharedResources.global().produceQuota(policy).orElseThrow().throttledNanos()).isPositive();
    }

    @Test
    void rejectModeRefusesAtOnceAndSendsNothing(EmbeddedKafkaCluster kafka) {
        String tenant = "q" + UUID.randomUUID().toString().substring(0, 6);
        TenantPolicy policy = policy(tenant, 10, Quota.Mode.REJECT);
        try (var producer = producer(kafka, policy)) {
            long refused = 0;
            for (int i = 0; i < 100; i++) {
                try {
                    producer.send(tenant + ".load.test.v1", "k", "v").join();
                } catch (java.util.concurrent.CompletionException e) {
                    assertThat(e.getCause()).isInstanceOf(QuotaExceededException.class)
                            .hasMessageContaining("Tenant '" + tenant + "' is over its produce quota of 10 records/s "
                                    + "(mode REJECT)");
                    refused++;
                }
            }
            assertThat(refused).isGreaterThan(50);
            assertThat(rejections(policy)).isEqualTo(refused);
        }
        assertThatThrownBy(() -> new Quota(-1, 0, Quota.Mode.BLOCK, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTenantPushingAtTenTimesItsQuotaTakesAtMostTenPercentFromAnother(EmbeddedKafkaCluster kafka)
            throws Exception {
        String noisy = "n" + UUID.randomUUID().toString().substring(0, 6);
        String quiet = "q" + UUID.randomUUID().toString().substring(0, 6);
        TenantPolicy noisyPolicy = policy(noisy, 100, Quota.Mode.REJECT);
        TenantPolicy quietPolicy = policy(quiet, 200, Quota.Mode.BLOCK);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong noisyAttempts = new AtomicLong();
        try (var noisyProducer = producer(kafka, noisyPolicy); var quietProducer = producer(kafka, quietPolicy)) {
            Thread pusher = new Thread(() -> {
                long start = System.nanoTime();
                while (!stop.get()) {
                    // ten times its quota: 1000 attempts per second
                    long due = start + noisyAttempts.get() * 1_000_000L;
                    if (System.nanoTime() >= due) {
                        noisyProducer.send(noisy + ".load.test.v1", "k", "v");
                        noisyAttempts.incrementAndGet();
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }, "noisy-tenant");
            pusher.start();
            double quietRate = pushFor(quietProducer, quiet + ".load.test.v1", Duration.ofSeconds(4));
            stop.set(true);
            pusher.join();
            assertThat(quietRate).as("the quiet tenant's rate, quota 200/s, while the noisy one pushes")
                    .isGreaterThanOrEqualTo(180.0);
        }
        assertThat(SharedResources.global().produceQuota(noisyPolicy).orElseThrow().recordsUsed())
                .as("the noisy tenant got no more than its own quota")
                .isLessThanOrEqualTo((long) (100 * 4 * 1.1) + 20);
        assertThat(noisyAttempts.get()).isGreaterThan(2000);
    }

    @Test
    void usageThrottlingAndRejectionsAreReportedPerTenant(EmbeddedKafkaCluster kafka) {
        String tenant = "m" + UUID.randomUUID().toString().substring(0, 6);
        TenantPolicy policy = policy(tenant, 10, Quota.Mode.REJECT);
        var metrics = io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create();
        try (var otel = dev.headwater.support.TestTelemetry.sdk(null, metrics);
                var producer = GovernedProducer.<String, String>builder()
                        .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                        .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                        .application(tenant + "-app", "1.0").tenantPolicy(policy).openTelemetry(otel).build()) {
            for (int i = 0; i < 50; i++) {
                producer.send(tenant + ".load.test.v1", "k", "v").exceptionally(e -> null).join();
            }
            var data = metrics.collectAllMetrics();
            var rejections = data.stream().filter(m -> m.getName().equals("headwater.tenant.quota.rejections"))
                    .findFirst().orElseThrow();
            assertThat(rejections.getLongSumData().getPoints()).singleElement().satisfies(p -> {
                assertThat(p.getValue()).isEqualTo(rejections(policy)).isPositive();
                assertThat(p.getAttributes().get(dev.headwater.telemetry.MessagingAttributes.TENANT))
                        .isEqualTo(tenant);
            });
            var used = data.stream().filter(m -> m.getName().equals("headwater.tenant.quota.records")).findFirst()
                    .orElseThrow();
            assertThat(used.getLongSumData().getPoints()).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(50 - rejections(policy)));
            assertThat(data).anySatisfy(m -> assertThat(m.getName()).isEqualTo("headwater.tenant.quota.limit"));
        }
    }

    @Test
    void aConsumerOverItsQuotaWaitsInsteadOfSpinningAndLosesNothingEvenInRejectMode(EmbeddedKafkaCluster kafka)
            throws Exception {
        String tenant = "c" + UUID.randomUUID().toString().substring(0, 6);
        String topic = tenant + ".load.test.v1";
        TenantPolicy policy = TenantPolicy.builder(tenant).owns(List.of("{tenant}.*"))
                .consumeQuota(new Quota(5, 0, Quota.Mode.REJECT, Duration.ZERO)).build();
        kafka.createTopic(topic, 1, (short) 1);
        dev.headwater.support.Topics.write(kafka.bootstrapServers(), java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> new org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>(topic,
                        ("k" + i).getBytes(), ("v" + i).getBytes())).toList());
        List<String> handled = new java.util.ArrayList<>();
        var consumer = dev.headwater.consumer.GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", tenant))
                .keyDeserializer(new org.apache.kafka.common.serialization.StringDeserializer())
                .valueDeserializer(new org.apache.kafka.common.serialization.StringDeserializer())
                .topics(topic).tenantPolicy(policy).handler(r -> handled.add(r.key())).build();
        try {
            Polling.pollUntil(consumer, () -> handled.size() >= 10, Duration.ofSeconds(60));
        } finally {
            consumer.close();
        }
        assertThat(handled).hasSize(10);
        TenantQuotas quotas = SharedResources.global().consumeQuota(policy).orElseThrow();
        assertThat(quotas.quota().mode()).isEqualTo(Quota.Mode.BLOCK);
        assertThat(quotas.recordsUsed()).isEqualTo(10);
        assertThat(quotas.rejections()).as("waits of a second at least, not a spin").isLessThanOrEqualTo(5);
        assertThat(quotas.throttledNanos()).as("10 records at 5/s wait about 1.8 s")
                .isGreaterThan(Duration.ofMillis(1200).toNanos());
    }

    @Test
    void aCallerRefusedForItsBytesTakesNoRecordsEither() {
        String tenant = "b" + UUID.randomUUID().toString().substring(0, 6);
        TenantQuotas quotas = new TenantQuotas(tenant, "produce", new Quota(1000, 100, Quota.Mode.REJECT,
                Duration.ZERO));

        assertThatThrownBy(() -> quotas.acquire(1, 1_000)).isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("1000 records/s and 100 bytes/s");

        assertThat(quotas.recordsUsed()).isZero();
        assertThat(quotas.bytesUsed()).isZero();
        assertThat(quotas.acquire(1, 5)).isZero();
        assertThat(quotas.recordsUsed()).isEqualTo(1);
    }

    @Test
    void producersOfOneTenantReportItsQuotaOnceAndWaitsOncePerRecordAndStopReportingOnceTheLastReadingIsOut(
            EmbeddedKafkaCluster kafka) {
        String tenant = "r" + UUID.randomUUID().toString().substring(0, 6);
        TenantPolicy policy = TenantPolicy.builder(tenant).owns(List.of("{tenant}.*"))
                .produceQuota(new Quota(100_000, 0, Quota.Mode.BLOCK, Duration.ofSeconds(5))).build();
        var metrics = io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create();
        try (var otel = dev.headwater.support.TestTelemetry.sdk(null, metrics)) {
            var first = GovernedProducer.<String, String>builder()
                    .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                    .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                    .application(tenant + "-app", "1.0").tenantPolicy(policy).openTelemetry(otel).build();
            var second = GovernedProducer.<String, String>builder()
                    .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                    .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                    .application(tenant + "-app", "1.0").tenantPolicy(policy).openTelemetry(otel).build();
            for (int i = 0; i < 10; i++) {
                first.send(tenant + ".load.test.v1", "k", "v").join();
                second.send(tenant + ".load.test.v1", "k", "v").join();
            }
            var data = metrics.collectAllMetrics();
            var used = data.stream().filter(m -> m.getName().equals("headwater.tenant.quota.records")).findFirst()
                    .orElseThrow();
            assertThat(used.getLongSumData().getPoints()).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).as("records of both producers, counted once")
                            .isEqualTo(20));
            var waits = data.stream().filter(m -> m.getName().equals("headwater.producer.quota.wait")).findFirst()
                    .orElseThrow();
            assertThat(waits.getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum())
                    .as("one observation per record").isEqualTo(20);
            assertThat(waits.getHistogramData().getPoints()).allSatisfy(p ->
                    assertThat(p.getBoundaries()).as("seconds buckets").contains(0.001, 1.0, 60.0));

            first.close();
            assertThat(metrics.collectAllMetrics()).filteredOn(m -> m.getName().equals(
                    "headwater.tenant.quota.records")).as("still reported while a producer of the tenant lives")
                    .isNotEmpty();
            for (int i = 0; i < 5; i++) {
                second.send(tenant + ".load.test.v1", "k", "v").join();
            }
            second.close();
            var last = metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(
                    "headwater.tenant.quota.records")).findFirst().orElseThrow(() -> new AssertionError(
                    "what the last producer took since the previous export is reported once after it closed"));
            assertThat(last.getLongSumData().getPoints()).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(25));
            assertThat(metrics.collectAllMetrics()).filteredOn(m -> m.getName().equals(
                    "headwater.tenant.quota.records")).as("then reported no more").isEmpty();
        }
    }

    private static long rejections(TenantPolicy policy) {
        return SharedResources.global().produceQuota(policy).orElseThrow().rejections();
    }
}
