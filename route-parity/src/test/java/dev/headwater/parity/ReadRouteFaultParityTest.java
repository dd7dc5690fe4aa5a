package dev.headwater.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.SharedResources;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The read side's parity table for the faults that concern a whole consumer rather than one record, on every
 * consuming route: the schema registry briefly down (nothing dead-lettered, every record handled once it is back), the
 * tenant's consume quota reached (the route waits, nothing is lost), and a topic the tenant may not read (refused
 * before anything is read, where the route can refuse).
 */
@HeadwaterTest
class ReadRouteFaultParityTest {

    private static final int RECORDS = 6;

    @ParameterizedTest
    @EnumSource(ReadRoute.Kind.class)
    void aRegistryBrieflyDownDeadLettersNothingAndEveryRecordIsHandledOnceItIsBack(ReadRoute.Kind kind,
            EmbeddedKafkaCluster kafka, @TempDir Path dir) throws Exception {
        String tenant = kind.tenant() + "outage";
        String topic = Parity.topic(tenant, "outage");
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(Parity.deadLetterTopic(tenant), 1, (short) 1);
        Path journal = dir.resolve("registry.journal");
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(0, journal);
        int port = registry.port();
        String url = registry.url();
        DataContract contract = Parity.contract(tenant, List.of("outage"));
        write(kafka, url, contract, topic, RECORDS);
        registry.close(); // down before the route has read a schema

        Parity.Telemetry telemetry = new Parity.Telemetry();
        try (ReadRoute route = open(kind, kafka, url, tenant, contract, topic, null, dir, telemetry)) {
            Parity.await("the route meets the outage", () -> !Parity.metrics(telemetry.metrics.collectAllMetrics(), tenant,
                    java.util.Set.of("headwater.consumer.transient.retries")).isEmpty()
                    || route.seen().containsKey("poll"), Duration.ofSeconds(30));
            assertThat(handled(route, topic)).as("handled while the registry is down").isZero();
            assertThat(Parity.readAll(kafka.bootstrapServers(), Parity.deadLetterTopic(tenant)))
                    .as("dead letters while the registry is down").isEmpty();

            registry = EmbeddedSchemaRegistry.start(port, journal); // back, with every schema it had
            Parity.await("every record handled once the registry is back", () -> handled(route, topic) >= RECORDS,
                    Duration.ofSeconds(60));
        } finally {
            registry.close();
            telemetry.close();
        }
        assertThat(Parity.readAll(kafka.bootstrapServers(), Parity.deadLetterTopic(tenant)))
                .as("dead letters for a transient fault").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ReadRoute.Kind.class)
    void aConsumeQuotaMakesTheRouteWaitAndLosesNothing(ReadRoute.Kind kind, EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry, @TempDir Path dir) throws Exception {
        String tenant = kind.tenant() + "quota";
        String topic = Parity.topic(tenant, "quota");
        kafka.createTopic(topic, 1, (short) 1);
        kafka.createTopic(Parity.deadLetterTopic(tenant), 1, (short) 1);
        DataContract contract = Parity.contract(tenant, List.of("quota"));
        write(kafka, registry.url(), contract, topic, RECORDS);

        Parity.Telemetry telemetry = new Parity.Telemetry();
        try (ReadRoute route = open(kind, kafka, registry.url(), tenant, contract, topic,
                "{recordsPerSecond: 2}", dir, telemetry)) {
            Parity.await("every record handled", () -> handled(route, topic) >= RECORDS, Duration.ofSeconds(60));
            List<String> throttled = Parity.metrics(telemetry.metrics.collectAllMetrics(), tenant,
                    java.util.Set.of("headwater.tenant.quota.throttled", "headwater.tenant.quota.records"));
            assertThat(throttled).as("the tenant's consume quota, waited for").contains(
                    "headwater.tenant.quota.records {headwater.quota.direction=consume, headwater.tenant=ROUTE} = "
                            + RECORDS,
                    "headwater.tenant.quota.throttled {headwater.quota.direction=consume, headwater.tenant=ROUTE} = > 0");
        } finally {
            telemetry.close();
        }
        assertThat(Parity.readAll(kafka.bootstrapServers(), Parity.deadLetterTopic(tenant))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ReadRoute.Kind.class, names = {"GOVERNED_CONSUMER", "SPRING_LISTENER"})
    void aTopicTheTenantMayNotReadIsRefusedBeforeAnythingIsRead(ReadRoute.Kind kind, EmbeddedKafkaCluster kafka,
            EmbeddedSchemaRegistry registry, @TempDir Path dir) {
        String tenant = kind.tenant() + "guard";
        String topic = Parity.guardrailTopic(tenant);
        kafka.createTopic(topic, 1, (short) 1);
        DataContract contract = Parity.contract(tenant, List.of("guard"));
        Parity.Telemetry telemetry = new Parity.Telemetry();
        try {
            assertThatThrownBy(() -> open(kind, kafka, registry.url(), tenant, contract, topic, null, dir, telemetry)
                    .close())
                    .satisfies(e -> assertThat(Parity.find(e, GuardrailViolationException.class)).as("the guardrail refusal in %s", e).isNotNull()
                            .extracting(Throwable::getMessage).asString()
                            .isEqualTo("Tenant '" + tenant + "' may not read topic '" + topic + "': it is outside "
                                    + "the namespaces the tenant owns [{tenant}.{domain}.{dataset}.v{major}] and may "
                                    + "read []. Ask the topic's owner to grant read access in the tenant's policy."));
        } finally {
            telemetry.close();
        }
    }

    private static ReadRoute open(ReadRoute.Kind kind, EmbeddedKafkaCluster kafka, String registryUrl, String tenant,
            DataContract contract, String topic, String consumeQuota, Path dir, Parity.Telemetry telemetry) {
        String policy = Parity.policyYaml(tenant, null, consumeQuota);
        String yaml = Parity.contractYaml(tenant, contract.topics().stream().filter(t -> t.startsWith(tenant + "."))
                .map(t -> t.substring((tenant + ".payments.").length(), t.length() - ".v1".length())).toList());
        return kind.open(new ReadRoute.Setup(kafka.bootstrapServers(), registryUrl, contract,
                Parity.write(dir, tenant + "-contract.yaml", yaml), Parity.policy(policy),
                Parity.write(dir, tenant + "-policy.yaml", policy), telemetry.sdk, List.of(topic), tenant + "-group"));
    }

    private static void write(EmbeddedKafkaCluster kafka, String registryUrl, DataContract contract, String topic,
            int records) {
        Schema schema = new Schema.Parser().parse(Parity.SCHEMA);
        try (GovernedProducer<String, Object> producer = GovernedProducer.<String, Object>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .schemaRegistry(registryUrl)
                .contract(contract)
                .application("parity-writer", "")
                .sharedResources(SharedResources.create())
                .build()) {
            for (int i = 0; i < records; i++) {
                producer.send(topic, "key-" + i, WriteRouteParityTest.payment(schema, 12.5, "EUR", "7")).join();
            }
        }
    }

    private static long handled(ReadRoute route, String topic) {
        return route.seen().getOrDefault(topic, List.of()).stream().filter(line -> line.startsWith("handled"))
                .count();
    }
}
