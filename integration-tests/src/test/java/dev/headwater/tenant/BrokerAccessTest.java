package dev.headwater.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.pipeline.Problem;
import dev.headwater.pipeline.TenantAccess;
import dev.headwater.pipeline.TenantProvisioner;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.support.Polling;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The tenant guardrails made real at the brokers: on a cluster with an authorizer and SASL users, ACLs provisioned
 * from each tenant's policy refuse a plain client of one tenant that writes into another's topic or reads one it is
 * not granted, while the governed clients of each tenant work; drift names an ACL changed by hand.
 */
class BrokerAccessTest {

    private static final String RETAIL = "User:retail-app";
    private static final String PAYMENTS = "User:payments-app";

    private static Map<String, Object> as(EmbeddedKafkaCluster kafka, String user, String password) {
        Map<String, Object> settings = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";"));
        settings.put("max.block.ms", 10_000);
        settings.put("default.api.timeout.ms", 10_000);
        return settings;
    }

    private static TenantPolicy policy(String tenant, List<String> reads) {
        return TenantPolicy.builder(tenant).owns(List.of("{tenant}.{domain}.{dataset}.v{major}",
                "{tenant}.{domain}.{dataset}.v{major}.dlq")).reads(reads)
                .topicLimits(new TopicLimits(1, 1, 4, (short) 1, 1, 86_400_000L, "delete")).build();
    }

    @Test
    void aPlainClientOfOneTenantIsRefusedByTheBrokerWhileEachTenantsGovernedClientsWork() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().port(port).authorizer()
                .saslPlainUser("retail-app", "retail-pw").saslPlainUser("payments-app", "payments-pw").build()
                .start()) {
            TenantPolicy retail = policy("retail", List.of("payments.settlement.batches.v1"));
            TenantPolicy payments = policy("payments", List.of());
            TenantProvisioner provisioner = new TenantProvisioner(kafka.admin());
            provisioner.provision(retail, List.of("retail.orders.placed.v1"));
            provisioner.provision(payments, List.of("payments.settlement.batches.v1", "payments.ledger.entries.v1"));
            provisioner.provisionLineageTopic(LineageDescriptors.DEFAULT_TOPIC, (short) 1);
            assertThat(TenantAccess.drift(kafka.admin(), retail, RETAIL)).as("nothing granted yet").isNotEmpty();
            assertThat(TenantAccess.provision(kafka.admin(), retail, RETAIL)).isNotEmpty();
            assertThat(TenantAccess.provision(kafka.admin(), payments, PAYMENTS)).isNotEmpty();
            Polling.await("the tenants' ACLs reach the brokers", () -> TenantAccess.drift(kafka.admin(), retail,
                    RETAIL).isEmpty() && TenantAccess.drift(kafka.admin(), payments, PAYMENTS).isEmpty(),
                    Duration.ofSeconds(30));
            assertThat(TenantAccess.provision(kafka.admin(), retail, RETAIL)).as("idempotent").isEmpty();
            // the Strimzi export's KafkaUser grants what provisioning created, no more, no less
            var user = dev.headwater.pipeline.StrimziExport.of(retail, List.of(), "my-cluster").resources().get(0);
            java.util.Set<String> exported = new java.util.TreeSet<>();
            user.path("spec").path("authorization").path("acls").forEach(acl -> acl.path("operations").forEach(op ->
                    exported.add(acl.path("resource").path("type").asText().toLowerCase(java.util.Locale.ROOT) + " "
                            + acl.path("resource").path("name").asText() + " "
                            + acl.path("resource").path("patternType").asText() + " "
                            + op.asText().toLowerCase(java.util.Locale.ROOT))));
            java.util.Set<String> provisioned = new java.util.TreeSet<>();
            kafka.admin().describeAcls(new org.apache.kafka.common.acl.AclBindingFilter(
                    org.apache.kafka.common.resource.ResourcePatternFilter.ANY,
                    new org.apache.kafka.common.acl.AccessControlEntryFilter(RETAIL, null, AclOperation.ANY,
                            AclPermissionType.ANY))).values().get().forEach(binding -> provisioned.add(
                    binding.pattern().resourceType().name().toLowerCase(java.util.Locale.ROOT).replace("_", "")
                            + " " + binding.pattern().name() + " "
                            + (binding.pattern().patternType() == PatternType.PREFIXED ? "prefix" : "literal") + " "
                            + binding.entry().operation().name().toLowerCase(java.util.Locale.ROOT).replace("_", "")));
            assertThat(provisioned).isEqualTo(exported);

            Map<String, Object> retailApp = as(kafka, "retail-app", "retail-pw");
            Map<String, Object> paymentsApp = as(kafka, "payments-app", "payments-pw");

            // a plain producer of retail writing into a payments topic: the broker refuses
            try (var plain = new KafkaProducer<>(retailApp, new StringSerializer(), new StringSerializer())) {
                assertThatThrownBy(() -> plain.send(new ProducerRecord<>("payments.ledger.entries.v1", "k", "v")).get())
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(TopicAuthorizationException.class)
                        .hasMessageContaining("payments.ledger.entries.v1");
            }
            // a plain consumer of retail reading a payments topic it is not granted: refused; a granted one: read
            Map<String, Object> reader = new HashMap<>(retailApp);
            reader.put("group.id", "retail.settlement-reader");
            reader.put("auto.offset.reset", "earliest");
            try (var plain = new KafkaConsumer<>(reader, new StringDeserializer(), new StringDeserializer())) {
                plain.subscribe(List.of("payments.ledger.entries.v1"));
                assertThatThrownBy(() -> plain.poll(Duration.ofSeconds(10)))
                        .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining("payments.ledger.entries.v1");
            }

            // each tenant's governed clients work: payments writes its ledger and settlements, retail reads the
            // settlements it is granted, and writes its orders
            try (var ledger = GovernedProducer.<String, String>builder().kafkaProperties(paymentsApp)
                    .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                    .application("payments-service", "2.0").tenantPolicy(payments).build()) {
                assertThat(ledger.send("payments.ledger.entries.v1", "p-1", "{}").join().outcome())
                        .isEqualTo(SendResult.Outcome.SENT);
                assertThat(ledger.send("payments.settlement.batches.v1", "s-1", "{}").join().outcome())
                        .isEqualTo(SendResult.Outcome.SENT);
            }
            try (var orders = GovernedProducer.<String, String>builder().kafkaProperties(retailApp)
                    .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                    .application("orders-service", "1.0").tenantPolicy(retail).build()) {
                assertThat(orders.send("retail.orders.placed.v1", "o-1", "{}").join().outcome())
                        .isEqualTo(SendResult.Outcome.SENT);
            }
            Map<String, Object> governedReader = new HashMap<>(retailApp);
            governedReader.put("group.id", "retail.settlements");
            List<String> handled = new ArrayList<>();
            var consumer = GovernedConsumer.<String, String>builder().kafkaProperties(governedReader)
                    .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                    .topics("payments.settlement.batches.v1").tenantPolicy(retail).handler(r -> handled.add(r.key()))
                    .build();
            try {
                Polling.pollUntil(consumer, () -> !handled.isEmpty(), Duration.ofSeconds(30));
            } finally {
                consumer.close();
            }
            assertThat(handled).containsExactly("s-1");

            // an ACL changed by hand: one removed, one added; drift names both
            AclBinding write = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "retail.", PatternType.PREFIXED),
                    new AccessControlEntry(RETAIL, "*", AclOperation.WRITE, AclPermissionType.ALLOW));
            AclBinding extra = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "payments.ledger.entries.v1",
                    PatternType.LITERAL), new AccessControlEntry(RETAIL, "*", AclOperation.READ,
                    AclPermissionType.ALLOW));
            kafka.admin().deleteAcls(List.of(write.toFilter())).all().get();
            kafka.admin().createAcls(List.of(extra)).all().get();
            // the brokers learn of ACL changes from the controller shortly after it accepted them
            Polling.await("the ACL changes reach the brokers", () -> TenantAccess.drift(kafka.admin(), retail, RETAIL)
                    .size() == 2, Duration.ofSeconds(30));
            List<Problem> drift = TenantAccess.drift(kafka.admin(), retail, RETAIL);
            assertThat(drift).extracting(Problem::toString).hasSize(2)
                    .anySatisfy(p -> assertThat(p).contains("topic retail.*").contains("ACL missing")
                            .contains("WRITE"))
                    .anySatisfy(p -> assertThat(p).contains("topic payments.ledger.entries.v1")
                            .contains("ACL not in the policy").contains("READ"));
        }
    }
}
