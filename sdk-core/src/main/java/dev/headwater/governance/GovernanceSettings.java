package dev.headwater.governance;

import dev.headwater.SharedResources;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.protection.FieldProtection;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;
import java.util.Objects;

/**
 * What one governed client is governed by, whatever its route: the settings the write and read pipelines are built
 * from, once per client, by the builders that extend {@link HeadwaterClientBuilder}. Immutable.
 *
 * @param client the client's kind, such as {@code GovernedProducer}, for messages
 * @param application the application's name; empty when not set (consumers)
 * @param applicationVersion its version, may be empty
 * @param tenant the tenant, may be empty
 * @param tenantPolicy the tenant's policy, or null
 * @param registry the schema registry client, or null without a contract
 * @param openTelemetry where spans and metrics go
 * @param datasetEvents where topics in use are reported (the client closes them)
 * @param descriptorTopic the compacted topic of lineage descriptors
 * @param kafka the client's Kafka settings, inherited by every internal client
 * @param clientId the client's id, for telemetry and internal clients' ids
 * @param sharedResources quotas, registry clients and metric registrations shared with other clients
 * @param fieldProtection the keys that seal and open the contract's protected fields; {@link FieldProtection#NONE}
 *     without
 * @param environment the environment the client runs in (dev, test, prod, ...), empty when not said: it picks each
 *     rule's enforcement
 * @param ruleEnforcement the platform's overrides of rules' enforcement, by {@code subject:rule} or rule name
 */
public record GovernanceSettings(String client, String application, String applicationVersion, String tenant,
        TenantPolicy tenantPolicy, SchemaRegistryClient registry, OpenTelemetry openTelemetry,
        DatasetEvents datasetEvents, String descriptorTopic, Map<String, Object> kafka, String clientId,
        SharedResources sharedResources, FieldProtection fieldProtection, String environment,
        Map<String, dev.headwater.contract.Enforcement> ruleEnforcement) {

    /** Checks that what is required is there. */
    public GovernanceSettings {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(applicationVersion, "applicationVersion");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        Objects.requireNonNull(datasetEvents, "datasetEvents");
        Objects.requireNonNull(descriptorTopic, "descriptorTopic");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(sharedResources, "sharedResources");
        Objects.requireNonNull(fieldProtection, "fieldProtection");
        Objects.requireNonNull(environment, "environment");
        ruleEnforcement = Map.copyOf(ruleEnforcement);
    }

    /** @return the cluster's bootstrap servers as configured, or empty */
    public String bootstrapServers() {
        Object servers = kafka.get("bootstrap.servers");
        if (servers instanceof java.util.Collection<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return servers == null ? "" : String.valueOf(servers);
    }

    /** Settings are printed without the Kafka settings, which may hold secrets. */
    @Override
    public String toString() {
        return "GovernanceSettings{" + client + ", application=" + application + ", tenant=" + tenant + ", clientId="
                + clientId + "}";
    }
}
