package dev.headwater.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwater.contract.DataContract;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TopicLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What provisioning a tenant creates, as Strimzi custom resources for a cluster run by the Strimzi operator: a
 * {@code KafkaTopic} per topic {@link TenantProvisioning#provision} would create (the contracts' topics and dead-letter
 * topics, with the tenant's partitions, replication factor, {@code min.insync.replicas}, retention and cleanup
 * policy), and a {@code KafkaUser} for the tenant with its quotas (the policy's byte rates) and the ACLs
 * {@link TenantAccess} provisions.
 * The resources are {@code kafka.strimzi.io/v1}, labelled with the cluster they belong to, in the environment whose
 * policy overrides were applied.
 */
public final class StrimziExport {

    /** The API version of the resources. */
    public static final String API_VERSION = "kafka.strimzi.io/v1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KUBERNETES_NAME = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final TenantPolicy policy;
    private final List<String> topics;
    private final String cluster;
    private final String descriptorTopic;
    private final List<Problem> problems;

    private StrimziExport(TenantPolicy policy, List<String> topics, String cluster, String descriptorTopic,
            List<Problem> problems) {
        this.policy = policy;
        this.topics = List.copyOf(topics);
        this.cluster = cluster;
        this.descriptorTopic = descriptorTopic;
        this.problems = List.copyOf(problems);
    }

    /**
     * @param policy the tenant's policy, with its environment's overrides applied
     * @param contracts the tenant's contracts
     * @param cluster the name of the Strimzi {@code Kafka} resource the topics and user belong to
     * @return the export; topics outside the tenant's namespaces are left out and listed in {@link #problems()}
     */
    public static StrimziExport of(TenantPolicy policy, Collection<DataContract> contracts, String cluster) {
        return of(policy, contracts, cluster, LineageDescriptors.DEFAULT_TOPIC);
    }

    /**
     * @param policy the tenant's policy, with its environment's overrides applied
     * @param contracts the tenant's contracts
     * @param cluster the name of the Strimzi {@code Kafka} resource
     * @param descriptorTopic the lineage descriptor topic governed producers publish to
     * @return the export
     */
    public static StrimziExport of(TenantPolicy policy, Collection<DataContract> contracts, String cluster,
            String descriptorTopic) {
        Objects.requireNonNull(policy, "policy");
        if (cluster == null || !KUBERNETES_NAME.matcher(cluster).matches()) {
            throw new IllegalArgumentException("cluster '" + cluster + "' is not a Kubernetes name: the name of "
                    + "the Strimzi Kafka resource, such as my-cluster");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (DataContract contract : contracts) {
            wanted.addAll(contract.topics());
            if (!contract.deadLetterTopic().isEmpty()) {
                wanted.add(contract.deadLetterTopic());
            }
        }
        List<String> topics = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (String topic : wanted) {
            try {
                policy.checkWrite(topic);
                topics.add(topic);
            } catch (GuardrailViolationException e) {
                problems.add(new Problem("guardrails", topic, e.getMessage()));
            }
        }
        return new StrimziExport(policy, topics, cluster, descriptorTopic, problems);
    }

    /** @return the topics exported, as provisioning would create them */
    public List<String> topics() {
        return topics;
    }

    /** @return topics of the contracts left out because the tenant may not own them */
    public List<Problem> problems() {
        return problems;
    }

    /** @return every resource: a KafkaTopic per topic, then the tenant's KafkaUser */
    public List<ObjectNode> resources() {
        List<ObjectNode> resources = new ArrayList<>();
        topics.forEach(topic -> resources.add(kafkaTopic(topic)));
        resources.add(kafkaUser());
        return resources;
    }

    /** @return the resources as one YAML stream, documents separated by {@code ---} */
    public String toYaml() {
        StringBuilder yaml = new StringBuilder("# Generated by Headwater from the policy of tenant "
                + policy.tenant() + " and its contracts: what provisioning creates, for the Strimzi operator\n");
        for (ObjectNode resource : resources()) {
            yaml.append("---\n").append(Documents.dump(JSON.convertValue(resource, Object.class)));
        }
        return yaml.toString();
    }

    private ObjectNode kafkaTopic(String topic) {
        TopicLimits limits = policy.topicLimits();
        ObjectNode resource = header("KafkaTopic", kubernetesName(topic));
        ObjectNode spec = resource.putObject("spec");
        if (!KUBERNETES_NAME.matcher(topic).matches() || topic.length() > 253) {
            spec.put("topicName", topic);
        }
        spec.put("partitions", limits.defaultPartitions());
        spec.put("replicas", (int) limits.minReplicationFactor());
        ObjectNode config = spec.putObject("config");
        config.put("min.insync.replicas", Integer.toString(limits.minInSyncReplicas()));
        config.put("retention.ms", Long.toString(limits.maxRetentionMs()));
        config.put("cleanup.policy", limits.cleanupPolicy());
        return resource;
    }

    private ObjectNode kafkaUser() {
        ObjectNode resource = header("KafkaUser", kubernetesName(policy.tenant()));
        ObjectNode spec = resource.putObject("spec");
        spec.putObject("authentication").put("type", "scram-sha-512");
        ObjectNode authorization = spec.putObject("authorization").put("type", "simple");
        ArrayNode acls = authorization.putArray("acls");
        for (TenantAccess.Grant grant : TenantAccess.grants(policy, descriptorTopic)) {
            ObjectNode acl = acls.addObject();
            acl.putObject("resource").put("type", grant.resourceType()).put("name", grant.name())
                    .put("patternType", grant.prefix() ? "prefix" : "literal");
            ArrayNode operations = acl.putArray("operations");
            grant.operations().forEach(operations::add);
            acl.put("host", "*");
        }
        ObjectNode quotas = JSON.createObjectNode();
        if (policy.produceQuota().bytesPerSecond() > 0) {
            quotas.put("producerByteRate", policy.produceQuota().bytesPerSecond());
        }
        if (policy.consumeQuota().bytesPerSecond() > 0) {
            quotas.put("consumerByteRate", policy.consumeQuota().bytesPerSecond());
        }
        if (!quotas.isEmpty()) {
            spec.set("quotas", quotas);
        }
        return resource;
    }

    private ObjectNode header(String kind, String name) {
        ObjectNode resource = JSON.createObjectNode();
        resource.put("apiVersion", API_VERSION);
        resource.put("kind", kind);
        ObjectNode metadata = resource.putObject("metadata");
        metadata.put("name", name);
        metadata.putObject("labels").put("strimzi.io/cluster", cluster)
                .put("headwater.dev/tenant", policy.tenant());
        return resource;
    }

    /** A topic's name as a Kubernetes resource name: as it is when it is one, else made one and kept unique. */
    static String kubernetesName(String topic) {
        if (KUBERNETES_NAME.matcher(topic).matches() && topic.length() <= 253) {
            return topic;
        }
        String cleaned = topic.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+", "")
                .replaceAll("[^a-z0-9]+$", "");
        String hash = Integer.toHexString(java.util.Arrays.hashCode(topic.getBytes(StandardCharsets.UTF_8)));
        String name = (cleaned.isEmpty() ? "topic" : cleaned);
        return (name.length() > 240 ? name.substring(0, 240) : name) + "-" + hash;
    }

    /** @return the resource of a kind and name, if exported */
    JsonNode resource(String kind, String name) {
        return resources().stream().filter(r -> r.path("kind").asText().equals(kind)
                && r.path("metadata").path("name").asText().equals(name)).findFirst().orElse(null);
    }
}
