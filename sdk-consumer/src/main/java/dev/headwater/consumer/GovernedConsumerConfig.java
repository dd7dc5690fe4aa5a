package dev.headwater.consumer;

import dev.headwater.contract.DataContract;
import dev.headwater.governance.HeadwaterClientConfig;
import dev.headwater.registry.SchemaRegistryClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Headwater settings of a governed consumer as {@code headwater.}-prefixed keys, so that one Kafka-style
 * properties map configures everything ({@link GovernedConsumer#fromProperties}). Each key is declared once in
 * {@link #CONFIG_DEF} (those every client takes, {@link HeadwaterClientConfig#common()}, and the consumer's own) with
 * its type, default, validator and documentation; keys without the prefix are Kafka's, plus
 * {@code schema.registry.url}. An unknown {@code headwater.} key is refused, naming the keys that exist.
 */
public final class GovernedConsumerConfig {

    /** The topics to subscribe to; the contract's by default. */
    public static final String TOPICS = "headwater.topics";
    /** The contract file whose read rules, freshness objective and dead-letter topic apply. */
    public static final String CONTRACT_FILE = HeadwaterClientConfig.CONTRACT_FILE;
    /** The tenant policy file whose guardrails and consume quota apply. */
    public static final String TENANT_POLICY_FILE = HeadwaterClientConfig.TENANT_POLICY_FILE;
    /** The environment whose tenant policy overrides apply. */
    public static final String ENVIRONMENT = HeadwaterClientConfig.ENVIRONMENT;
    /** The tenant, when there is no policy file. */
    public static final String TENANT = HeadwaterClientConfig.TENANT;
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
    public static final String LINEAGE_DESCRIPTOR_TOPIC = HeadwaterClientConfig.LINEAGE_DESCRIPTOR_TOPIC;
    /** The schema registry URL(s), Confluent's key. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL;

    /** The declaration of every Headwater consumer setting: those every client takes, and the consumer's own. */
    public static final ConfigDef CONFIG_DEF = HeadwaterClientConfig.common()
            .define(TOPICS, ConfigDef.Type.LIST, List.of(), ConfigDef.Importance.HIGH,
                    "The topics to subscribe to; the contract's topics when empty.")
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
                    + "the one in hand is handled; on by default with more than one processor.");

    private GovernedConsumerConfig() {
    }

    /**
     * Applies a properties map to a builder: Headwater keys become builder settings, the rest Kafka properties.
     *
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    static <K, V> GovernedConsumer.Builder<K, V> apply(Map<String, ?> properties,
            GovernedConsumer.Builder<K, V> builder) {
        HeadwaterClientConfig.Split split = HeadwaterClientConfig.split(properties, CONFIG_DEF, "consumer");
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, split.headwater(), false);
        List<DataContract> contracts = HeadwaterClientConfig.apply(config, split, builder, false);
        builder.readAhead(config.getBoolean(READ_AHEAD))
                .retry(config.getInt(RETRY_ATTEMPTS), Duration.ofMillis(config.getLong(RETRY_BACKOFF_MS)));
        List<String> topics = config.getList(TOPICS);
        if (topics.isEmpty() && !contracts.isEmpty()) {
            topics = contracts.get(0).topics();
        }
        if (topics.isEmpty()) {
            throw new ConfigException(TOPICS, "", "no topics: set " + TOPICS + " or " + CONTRACT_FILE);
        }
        builder.topics(topics.toArray(String[]::new));
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
