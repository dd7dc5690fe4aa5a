package dev.headwater.producer;

import dev.headwater.contract.FailurePolicy;
import dev.headwater.governance.HeadwaterClientConfig;
import dev.headwater.governance.WriteBuilder;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.registry.SchemaRegistryClientConfig;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Headwater settings of a producing route as {@code headwater.}-prefixed keys, so that one Kafka-style properties
 * map configures everything ({@link GovernedProducer#fromProperties}, {@link GovernedSerializer}). Each key is
 * declared once in {@link #CONFIG_DEF}: those every client takes ({@link HeadwaterClientConfig#common()}) and the
 * producer's own; keys without the prefix are Kafka's, plus the schema registry's.
 */
public final class GovernedProducerConfig {

    /** The producing application's name, written to every record's lineage. Required. */
    public static final String APPLICATION_NAME = HeadwaterClientConfig.APPLICATION_NAME;
    /** The producing application's version. */
    public static final String APPLICATION_VERSION = HeadwaterClientConfig.APPLICATION_VERSION;
    /** The contract file(s) to enforce. */
    public static final String CONTRACT_FILE = HeadwaterClientConfig.CONTRACT_FILE;
    /** The tenant policy file to apply. */
    public static final String TENANT_POLICY_FILE = HeadwaterClientConfig.TENANT_POLICY_FILE;
    /** The environment whose tenant policy overrides apply. */
    public static final String ENVIRONMENT = HeadwaterClientConfig.ENVIRONMENT;
    /** The tenant, when there is no policy file. */
    public static final String TENANT = HeadwaterClientConfig.TENANT;
    /** The compacted topic lineage descriptors are published to. */
    public static final String LINEAGE_DESCRIPTOR_TOPIC = HeadwaterClientConfig.LINEAGE_DESCRIPTOR_TOPIC;
    /** The schema registry URL(s), Confluent's key. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL;
    /** What to do with records that break the contract. */
    public static final String FAILURE_POLICY = "headwater.failure.policy";
    /** The lineage format: compact (format 2, the default) or cloudevents (format 1). */
    public static final String LINEAGE_FORMAT = "headwater.lineage.format";

    /** The declaration of every Headwater producer setting. */
    public static final ConfigDef CONFIG_DEF = HeadwaterClientConfig.common()
            .define(FAILURE_POLICY, ConfigDef.Type.STRING, "PER_RULE",
                    ConfigDef.CaseInsensitiveValidString.in("PER_RULE", "ERROR", "DLQ"), ConfigDef.Importance.MEDIUM,
                    "What to do with records that break the contract: PER_RULE (each rule's onFailure), ERROR, DLQ.")
            .define(LINEAGE_FORMAT, ConfigDef.Type.STRING, "compact",
                    ConfigDef.CaseInsensitiveValidString.in("compact", "cloudevents"), ConfigDef.Importance.MEDIUM,
                    "How records carry their lineage: compact (format 2: one header of at most 16 bytes, the "
                    + "producer's descriptor published once to the descriptor topic) or cloudevents (format 1: "
                    + "CloudEvents binary-mode headers, about 400 bytes per record).");

    private GovernedProducerConfig() {
    }

    /**
     * Applies a properties map to a producing route's builder: Headwater keys become builder settings, the rest Kafka
     * properties.
     *
     * @param properties the map
     * @param builder the builder to configure
     * @param severalContracts whether the route takes several contracts (the serializer)
     * @param <B> the builder type
     * @return the builder
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    public static <B extends WriteBuilder<B>> B apply(Map<String, ?> properties, B builder,
            boolean severalContracts) {
        HeadwaterClientConfig.Split split = HeadwaterClientConfig.split(properties, CONFIG_DEF, "producer");
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, split.headwater(), false);
        if (config.getString(APPLICATION_NAME) == null) {
            throw new ConfigException(APPLICATION_NAME, null, "is required: the producing application's name is "
                    + "written into every record's lineage");
        }
        HeadwaterClientConfig.apply(config, split, builder, severalContracts);
        builder.failurePolicy(FailurePolicy.valueOf(config.getString(FAILURE_POLICY).toUpperCase(Locale.ROOT)))
                .lineageFormat(LineageFormat.parse(config.getString(LINEAGE_FORMAT)));
        return builder;
    }
}
