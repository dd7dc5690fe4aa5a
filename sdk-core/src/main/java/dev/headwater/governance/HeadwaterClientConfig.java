package dev.headwater.governance;

import dev.headwater.SharedResources;
import dev.headwater.contract.DataContract;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.protection.FieldProtection;
import dev.headwater.registry.SchemaRegistryClientConfig;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@code headwater.*} settings every governed client takes, producing or consuming, declared once, as Kafka's
 * {@code CommonClientConfigs} declares what its producer and consumer share: {@code GovernedProducerConfig} and
 * {@code GovernedConsumerConfig} start from {@link #common()} and add their own, and {@link #apply} turns them into
 * builder settings the same way for every route (the governed clients' {@code fromProperties}, the serializer, Spring).
 *
 * <p>Besides text settings, three keys take objects, for frameworks that configure clients by a map:
 * {@value #OPENTELEMETRY} (an {@code OpenTelemetry}), {@value #CONTRACTS} (a collection of {@link DataContract}s, in
 * place of {@value #CONTRACT_FILE}) and {@value #SHARED_RESOURCES} (a {@link SharedResources}).
 */
public final class HeadwaterClientConfig {

    /** The application's name: written into every record's lineage by producers, reported by consumers. */
    public static final String APPLICATION_NAME = "headwater.application.name";
    /** The application's version. */
    public static final String APPLICATION_VERSION = "headwater.application.version";
    /** The contract file(s): a path, {@code classpath:} resource or URL; comma-separated where a client takes several. */
    public static final String CONTRACT_FILE = "headwater.contract.file";
    /** The tenant policy file whose guardrails and quotas apply. */
    public static final String TENANT_POLICY_FILE = "headwater.tenant.policy.file";
    /** The environment the client runs in: it picks the tenant policy's overrides and each rule's enforcement. */
    public static final String ENVIRONMENT = "headwater.environment";
    /** Rules observed here whatever their contract says: names, or {@code subject:rule}, comma-separated. */
    public static final String RULES_OBSERVE = "headwater.rules.observe";
    /** Rules enforced here whatever their contract says: names, or {@code subject:rule}, comma-separated. */
    public static final String RULES_ENFORCE = "headwater.rules.enforce";
    /** The tenant, when there is no policy file. */
    public static final String TENANT = "headwater.tenant";
    /** The compacted topic of lineage descriptors. */
    public static final String LINEAGE_DESCRIPTOR_TOPIC = "headwater.lineage.descriptor.topic";
    /** Object setting: the {@code OpenTelemetry} instance to report to; {@code GlobalOpenTelemetry} by default. */
    public static final String OPENTELEMETRY = "headwater.opentelemetry";
    /** Object setting: the contracts themselves, a {@code Collection} of {@link DataContract}. */
    public static final String CONTRACTS = "headwater.contracts";
    /** Object setting: the {@link SharedResources} to share quotas and registry clients through. */
    public static final String SHARED_RESOURCES = SharedResources.CONFIG_KEY;

    private static final Set<String> OBJECT_KEYS = Set.of(OPENTELEMETRY, CONTRACTS, SHARED_RESOURCES);

    private HeadwaterClientConfig() {
    }

    /** @return a new declaration of the settings every client takes, for a client's own to extend */
    public static ConfigDef common() {
        return new ConfigDef()
                .define(APPLICATION_NAME, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                        "The application's name: producers write it into every record's lineage; consumers report "
                        + "it with the topics they read.")
                .define(APPLICATION_VERSION, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                        "The application's version.")
                .define(CONTRACT_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                        "The data contract (YAML) to enforce: a file path, classpath:resource or URL. The serializer "
                        + "takes several, comma-separated: each governs the topics it lists.")
                .define(TENANT_POLICY_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                        "The tenant policy (YAML) whose guardrails and quotas apply: a file path, classpath:resource "
                        + "or URL.")
                .define(ENVIRONMENT, ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW,
                        "The environment (dev, test, prod, ...) the client runs in: it picks the tenant policy's "
                        + "overrides and how each rule is enforced (a rule's enforcement per environment).")
                .define(RULES_OBSERVE, ConfigDef.Type.LIST, "", ConfigDef.Importance.LOW,
                        "Rules observed (counted and sampled, the record passes) whatever their contract says: "
                        + "rule names, or subject:rule. The platform's override, needing no new contract version.")
                .define(RULES_ENFORCE, ConfigDef.Type.LIST, "", ConfigDef.Importance.LOW,
                        "Rules enforced whatever their contract says: rule names, or subject:rule.")
                .define(TENANT, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                        "The tenant, when no tenant policy file is given.")
                .define(LINEAGE_DESCRIPTOR_TOPIC, ConfigDef.Type.STRING, LineageDescriptors.DEFAULT_TOPIC,
                        new ConfigDef.NonEmptyString(), ConfigDef.Importance.LOW,
                        "The compacted topic of lineage descriptors: producers publish theirs there, consumers read "
                        + "them from there.");
    }

    /**
     * The parts of one Kafka-style properties map.
     *
     * @param headwater Headwater's text keys, each declared, and the dataset events' and field protection's keys
     * @param objects the object settings given ({@value #OPENTELEMETRY}, {@value #CONTRACTS},
     *     {@value #SHARED_RESOURCES})
     * @param registry the schema registry client's keys (Confluent's names); empty when there is no registry
     * @param kafka everything else
     */
    public record Split(Map<String, Object> headwater, Map<String, Object> objects, Map<String, Object> registry,
            Map<String, Object> kafka) {
    }

    /**
     * Splits a map, refusing a Headwater key its declaration does not know.
     *
     * @param properties the map
     * @param declared the client's declaration (from {@link #common()})
     * @param client what the keys are for, such as "producer", in messages
     * @return the parts
     * @throws ConfigException naming an unknown key and the known ones, never its value (a misspelt key may hold a
     *     secret)
     */
    public static Split split(Map<String, ?> properties, ConfigDef declared, String client) {
        Map<String, Object> headwater = new HashMap<>();
        Map<String, Object> objects = new HashMap<>();
        Map<String, Object> registry = new HashMap<>();
        Map<String, Object> kafka = new HashMap<>();
        properties.forEach((key, value) -> {
            if (SchemaRegistryClientConfig.isRegistryKey(key)) {
                registry.put(key, value);
            } else if (OBJECT_KEYS.contains(key)) {
                objects.put(key, value);
            } else if (key.startsWith(DatasetEvents.PREFIX) || key.startsWith(FieldProtection.PREFIX)) {
                headwater.put(key, value); // OpenLineage's own settings, read by DatasetEvents.configure
            } else if (key.startsWith("headwater.")) {
                if (!declared.names().contains(key)) {
                    throw new ConfigException("'" + key + "' is not a Headwater " + client + " setting; known: "
                            + declared.names().stream().sorted().toList() + ", " + OBJECT_KEYS.stream().sorted()
                            .toList() + ", " + DatasetEvents.PREFIX + "* and " + FieldProtection.PREFIX + "*");
                }
                headwater.put(key, value);
            } else {
                kafka.put(key, value);
            }
        });
        return new Split(headwater, objects, registry, kafka);
    }

    /**
     * Applies the common settings of a split map to a builder: Kafka properties, application, tenant and its policy,
     * contracts, registry, OpenTelemetry, shared resources, dataset events, field protection, descriptor topic.
     *
     * @param config the parsed Headwater keys (of a declaration built on {@link #common()})
     * @param split the map's parts
     * @param builder the builder
     * @param severalContracts whether the client takes several contracts
     * @return the contracts applied; empty without
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    public static List<DataContract> apply(AbstractConfig config, Split split, HeadwaterClientBuilder<?> builder,
            boolean severalContracts) {
        Object resources = split.objects().get(SHARED_RESOURCES);
        SharedResources shared = SharedResources.global();
        if (resources != null) {
            if (!(resources instanceof SharedResources given)) {
                throw new ConfigException(SHARED_RESOURCES, resources.getClass().getName(), "must be a "
                        + SharedResources.class.getName());
            }
            shared = given;
            builder.sharedResources(given);
        }
        Object telemetry = split.objects().get(OPENTELEMETRY);
        if (telemetry != null) {
            if (!(telemetry instanceof OpenTelemetry given)) {
                throw new ConfigException(OPENTELEMETRY, telemetry.getClass().getName(), "must be an "
                        + OpenTelemetry.class.getName());
            }
            builder.openTelemetry(given);
        }
        builder.kafkaProperties(split.kafka())
                .tenant(config.getString(TENANT))
                .lineageDescriptorTopic(config.getString(LINEAGE_DESCRIPTOR_TOPIC));
        String application = config.getString(APPLICATION_NAME);
        if (application != null) {
            builder.application(application, config.getString(APPLICATION_VERSION));
        }
        if (split.registry().containsKey(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL)) {
            // URL, basic or bearer auth and TLS stores under Confluent's key names
            builder.schemaRegistry(shared.registryClient(split.registry()));
        }
        List<DataContract> contracts = contracts(split.objects().get(CONTRACTS), config.getString(CONTRACT_FILE),
                severalContracts, builder.client());
        if (!contracts.isEmpty()) {
            builder.contracts(contracts);
        }
        builder.datasetEvents(DatasetEvents.configure(split.headwater()));
        FieldProtection protection = FieldProtection.configure(split.headwater());
        if (protection != FieldProtection.NONE) {
            builder.fieldProtection(protection);
        }
        String environment = config.getString(ENVIRONMENT);
        if (environment != null) {
            builder.environment(environment.trim());
        }
        for (String rule : config.getList(RULES_OBSERVE)) {
            builder.ruleEnforcement(rule, dev.headwater.contract.Enforcement.OBSERVE);
        }
        for (String rule : config.getList(RULES_ENFORCE)) {
            if (config.getList(RULES_OBSERVE).contains(rule)) {
                throw new ConfigException(RULES_ENFORCE, rule, "is also in " + RULES_OBSERVE + ": name each rule in "
                        + "one of them");
            }
            builder.ruleEnforcement(rule, dev.headwater.contract.Enforcement.ENFORCE);
        }
        String policy = config.getString(TENANT_POLICY_FILE);
        if (policy != null) {
            builder.tenantPolicy(TenantPolicy.load(policy, config.getString(ENVIRONMENT)));
        }
        return contracts;
    }

    private static List<DataContract> contracts(Object instances, String files, boolean several, String client) {
        List<DataContract> contracts = new ArrayList<>();
        if (instances != null) {
            if (!(instances instanceof Collection<?> collection) || collection.isEmpty()) {
                throw new ConfigException(CONTRACTS, instances.getClass().getName(), "must be a non-empty "
                        + "collection of DataContract");
            }
            for (Object each : collection) {
                if (!(each instanceof DataContract contract)) {
                    throw new ConfigException(CONTRACTS, each == null ? "null" : each.getClass().getName(),
                            "is not a DataContract");
                }
                contracts.add(contract);
            }
        } else if (files != null) {
            for (String file : files.split(",")) {
                if (!file.isBlank()) {
                    contracts.add(DataContract.load(file.trim()));
                }
            }
            if (contracts.isEmpty()) {
                throw new ConfigException(CONTRACT_FILE, files, "names no contract");
            }
        }
        if (contracts.size() > 1 && !several) {
            throw new ConfigException(instances != null ? CONTRACTS : CONTRACT_FILE, instances != null
                    ? contracts.stream().map(DataContract::subject).toList().toString() : files, "a " + client
                    + " enforces one contract; for several, use one " + (client.contains("Consumer") ? "consumer"
                    : "producer") + " per contract" + (client.contains("Producer") ? ", or GovernedSerializer, "
                    + "which governs each topic by the contract that lists it" : ""));
        }
        return contracts;
    }
}
