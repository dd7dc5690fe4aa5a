package dev.headwater.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry is down when a consumer meets schema ids it has not cached: a transient failure, not the
 * records' fault, so none is dead-lettered; they are read again once the registry is back.
 */
@HeadwaterTest
class RegistryOutageTest {

    private static final int RECORDS = 20;

    @Test
    void recordsAreReadAgainWhenTheRegistryIsBackAndNoneIsDeadLettered(EmbeddedKafkaCluster kafka,
            @TempDir Path dir) throws Exception {
        // down before any consumer has read a schema
        Faults.RegistryOutage outage = Faults.registryDownAfterWriting(kafka, dir, "outage", RECORDS);
        String topic = outage.topic();
        DataContract contract = outage.contract();
        String url = outage.url();

        InMemoryMetricReader metrics = InMemoryMetricReader.create();
        Set<String> handled = ConcurrentHashMap.newKeySet();
        long retried;
        EmbeddedSchemaRegistry registry = null;
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(url).retries(1, Duration.ofMillis(50))
                .circuitBreaker(CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(2)
                        .waitDurationInOpenState(Duration.ofMillis(500)).build())
                .build();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
                var consumer = GovernedConsumer.<String, GenericRecord>builder()
                        .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                                "group.id", "outage-" + UUID.randomUUID()))
                        .keyDeserializer(new StringDeserializer()).schemaRegistry(client).contract(contract)
                        .transientRetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .openTelemetry(otel).topics(topic).handler(record -> handled.add(record.key())).build()) {
            Faults.pollUntil(consumer, () -> retries(metrics) >= 4, Duration.ofSeconds(30));
            assertThat(handled).as("handled while the registry is down").isEmpty();
            assertThat(retries(metrics)).as("records retried later").isGreaterThanOrEqualTo(4);

            registry = outage.restart(); // back, with every schema it had
            Faults.pollUntil(consumer, () -> handled.size() >= RECORDS, Duration.ofSeconds(60));
            retried = retries(metrics);
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
        long deadLettered = Faults.read(kafka.bootstrapServers(), contract.deadLetterTopic(), 1,
                Duration.ofSeconds(2)).size();
        assertThat(handled).hasSize(RECORDS);
        assertThat(deadLettered).as("dead letters for a transient failure").isZero();
        Figures.record("schema registry down when the consumer starts, back after its records were retried",
                RECORDS, handled.size(), deadLettered, RECORDS - handled.size() - deadLettered, 0,
                retried + " reads retried with back-off, none dead-lettered");
    }

    private static long retries(InMemoryMetricReader metrics) {
        return metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals("headwater.consumer.transient.retries"))
                .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(p -> p.getValue()).sum();
    }
}
