package dev.headwater.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.TenantProvisioner;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.support.Contracts;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class TenantProvisioningTest {

    private static TenantPolicy policy(String tenant) {
        return TenantPolicy.builder(tenant)
                .owns(List.of("{tenant}.{domain}.{dataset}.v{major}", "{tenant}.{domain}.{dataset}.v{major}.dlq"))
                .reads(List.of("shared.{domain}.{dataset}.v{major}"))
                .topicLimits(new TopicLimits(2, 1, 4, (short) 1, 1, 86_400_000L, "delete"))
                .produceQuota(new Quota(0, 1_048_576, Quota.Mode.BLOCK, Duration.ofSeconds(1)))
                .consumeQuota(new Quota(0, 2_097_152, Quota.Mode.BLOCK, Duration.ofSeconds(1)))
                .build();
    }

    private static String tenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 6);
    }

    @Test
    void theStrimziExportDescribesExactlyWhatProvisioningCreated(EmbeddedKafkaCluster kafka) throws Exception {
        String tenant = tenant();
        TenantPolicy policy = policy(tenant);
        DataContract contract = Contracts.orders(tenant + ".orders.placed.v1");
        dev.headwater.pipeline.StrimziExport export = dev.headwater.pipeline.StrimziExport.of(policy,
                List.of(contract), "my-cluster");
        dev.headwater.pipeline.TenantProvisioning.Report provisioned = dev.headwater.pipeline.TenantProvisioning
                .provision(kafka.admin(), policy, List.of(contract), false);

        assertThat(export.topics()).containsExactlyElementsOf(provisioned.created());
        var described = kafka.admin().describeTopics(export.topics()).allTopicNames().get();
        var configs = kafka.admin().describeConfigs(export.topics().stream().map(topic ->
                new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic)).toList()).all().get();
        for (var resource : export.resources()) {
            if (!resource.path("kind").asText().equals("KafkaTopic")) {
                continue;
            }
            String topic = resource.path("spec").path("topicName").asText(resource.path("metadata").path("name")
                    .asText());
            var actual = described.get(topic);
            assertThat(resource.path("spec").path("partitions").asInt()).as(topic).isEqualTo(actual.partitions()
                    .size());
            assertThat(resource.path("spec").path("replicas").asInt()).as(topic).isEqualTo(actual.partitions().get(0)
                    .replicas().size());
            var config = configs.get(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic));
            resource.path("spec").path("config").fields().forEachRemaining(entry -> assertThat(
                    config.get(entry.getKey()).value()).as(topic + " " + entry.getKey())
                    .isEqualTo(entry.getValue().asText()));
        }
        var user = export.resources().get(export.resources().size() - 1);
        assertThat(user.path("kind").asText()).isEqualTo("KafkaUser");
        assertThat(user.path("spec").path("quotas").path("producerByteRate").asLong()).isEqualTo(1_048_576);
    }

    @Test
    void provisionsTheTopicsOfATenantsContractsWithItsDefaultsIdempotently(EmbeddedKafkaCluster kafka)
            throws Exception {
        String tenant = tenant();
        TenantPolicy policy = policy(tenant);
        DataContract contract = Contracts.orders(tenant + ".orders.placed.v1");
        TenantProvisioner provisioner = new TenantProvisioner(kafka.admin());

        TenantProvisioner.Report first = provisioner.provisionContracts(policy, List.of(contract));
        TenantProvisioner.Report second = provisioner.provisionContracts(policy, List.of(contract));

        assertThat(first.created()).containsExactly(tenant + ".orders.placed.v1", tenant + ".orders.placed.v1.dlq");
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).hasSize(2);
        String topic = tenant + ".orders.placed.v1";
        assertThat(kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                .hasSize(2);
        Config config = kafka.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get().values().iterator().next();
        assertThat(config.get("retention.ms").value()).isEqualTo("86400000");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
        assertThat(provisioner.drift(policy, List.of(topic))).isEmpty();
    }

    @Test
    void provisionsACompactedLineageDescriptorTopicOnce(EmbeddedKafkaCluster kafka) throws Exception {
        String topic = "_headwater-lineage-" + UUID.randomUUID().toString().substring(0, 8);
        TenantProvisioner provisioner = new TenantProvisioner(kafka.admin());

        assertThat(provisioner.provisionLineageTopic(topic, (short) 1)).isTrue();
        assertThat(provisioner.provisionLineageTopic(topic, (short) 1)).isFalse();

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = kafka.admin().describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(kafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                .hasSize(1);
    }

    @Test
    void reportsDriftOfTopicsThatBreakThePolicy(EmbeddedKafkaCluster kafka) throws Exception {
        String tenant = tenant();
        String topic = tenant + ".orders.legacy.v1";
        kafka.admin().createTopics(List.of(new NewTopic(topic, 8, (short) 1).configs(Map.of(
                "retention.ms", "-1", "cleanup.policy", "compact")))).all().get();

        List<TenantProvisioner.Drift> drift = new TenantProvisioner(kafka.admin()).drift(policy(tenant), List.of(topic));

        assertThat(drift).extracting(TenantProvisioner.Drift::setting)
                .containsExactlyInAnyOrder("partitions", "retention.ms", "cleanup.policy");
        assertThat(drift).extracting(Object::toString).contains(topic + ": partitions is 8, policy allows 1..4");
    }

    @Test
    void refusesToProvisionATopicOutsideTheTenantsNamespaces(EmbeddedKafkaCluster kafka) {
        TenantPolicy policy = policy(tenant());
        assertThatThrownBy(() -> new TenantProvisioner(kafka.admin()).provision(policy, List.of("other.x.y.v1")))
                .isInstanceOf(GuardrailViolationException.class).hasMessageContaining("other.x.y.v1");
    }

    @Test
    void setsBrokerQuotasForTheTenantsClientId(EmbeddedKafkaCluster kafka) throws Exception {
        String tenant = tenant();
        new TenantProvisioner(kafka.admin()).applyBrokerQuotas(policy(tenant), tenant + "-clients");

        var entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, tenant + "-clients"));
        Map<String, Double> quotas = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (quotas == null && System.nanoTime() < deadline) {
            // the controller applies the change asynchronously: poll until brokers report it
            quotas = kafka.admin().describeClientQuotas(ClientQuotaFilter.all()).entities().get().get(entity);
        }
        assertThat(quotas).containsEntry("producer_byte_rate", 1_048_576.0)
                .containsEntry("consumer_byte_rate", 2_097_152.0);
    }

    @Test
    void theGovernedProducerRefusesATopicOutsideTheTenantBeforeSendingAnything(EmbeddedKafkaCluster kafka) {
        String tenant = tenant();
        String foreign = Topics.unique("finance.ledger");
        try (var producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application("orders-service", "1.0").tenantPolicy(policy(tenant)).build()) {
            assertThatThrownBy(() -> producer.send(foreign, "k", "v").join())
                    .hasCauseInstanceOf(GuardrailViolationException.class)
                    .cause().hasMessageContaining("Tenant '" + tenant + "' may not write to topic '" + foreign + "'");
            assertThat(producer.send(tenant + ".orders.placed.v1", "k", "v").join().sent()).isTrue();
        }
        assertThat(Topics.read(kafka.bootstrapServers(), foreign, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void theGovernedConsumerRefusesToSubscribeOutsideWhatTheTenantMayRead(EmbeddedKafkaCluster kafka) {
        String tenant = tenant();
        assertThatThrownBy(() -> GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", "g"))
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics("finance.ledger.entries.v1").handler(r -> { }).tenantPolicy(policy(tenant)).build())
                .isInstanceOfSatisfying(GuardrailViolationException.class, e -> {
                    assertThat(e.rule()).isEqualTo("reads");
                    assertThat(e.getMessage()).contains("may not read topic 'finance.ledger.entries.v1'");
                });
    }
}
