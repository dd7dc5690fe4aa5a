package dev.headwater.pipeline;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.DataContract;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.tenant.TopicLimits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;

/**
 * Keeps the broker in step with tenant policies through Kafka's Admin client: creates a tenant's topics with its
 * defaults (idempotent), reports drift of existing topics from its limits, and sets broker-side client quotas so the
 * broker enforces what the client does. Thread safe; the Admin client is the caller's.
 */
public final class TenantProvisioner {

    private final Admin admin;

    /** @param admin an admin client of the cluster; not closed by the provisioner */
    public TenantProvisioner(Admin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    /**
     * One setting of one topic that breaks the tenant's policy.
     *
     * @param topic the topic
     * @param setting the setting, such as {@code partitions} or {@code min.insync.replicas}
     * @param actual the topic's value
     * @param allowed what the policy allows
     */
    public record Drift(String topic, String setting, String actual, String allowed) {
        @Override
        public String toString() {
            return topic + ": " + setting + " is " + actual + ", policy allows " + allowed;
        }
    }

    /**
     * What provisioning did.
     *
     * @param created topics created now
     * @param existing topics that already existed (check them with {@link #drift})
     */
    public record Report(List<String> created, List<String> existing) {
    }

    /**
     * Creates the topics of a tenant's contracts (each contract's topics and dead-letter topic) that do not exist.
     *
     * @param policy the tenant's policy
     * @param contracts the contracts
     * @return what was created
     * @throws GuardrailViolationException when a contract names a topic outside the tenant's namespaces
     */
    public Report provisionContracts(TenantPolicy policy, Collection<DataContract> contracts) {
        Set<String> topics = new LinkedHashSet<>();
        for (DataContract contract : contracts) {
            topics.addAll(contract.topics());
            if (!contract.deadLetterTopic().isEmpty()) {
                topics.add(contract.deadLetterTopic());
            }
        }
        return provision(policy, topics);
    }

    /**
     * Creates topics with the tenant's defaults: default partitions, the minimum replication factor and
     * {@code min.insync.replicas}, the maximum retention and the cleanup policy. Existing topics are left as they are.
     *
     * @param policy the tenant's policy
     * @param topics the topics
     * @return what was created
     * @throws GuardrailViolationException when a topic is outside the tenant's namespaces; nothing is created then
     */
    public Report provision(TenantPolicy policy, Collection<String> topics) {
        topics.forEach(policy::checkWrite);
        TopicLimits limits = policy.topicLimits();
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        for (String topic : topics) {
            NewTopic newTopic = new NewTopic(topic, limits.defaultPartitions(), limits.minReplicationFactor())
                    .configs(Map.of(
                            "min.insync.replicas", Integer.toString(limits.minInSyncReplicas()),
                            "retention.ms", Long.toString(limits.maxRetentionMs()),
                            "cleanup.policy", limits.cleanupPolicy()));
            try {
                admin.createTopics(List.of(newTopic)).all().get();
                created.add(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    existing.add(topic);
                } else {
                    throw new HeadwaterException("Could not create topic '" + topic + "' for tenant '"
                            + policy.tenant() + "': " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HeadwaterException("Interrupted while creating topic '" + topic + "'", e);
            }
        }
        return new Report(created, existing);
    }

    /**
     * Creates the compacted topic governed producers publish their lineage descriptors to (lineage format 2), for the
     * whole platform rather than one tenant: one partition, {@code cleanup.policy=compact}, so that a descriptor
     * outlives every record that refers to it. Producers create it themselves when they may; create it here when
     * they may not. An existing topic is left as it is.
     *
     * @param topic the topic, usually {@value dev.headwater.lineage.LineageDescriptors#DEFAULT_TOPIC}
     * @param replicationFactor its replication factor, such as 3 in production
     * @return true when it was created now, false when it existed
     */
    public boolean provisionLineageTopic(String topic, short replicationFactor) {
        Objects.requireNonNull(topic, "topic");
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor).configs(Map.of(
                    "cleanup.policy", "compact",
                    "min.insync.replicas", Integer.toString(Math.max(1, Math.min(2, replicationFactor - 1)))))))
                    .all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new HeadwaterException("Could not create lineage descriptor topic '" + topic + "' with replication "
                    + "factor " + replicationFactor + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while creating topic '" + topic + "'", e);
        }
    }

