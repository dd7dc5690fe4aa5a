package dev.headwater.consumer;

import dev.headwater.contract.DataContract;
import dev.headwater.internal.HeadwaterProperties;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryClientConfig;
import dev.headwater.tenant.TenantPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Headwater settings of a governed consumer as {@code headwater.}-prefixed keys, so that one Kafka-style
 * properties map configures everything ({@link GovernedConsumer#fromProperties}). Each key is declared once in
 * {@link #CONFIG_DEF} with its type, default, validator and documentation; keys without the prefix are Kafka's, plus
 * {@code schema.registry.url}. An unknown {@code headwater.} key is refused, naming the keys that exist.
 */
public final class GovernedConsumerConfig {

    /** The topics to subscribe to; the contract's by default. */
    public static final String TOPICS = "headwater.topics";
    /** The contract file whose read rules, freshness objective and dead-letter topic apply. */
    public static final String CONTRACT_FILE = "headwater.contract.file";
    /** The tenant policy file whose guardrails and consume quota apply. */
    public static final String TENANT_POLICY_FILE = "headwater.tenant.policy.file";
    /** The environment whose tenant policy overrides apply. */
    public static final String ENVIRONMENT = "headwater.environment";
    /** The tenant, when there is no policy file. */
    public static final String TENANT = "headwater.tenant";
    /** The dead-letter topic; the contract's by default. */
    public static final String DEAD_LETTER_TOPIC = "headwater.dead.letter.topic";
    /** Stop at the first record that fails instead of dead-lettering it. */
    public static final String STOP_ON_ERROR = "headwater.stop.on.error";
    /** Attempts of the handler per record. */
    public static final String RETRY_ATTEMPTS = "headwater.retry.attempts";
    /** The first wait between two attempts. */
    public static final String RETRY_BACKOFF_MS = "headwater.retry.backoff.ms";
    /** Whether to read ahead. */
    public static final String READ_AHEAD = "headwater.read.ahead";
    /** The compacted topic lineage descriptors are read from. */
    public static final String LINEAGE_DESCRIPTOR_TOPIC = "headwater.lineage.descriptor.topic";
    /** The schema registry URL(s), Confluent's key. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL;

    /** The declaration of every Headwater consumer setting. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(TOPICS, ConfigDef.Type.LIST, List.of(), ConfigDef.Importance.HIGH,
                    "The topics to subscribe to; the contract's topics when empty.")
            .define(CONTRACT_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                    "The data contract (YAML) whose read rules, freshness objective and dead-letter topic apply: a file "
                    + "path, classpath:resource or URL.")
            .define(TENANT_POLICY_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "The tenant policy (YAML) whose guardrails and consume quota apply: a file path, classpath:resource or "
                    + "URL.")
            .define(ENVIRONMENT, ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW,
                    "The environment (dev, test, prod, ...) whose tenant policy overrides apply.")
            .define(TENANT, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                    "The tenant, when no tenant policy file is given.")
            .define(DEAD_LETTER_TOPIC, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "Where records that fail are set aside; the contract's dead-letter topic when unset.")
            .define(STOP_ON_ERROR, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.MEDIUM,
                    "Stop at the first record that fails, leaving it uncommitted, instead of dead-lettering it.")
            .define(RETRY_ATTEMPTS, ConfigDef.Type.INT, 1, ConfigDef.Range.between(1, 100),
                    ConfigDef.Importance.MEDIUM, "Attempts of the handler per record before it is dead-lettered.")
            .define(RETRY_BACKOFF_MS, ConfigDef.Type.LONG, 100L, ConfigDef.Range.atLeast(0),
                    ConfigDef.Importance.LOW, "The first wait between two attempts, doubled each time.")
            .define(READ_AHEAD, ConfigDef.Type.BOOLEAN, Runtime.getRuntime().availableProcessors() > 1,
                    ConfigDef.Importance.LOW, "Read the next batch and prepare it on a thread of its own while "
                    + "the one in hand is handled; on by default with more than one processor.")
            .define(LINEAGE_DESCRIPTOR_TOPIC, ConfigDef.Type.STRING, LineageDescriptors.DEFAULT_TOPIC,
                    new ConfigDef.NonEmptyString(), ConfigDef.Importance.LOW,
                    "The compacted topic lineage descriptors are read from.");

    private GovernedConsumerConfig() {
    }

    /**
     * Applies a properties map to a builder: Headwater keys become builder settings, the rest Kafka properties.
     *
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    static <K, V> GovernedConsumer.Builder<K, V> apply(Map<String, ?> properties,
            GovernedConsumer.Builder<K, V> builder) {
        HeadwaterProperties.Split split = HeadwaterProperties.split(properties, CONFIG_DEF, "consumer");
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, split.headwater(), false);
        builder.kafkaProperties(split.kafka())
                .tenant(config.getString(TENANT))
                .readAhead(config.getBoolean(READ_AHEAD))
                .retry(config.getInt(RETRY_ATTEMPTS), Duration.ofMillis(config.getLong(RETRY_BACKOFF_MS)))
                .lineageDescriptorTopic(config.getString(LINEAGE_DESCRIPTOR_TOPIC));
        if (split.registry().containsKey(SCHEMA_REGISTRY_URL)) {
            // URL, basic or bearer auth and TLS stores under Confluent's key names
            builder.schemaRegistry(SchemaRegistryClient.fromProperties(split.registry()));
        }
        List<String> topics = config.getList(TOPICS);
        String contractFile = config.getString(CONTRACT_FILE);
        if (contractFile != null) {
            DataContract contract = DataContract.load(contractFile);
            builder.contract(contract);
            if (topics.isEmpty()) {
                topics = contract.topics();
            }
        }
        if (topics.isEmpty()) {
            throw new ConfigException(TOPICS, "", "no topics: set " + TOPICS + " or " + CONTRACT_FILE);
        }
        builder.topics(topics.toArray(String[]::new));
        builder.datasetEvents(DatasetEvents.configure(split.headwater()));
        String policy = config.getString(TENANT_POLICY_FILE);
        if (policy != null) {
            builder.tenantPolicy(TenantPolicy.load(policy, config.getString(ENVIRONMENT)));
        }
        String deadLetterTopic = config.getString(DEAD_LETTER_TOPIC);
        if (deadLetterTopic != null) {
            builder.deadLetterTopic(deadLetterTopic);
        }
        if (config.getBoolean(STOP_ON_ERROR)) {
            builder.stopOnError();
        }
        return builder;
    }
}
