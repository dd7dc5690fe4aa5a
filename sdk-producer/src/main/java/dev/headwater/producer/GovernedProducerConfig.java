package dev.headwater.producer;

import dev.headwater.contract.DataContract;
import dev.headwater.internal.HeadwaterProperties;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryClientConfig;
import dev.headwater.tenant.TenantPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Headwater settings of a governed producer as {@code headwater.}-prefixed keys, so that one Kafka-style
 * properties map configures everything ({@link GovernedProducer#fromProperties}). Each key is declared once in
 * {@link #CONFIG_DEF} with its type, default and documentation; keys without the prefix are Kafka's, plus
 * {@code schema.registry.url}.
 */
public final class GovernedProducerConfig {

    /** The producing application's name. */
    public static final String APPLICATION_NAME = "headwater.application.name";
    /** The producing application's version. */
    public static final String APPLICATION_VERSION = "headwater.application.version";
    /** The contract file to enforce. */
    public static final String CONTRACT_FILE = "headwater.contract.file";
    /** The tenant policy file to apply. */
    public static final String TENANT_POLICY_FILE = "headwater.tenant.policy.file";
    /** The environment whose tenant policy overrides apply. */
    public static final String ENVIRONMENT = "headwater.environment";
    /** The tenant, when there is no policy file. */
    public static final String TENANT = "headwater.tenant";
    /** What to do with records that break the contract. */
    public static final String FAILURE_POLICY = "headwater.failure.policy";
    /** The lineage format: compact (format 2, the default) or cloudevents (format 1). */
    public static final String LINEAGE_FORMAT = "headwater.lineage.format";
    /** The compacted topic lineage descriptors are published to. */
    public static final String LINEAGE_DESCRIPTOR_TOPIC = "headwater.lineage.descriptor.topic";
    /** The schema registry URL(s), Confluent's key. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL;

    /** The declaration of every Headwater producer setting. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(APPLICATION_NAME, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                    "The producing application's name, written to every record's lineage (ce_source).")
            .define(APPLICATION_VERSION, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                    "The producing application's version.")
            .define(CONTRACT_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                    "The data contract (YAML) to enforce, as a file path, classpath:resource or URL; values are then written "
                    + "under its registered schema. GovernedSerializer takes several, comma-separated: each governs "
                    + "the topics it lists.")
            .define(TENANT_POLICY_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "The tenant policy (YAML) whose guardrails and produce quota apply: a file path, classpath:resource or URL.")
            .define(ENVIRONMENT, ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW,
                    "The environment (dev, test, prod, ...) whose tenant policy overrides apply.")
            .define(TENANT, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                    "The tenant, when no tenant policy file is given.")
            .define(FAILURE_POLICY, ConfigDef.Type.STRING, "PER_RULE",
                    ConfigDef.ValidString.in("PER_RULE", "ERROR", "DLQ"), ConfigDef.Importance.MEDIUM,
                    "What to do with records that break the contract: PER_RULE (each rule's onFailure), ERROR, DLQ.")
            .define(LINEAGE_FORMAT, ConfigDef.Type.STRING, "compact",
                    ConfigDef.CaseInsensitiveValidString.in("compact", "cloudevents"), ConfigDef.Importance.MEDIUM,
                    "How records carry their lineage: compact (format 2: one header of at most 16 bytes, the "
                    + "producer's descriptor published once to the descriptor topic) or cloudevents (format 1: "
                    + "CloudEvents binary-mode headers, about 400 bytes per record).")
            .define(LINEAGE_DESCRIPTOR_TOPIC, ConfigDef.Type.STRING, LineageDescriptors.DEFAULT_TOPIC,
                    new ConfigDef.NonEmptyString(), ConfigDef.Importance.LOW,
                    "The compacted topic the producer publishes its lineage descriptor to (format 2); created when "
                    + "missing if this client may create topics.");

    private GovernedProducerConfig() {
    }

    /**
     * @param value the value of {@link #CONTRACT_FILE}: one location or several, comma-separated
     * @return the locations
     */
    static List<String> contractFiles(String value) {
        List<String> files = new ArrayList<>();
        for (String file : value.split(",")) {
            if (!file.isBlank()) {
                files.add(file.trim());
            }
        }
        if (files.isEmpty()) {
            throw new ConfigException(CONTRACT_FILE, value, "names no contract");
        }
        return files;
    }

    /**
     * Applies a properties map to a builder: Headwater keys become builder settings, the rest Kafka properties.
     *
     * @param properties the map
     * @param builder the builder to configure
     * @param <K> the key type
     * @param <V> the value type
     * @return the builder
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    static <K, V> GovernedProducer.Builder<K, V> apply(Map<String, ?> properties, GovernedProducer.Builder<K, V> builder) {
        HeadwaterProperties.Split split = HeadwaterProperties.split(properties, CONFIG_DEF, "producer");
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, split.headwater(), false);
        builder.kafkaProperties(split.kafka())
                .application(config.getString(APPLICATION_NAME), config.getString(APPLICATION_VERSION))
                .tenant(config.getString(TENANT))
                .failurePolicy(FailurePolicy.valueOf(config.getString(FAILURE_POLICY).toUpperCase(Locale.ROOT)))
                .lineageFormat(LineageFormat.parse(config.getString(LINEAGE_FORMAT)))
                .lineageDescriptorTopic(config.getString(LINEAGE_DESCRIPTOR_TOPIC));
        if (split.registry().containsKey(SCHEMA_REGISTRY_URL)) {
            // URL, basic or bearer auth and TLS stores under Confluent's key names
            builder.schemaRegistry(SchemaRegistryClient.fromProperties(split.registry()));
        }
        String contract = config.getString(CONTRACT_FILE);
        if (contract != null) {
            List<String> files = contractFiles(contract);
            if (files.size() > 1) {
                throw new ConfigException(CONTRACT_FILE, contract, "a GovernedProducer enforces one contract; for "
                        + "several, use one producer per contract, or GovernedSerializer, which governs each topic by "
                        + "the contract that lists it");
            }
            builder.contract(DataContract.load(files.get(0)));
        }
        builder.datasetEvents(DatasetEvents.configure(split.headwater()));
        String policy = config.getString(TENANT_POLICY_FILE);
        if (policy != null) {
            builder.tenantPolicy(TenantPolicy.load(policy, config.getString(ENVIRONMENT)));
        }
        return builder;
    }
}