    /**
     * Reports how existing topics break the tenant's policy.
     *
     * @param policy the tenant's policy
     * @param topics the topics to check
     * @return every drift found; empty when all comply
     */
    public List<Drift> drift(TenantPolicy policy, Collection<String> topics) {
        TopicLimits limits = policy.topicLimits();
        List<Drift> drifts = new ArrayList<>();
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get();
            List<ConfigResource> resources = topics.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
            for (String topic : topics) {
                if (!policy.owns(topic)) {
                    drifts.add(new Drift(topic, "namespace", topic, "one of " + policy.owns()));
                }
                TopicDescription description = descriptions.get(topic);
                int partitions = description.partitions().size();
                if (partitions < limits.minPartitions() || partitions > limits.maxPartitions()) {
                    drifts.add(new Drift(topic, "partitions", Integer.toString(partitions),
                            limits.minPartitions() + ".." + limits.maxPartitions()));
                }
                int replication = description.partitions().get(0).replicas().size();
                if (replication < limits.minReplicationFactor()) {
                    drifts.add(new Drift(topic, "replication.factor", Integer.toString(replication),
                            ">= " + limits.minReplicationFactor()));
                }
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
                int minIsr = Integer.parseInt(value(config, "min.insync.replicas", "1"));
                if (minIsr < limits.minInSyncReplicas()) {
                    drifts.add(new Drift(topic, "min.insync.replicas", Integer.toString(minIsr),
                            ">= " + limits.minInSyncReplicas()));
                }
                long retention = Long.parseLong(value(config, "retention.ms", "-1"));
                if (limits.maxRetentionMs() >= 0 && (retention < 0 || retention > limits.maxRetentionMs())) {
                    drifts.add(new Drift(topic, "retention.ms", Long.toString(retention),
                            "<= " + limits.maxRetentionMs()));
                }
                String cleanup = value(config, "cleanup.policy", "delete");
                if (!cleanup.equals(limits.cleanupPolicy())) {
                    drifts.add(new Drift(topic, "cleanup.policy", cleanup, limits.cleanupPolicy()));
                }
            }
        } catch (ExecutionException e) {
            throw new HeadwaterException("Could not describe topics " + topics + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while describing topics " + topics, e);
        }
        return drifts;
    }

    /**
     * Sets broker-side quotas for the tenant's client id, so the broker enforces the byte rates the client enforces:
     * {@code producer_byte_rate} and {@code consumer_byte_rate} from the policy's quotas (when set).
     *
     * @param policy the tenant's policy
     * @param clientId the client id the tenant's producers and consumers use
     */
    public void applyBrokerQuotas(TenantPolicy policy, String clientId) {
        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
        if (policy.produceQuota().bytesPerSecond() > 0) {
            ops.add(new ClientQuotaAlteration.Op("producer_byte_rate",
                    (double) policy.produceQuota().bytesPerSecond()));
        }
        if (policy.consumeQuota().bytesPerSecond() > 0) {
            ops.add(new ClientQuotaAlteration.Op("consumer_byte_rate",
                    (double) policy.consumeQuota().bytesPerSecond()));
        }
        if (ops.isEmpty()) {
            return;
        }
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId));
        try {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, ops))).all().get();
        } catch (ExecutionException e) {
            throw new HeadwaterException("Could not set broker quotas for client id '" + clientId + "' of tenant '"
                    + policy.tenant() + "': " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while setting broker quotas", e);
        }
    }

    /**
     * Reports how the broker-side quotas of the tenant's client id differ from its policy: a byte rate the policy sets
     * that the broker does not enforce, or enforces at another rate.
     *
     * @param policy the tenant's policy
     * @param clientId the client id the tenant's producers and consumers use
     * @return every difference, as drift of setting {@code quota producer_byte_rate} or
     *     {@code quota consumer_byte_rate} of {@code client-id {clientId}}
     */
    public List<Drift> quotaDrift(TenantPolicy policy, String clientId) {
        Map<String, Double> expected = new LinkedHashMap<>();
        if (policy.produceQuota().bytesPerSecond() > 0) {
            expected.put("producer_byte_rate", (double) policy.produceQuota().bytesPerSecond());
        }
        if (policy.consumeQuota().bytesPerSecond() > 0) {
            expected.put("consumer_byte_rate", (double) policy.consumeQuota().bytesPerSecond());
        }
        if (expected.isEmpty()) {
            return List.of();
        }
        Map<String, Double> actual;
        try {
            ClientQuotaFilter filter = ClientQuotaFilter.containsOnly(List.of(
                    ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.CLIENT_ID, clientId)));
            actual = admin.describeClientQuotas(filter).entities().get().getOrDefault(
                    new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId)), Map.of());
        } catch (ExecutionException e) {
            throw new HeadwaterException("Could not read the broker quotas of client id '" + clientId + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while reading broker quotas", e);
        }
        List<Drift> drifts = new ArrayList<>();
        expected.forEach((key, rate) -> {
            Double enforced = actual.get(key);
            if (enforced == null || enforced.doubleValue() != rate.doubleValue()) {
                drifts.add(new Drift("client-id " + clientId, "quota " + key,
                        enforced == null ? "not set" : Long.toString(enforced.longValue()),
                        Long.toString(rate.longValue())));
            }
        });
        return drifts;
    }

    private static String value(Config config, String name, String fallback) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null ? fallback : entry.value();
    }
}
