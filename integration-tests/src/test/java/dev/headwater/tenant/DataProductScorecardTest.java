package dev.headwater.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.pipeline.usage.Scorecard;
import dev.headwater.pipeline.usage.ScorecardCollector;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.support.Contracts;
import dev.headwater.support.Polling;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data product's scorecard on the in-process cluster, every figure checked against what the test measured itself:
 * freshness from the records' own timestamps at the moment the handler saw them, late records, records appended,
 * refusals and dead letters as the test sent them, lag as the test committed it.
 */
@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class DataProductScorecardTest {

    /** The freshness objective: 120 s. Records are made 0-100 s or 130-240 s old, so none is near it. */
    private static final Duration FRESHNESS = Duration.ofSeconds(120);

    @Test
    void everyScorecardFigureIsWhatTheTestMeasuredItself(EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry, @TempDir Path dir) throws Exception {
        Instant from = Instant.now().minus(Duration.ofMinutes(10));
        String topic = Topics.unique("retail.orders.scored");
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(topic + ".dlq", 1, (short) 1);
        String yaml = Files.readString(Contracts.ORDERS).replace("retail.orders.placed.v1", topic)
                .replace("freshness: PT5M", "freshness: PT2M");
        DataContract contract = DataContract.parse(yaml, "orders.yaml", Contracts.ORDERS.toAbsolutePath().getParent());

        InMemoryMetricReader metrics = InMemoryMetricReader.create();
        // percentiles within 1%: the delay histogram in buckets 0.5% apart, as the README shows with an SDK view
        List<Double> bounds = new ArrayList<>();
        for (double bound = 0.001; bound < 1000; bound *= 1.005) {
            bounds.add(bound);
        }
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics)
                        .registerView(InstrumentSelector.builder().setName("headwater.consumer.delay").build(),
                                View.builder().setAggregation(Aggregation.explicitBucketHistogram(bounds)).build())
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();

        // what the test sends: 212 records of known ages, 3 refused (quantity 500), 2 dead-lettered (currency XX)
        List<Integer> ages = new ArrayList<>();
        for (int age = 0; age <= 100; age++) {
            ages.add(age);
        }
        for (int age = 130; age <= 240; age++) {
            ages.add(age);
        }
        Collections.shuffle(ages, new java.util.Random(42));
        int refused = 0;
        int deadLettered = 0;
        try (var producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(contract)
                .failurePolicy(FailurePolicy.PER_RULE).application("orders-service", "1.4.0").tenant("retail")
                .openTelemetry(otel).build()) {
            long now = System.currentTimeMillis();
            for (int age : ages) {
                producer.send(new ProducerRecord<>(topic, null, now - age * 1000L, "k-" + age,
                        Contracts.validOrder(contract, UUID.randomUUID().toString()))).join();
            }
            for (int i = 0; i < 3; i++) {
                GenericRecord tooMany = Contracts.validOrder(contract, UUID.randomUUID().toString());
                tooMany.put("quantity", 500);
                try {
                    producer.send(topic, "too-many-" + i, tooMany).join();
                } catch (CompletionException e) {
                    refused++;
                }
            }
            for (int i = 0; i < 2; i++) {
                GenericRecord badCurrency = Contracts.validOrder(contract, UUID.randomUUID().toString());
                badCurrency.put("currency", "XX");
                if (producer.send(topic, "bad-currency-" + i, badCurrency).join().outcome()
                        == dev.headwater.producer.SendResult.Outcome.DEAD_LETTERED) {
                    deadLettered++;
                }
            }
        }

        // a breaking change the registry refuses: a new field without a default, which old records lack
        Path incompatible = Files.createDirectories(dir.resolve("v2"));
        Files.writeString(incompatible.resolve("orders.avsc"), Files.readString(Contracts.ORDERS.resolveSibling(
                "orders.avsc")).replace("{\"name\":\"quantity\",\"type\":\"int\"}",
                "{\"name\":\"quantity\",\"type\":\"int\"},{\"name\":\"warehouse\",\"type\":\"string\"}"));
        DataContract breaking = DataContract.parse(yaml.replace("version: 1.2.0", "version: 2.0.0"), "orders.yaml",
                incompatible);
        assertThat(breaking.schema().getField("warehouse")).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).schemaRegistry(registry.url()).contract(breaking)
                .application("orders-service", "1.5.0").tenant("retail").openTelemetry(otel).build().close())
                .hasMessageContaining("Could not register contract");

        // the test's own measure of freshness: when the handler saw each record, minus the record's timestamp
        List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        String group = "payments-" + UUID.randomUUID();
        var consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(contract)
                .topics(topic).tenant("payments").openTelemetry(otel)
                .handler(record -> delays.add(System.currentTimeMillis() - record.timestamp())).build();
        try {
            Polling.pollUntil(consumer, () -> delays.size() == ages.size(), Duration.ofSeconds(60));
        } finally {
            consumer.close();
        }
        kafka.admin().alterConsumerGroupOffsets("reporting", Map.of(new TopicPartition(topic, 0),
                new OffsetAndMetadata(12))).all().get();

        Path file = dir.resolve("metrics.jsonl");
        try (OutputStream out = Files.newOutputStream(file)) {
            MetricsRequestMarshaler.create(metrics.collectAllMetrics()).writeJsonTo(out);
            out.write('\n');
        }
        otel.close();
        Instant to = Instant.now().plusSeconds(1);
        Scorecard.Report report = ScorecardCollector.builder(kafka.admin()).contracts(List.of(contract))
                .metrics(List.of(file)).registry(SchemaRegistryClient.builder().urls(registry.url()).build())
                .period(from, to).build().collect();
        Scorecard card = report.scorecard(contract.subject());

        List<Long> sorted = new ArrayList<>(delays);
        Collections.sort(sorted);
        long late = sorted.stream().filter(delay -> delay > FRESHNESS.toMillis()).count();
        assertThat(late).isEqualTo(111); // the 130-240 s old records, none near the objective
        Scorecard.Objective freshness = card.objective("freshness").orElseThrow();
        assertThat(freshness.figures().get("records")).isEqualTo((double) ages.size());
        for (double quantile : new double[] {0.50, 0.95, 0.99}) {
            double measured = nearestRank(sorted, quantile) / 1000.0;
            assertThat(freshness.figures().get("p" + Math.round(quantile * 100)))
                    .as("p%d", Math.round(quantile * 100)).isCloseTo(measured, within(measured * 0.01));
        }
        assertThat(freshness.figures().get("late")).isEqualTo((double) late);
        assertThat(freshness.status()).isEqualTo(Scorecard.Status.MISSED);
        double allowed = 0.01 * ages.size();
        assertThat(freshness.errorBudgetLeft()).isCloseTo(1 - late / allowed, within(1e-9));

        Scorecard.Objective throughput = card.objective("throughput").orElseThrow();
        assertThat(throughput.figures().get("appended")).isEqualTo((double) ages.size());
        double minutes = Duration.between(from, to).toMillis() / 60_000.0;
        assertThat(throughput.figures().get("perMinute")).isCloseTo(ages.size() / minutes, within(1e-9));
        assertThat(throughput.status()).isEqualTo(Scorecard.Status.MISSED); // 1200 a minute expected
        assertThat(card.objective("availability").orElseThrow().status()).isEqualTo(Scorecard.Status.MET);

        Scorecard.Quality quality = card.quality();
        assertThat(refused).isEqualTo(3);
        assertThat(deadLettered).isEqualTo(2);
        assertThat(quality.written()).isEqualTo(ages.size() + refused + deadLettered);
        assertThat(quality.refused()).isEqualTo(refused);
        assertThat(quality.deadLettered()).isEqualTo(deadLettered);
        assertThat(quality.refusedShare()).isCloseTo((double) refused / quality.written(), within(1e-12));
        assertThat(quality.read()).isEqualTo(ages.size());
        assertThat(quality.violations()).extracting(v -> v.side() + " " + v.rule() + " [" + v.field() + "] "
                + v.count()).containsExactlyInAnyOrder("write quantityInRange [quantity] 3",
                "write currencyIsIso [currency] 2");
        assertThat(quality.producers()).singleElement().satisfies(p -> {
            assertThat(p.application() + " " + p.version() + " " + p.contractVersion())
                    .isEqualTo("orders-service 1.4.0 1.2.0");
            assertThat(p.written()).isEqualTo(ages.size() + 5);
        });
        assertThat(card.evolution().seen()).containsExactly("1.2.0");
        assertThat(card.evolution().registered()).containsExactly("1.2.0");
        assertThat(card.evolution().refused()).containsExactly("2.0.0 by orders-service 1.5.0 (1x)");
        assertThat(card.users().producers()).containsExactly("orders-service 1.4.0");
        assertThat(card.users().consumers()).extracting(g -> g.group() + " lag " + g.lag() + " finished "
                + g.finished()).containsExactlyInAnyOrder(group + " lag 0 finished " + ages.size(),
                "reporting lag " + (ages.size() - 12) + " finished 0");

        assertThat(report.missed()).hasSize(2).anySatisfy(m -> assertThat(m).contains("freshness"))
                .anySatisfy(m -> assertThat(m).contains("throughput"));
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.path("scorecards").get(0).path("quality").path("refused").asLong()).isEqualTo(3);
        assertThat(report.toCsv()).contains(contract.subject() + ",1.2.0,freshness,");
        assertThat(report.toText()).contains("quantityInRange").contains("Missed:");

        assertThat(report.toHtml()).contains("<svg id=\"freshness-").contains("quantityInRange");
    }

    private static long nearestRank(List<Long> sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
