package dev.headwater.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.headwater.contract.DataContract;
import dev.headwater.fixtures.Vendored;
import dev.headwater.tenant.TenantPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class StrimziExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            tenant: retail
            owns: ["{tenant}.{domain}.{dataset}.v{major}", "{tenant}.{domain}.{dataset}.v{major}.dlq"]
            reads: ["payments.settlements.v1", "shared.*"]
            topics: {defaultPartitions: 3, maxPartitions: 12, minReplicationFactor: 1, minInSyncReplicas: 1,
                     maxRetentionMs: 604800000, cleanupPolicy: delete}
            quotas:
              produce: {recordsPerSecond: 1000, bytesPerSecond: 1048576}
              consume: {bytesPerSecond: 2097152}
            environments:
              prod:
                topics: {defaultPartitions: 6, minReplicationFactor: 3, minInSyncReplicas: 2}
            """;

    private static DataContract orders() {
        return DataContract.load(Path.of("../sdk-core/src/test/resources/contracts/orders.yaml"));
    }

    private static TenantPolicy policy(String environment) {
        return TenantPolicy.parse(POLICY, "tenant-retail.yaml", environment);
    }

    /** The {@code openAPIV3Schema} of a Strimzi CRD, as JSON Schema. */
    private static JsonSchema crdSchema(String file) throws IOException {
        Map<String, Object> crd = new Yaml().load(Files.readString(Vendored.requirePlatform("strimzi/" + file)));
        JsonNode versions = JSON.valueToTree(crd).path("spec").path("versions");
        JsonNode served = null;
        for (JsonNode version : versions) {
            if (version.path("name").asText().equals("v1")) {
                served = version.path("schema").path("openAPIV3Schema");
            }
        }
        assertThat(served).as("%s serves kafka.strimzi.io/v1", file).isNotNull();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(served);
    }

    @Test
    void everyResourceValidatesAgainstStrimzisOwnCrdSchemas() throws IOException {
        JsonSchema topicSchema = crdSchema("043-Crd-kafkatopic.yaml");
        JsonSchema userSchema = crdSchema("044-Crd-kafkauser.yaml");
        StrimziExport export = StrimziExport.of(policy("prod"), List.of(orders()), "my-cluster");
        List<String> problems = new ArrayList<>();
        for (JsonNode resource : export.resources()) {
            JsonSchema schema = resource.path("kind").asText().equals("KafkaTopic") ? topicSchema : userSchema;
            for (ValidationMessage message : schema.validate(resource)) {
                problems.add(resource.path("metadata").path("name").asText() + ": " + message.getMessage());
            }
        }
        assertThat(problems).isEmpty();
        // and the YAML stream reads back as the same resources
        List<Object> documents = new ArrayList<>();
        new Yaml().loadAll(export.toYaml()).forEach(documents::add);
        JsonNode read = JSON.readTree(JSON.writeValueAsString(documents));
        JsonNode exported = JSON.readTree(JSON.writeValueAsString(export.resources()));
        assertThat(read.equals(exported)).as("the YAML reads back as the resources: %s", read).isTrue();
    }

    @Test
    void aSchemaViolationIsFoundSoTheValidationIsReal() throws IOException {
        JsonSchema topicSchema = crdSchema("043-Crd-kafkatopic.yaml");
        JsonNode topic = StrimziExport.of(policy("prod"), List.of(orders()), "my-cluster").resources().get(0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) topic.path("spec")).put("partitions", "three");
        assertThat(topicSchema.validate(topic)).isNotEmpty();
    }

    @Test
    void topicsCarryTheEnvironmentsDefaultsAndTheUserItsQuotasAndAcls() {
        StrimziExport export = StrimziExport.of(policy("prod"), List.of(orders()), "my-cluster");
        assertThat(export.topics()).containsExactly("retail.orders.placed.v1", "retail.orders.placed.v1.dlq");
        JsonNode topic = export.resource("KafkaTopic", "retail.orders.placed.v1");
        assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo("my-cluster");
        assertThat(topic.path("spec").path("partitions").asInt()).isEqualTo(6);
        assertThat(topic.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(topic.path("spec").path("config").path("min.insync.replicas").asText()).isEqualTo("2");
        assertThat(topic.path("spec").path("config").path("retention.ms").asText()).isEqualTo("604800000");
        assertThat(topic.path("spec").path("config").path("cleanup.policy").asText()).isEqualTo("delete");
        assertThat(StrimziExport.of(policy(null), List.of(orders()), "my-cluster")
                .resource("KafkaTopic", "retail.orders.placed.v1").path("spec").path("partitions").asInt())
                .isEqualTo(3);

        JsonNode user = export.resource("KafkaUser", "retail");
        assertThat(user.path("spec").path("quotas").path("producerByteRate").asLong()).isEqualTo(1_048_576);
        assertThat(user.path("spec").path("quotas").path("consumerByteRate").asLong()).isEqualTo(2_097_152);
        List<String> acls = new ArrayList<>();
        user.path("spec").path("authorization").path("acls").forEach(acl -> acls.add(
                acl.path("resource").path("type").asText() + " " + acl.path("resource").path("patternType").asText()
                        + " " + acl.path("resource").path("name").asText() + " " + acl.path("operations")));
        assertThat(acls).containsExactly(
                "topic prefix retail. [\"Read\",\"Write\",\"Describe\",\"DescribeConfigs\",\"Create\"]",
                "topic literal payments.settlements.v1 [\"Read\",\"Describe\"]",
                "topic prefix shared. [\"Read\",\"Describe\"]",
                "group prefix retail. [\"Read\",\"Describe\"]",
                "transactionalId prefix retail. [\"Write\",\"Describe\"]",
                "topic literal _headwater-lineage [\"Write\",\"Read\",\"Describe\"]");
    }

    @Test
    void aTopicNameThatIsNotAKubernetesNameKeepsItsNameInTheSpec() {
        assertThat(StrimziExport.kubernetesName("retail.orders.placed.v1")).isEqualTo("retail.orders.placed.v1");
        String name = StrimziExport.kubernetesName("retail.Orders_Placed.v1");
        assertThat(name).matches("retail\\.orders-placed\\.v1-[0-9a-f]+");
        assertThat(StrimziExport.kubernetesName("retail.Orders_placed.v1")).isNotEqualTo(name);
        assertThatThrownBy(() -> StrimziExport.of(policy(null), List.of(orders()), "My_Cluster"))
                .hasMessageContaining("'My_Cluster' is not a Kubernetes name");
        assertThat(Set.of(StrimziExport.API_VERSION)).containsExactly("kafka.strimzi.io/v1");
    }
}
