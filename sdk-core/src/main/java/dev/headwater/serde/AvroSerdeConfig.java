package dev.headwater.serde;

import dev.headwater.internal.Redaction;
import dev.headwater.registry.SchemaRegistryClientConfig;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of {@link AvroSerializer} and {@link AvroDeserializer}. The keys are Confluent's, so a configuration written
 * for Confluent's serializers works unchanged; each is declared once in {@link #CONFIG_DEF} with its type, default and
 * documentation, which validation messages and the README table come from.
 *
 * <p>Built in code with {@link #builder()} or from Kafka-style properties with {@link #fromProperties(Map)}. Immutable.
 */
public final class AvroSerdeConfig {

    /** Comma-separated registry URLs. */
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL;
    /** Register a record's schema when it is not yet registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Write with the subject's latest registered schema instead of registering. */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Ask the registry to normalize schemas. */
    public static final String NORMALIZE_SCHEMAS = "normalize.schemas";
    /** Subject name strategy for keys. */
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    /** Subject name strategy for values. */
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    /** Deserialize into generated SpecificRecord classes. */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** Basic auth as {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO = SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO;
    /** A static bearer token. */
    public static final String BEARER_AUTH_TOKEN = SchemaRegistryClientConfig.BEARER_AUTH_TOKEN;
    /** How long a subject's latest version is cached, in seconds. */
    public static final String LATEST_CACHE_TTL_SEC = SchemaRegistryClientConfig.LATEST_CACHE_TTL_SEC;
    /** The reader schema (Avro JSON) to resolve data into on read, for schema evolution. */
    public static final String READER_SCHEMA = "headwater.reader.schema";

    /**
     * The declaration of every setting: name, type, default, importance and documentation; the registry client's
     * (URL, auth, TLS, cache) are {@link SchemaRegistryClientConfig#CONFIG_DEF}'s.
     */
    public static final ConfigDef CONFIG_DEF = new ConfigDef(SchemaRegistryClientConfig.CONFIG_DEF)
            .define(AUTO_REGISTER_SCHEMAS, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.MEDIUM,
                    "Register a record's schema under its subject when it is not registered yet.")
            .define(USE_LATEST_VERSION, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.MEDIUM,
                    "Write with the subject's latest registered schema; the record's schema must equal it.")
            .define(NORMALIZE_SCHEMAS, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW,
                    "Ask the registry to normalize schemas before registering or looking them up.")
            .define(KEY_SUBJECT_NAME_STRATEGY, ConfigDef.Type.STRING, "TOPIC_NAME", ConfigDef.Importance.MEDIUM,
                    "Subject name strategy for keys: TOPIC_NAME, RECORD_NAME or TOPIC_RECORD_NAME.")
            .define(VALUE_SUBJECT_NAME_STRATEGY, ConfigDef.Type.STRING, "TOPIC_NAME", ConfigDef.Importance.MEDIUM,
                    "Subject name strategy for values: TOPIC_NAME, RECORD_NAME or TOPIC_RECORD_NAME.")
            .define(SPECIFIC_AVRO_READER, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.MEDIUM,
                    "Deserialize into generated SpecificRecord classes instead of GenericRecord.")
            .define(READER_SCHEMA, ConfigDef.Type.STRING, null, ConfigDef.Importance.LOW,
                    "Avro schema (JSON) that deserialized data is resolved into; the writer's schema when unset.");

    private final List<String> urls;
    private final boolean autoRegister;
    private final boolean useLatestVersion;
    private final boolean normalize;
    private final SubjectNameStrategy keyStrategy;
    private final SubjectNameStrategy valueStrategy;
    private final boolean specificReader;
    private final Map<String, Object> registry;
    private final Schema readerSchema;

    private AvroSerdeConfig(Builder builder) {
        this.urls = List.copyOf(builder.urls);
        this.autoRegister = builder.autoRegister;
        this.useLatestVersion = builder.useLatestVersion;
        this.normalize = builder.normalize;
        this.keyStrategy = builder.keyStrategy;
        this.valueStrategy = builder.valueStrategy;
        this.specificReader = builder.specificReader;
        Map<String, Object> registryKeys = new HashMap<>(builder.registry);
        registryKeys.put(SCHEMA_REGISTRY_URL, String.join(",", urls));
        registryKeys.put(LATEST_CACHE_TTL_SEC, builder.latestCacheTtlSeconds);
        this.registry = Collections.unmodifiableMap(registryKeys);
        this.readerSchema = builder.readerSchema;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings from Kafka-style properties, such as a serializer's {@code configure} map. Unknown keys are
     * ignored (they belong to Kafka).
     *
     * @param properties the properties
     * @return the settings
     * @throws ConfigException naming the key, the bad value and what is allowed
     */
    public static AvroSerdeConfig fromProperties(Map<String, ?> properties) {
        AbstractConfig parsed = new AbstractConfig(CONFIG_DEF, properties, false);
        Builder builder = builder()
                .urls(parsed.getList(SCHEMA_REGISTRY_URL).toArray(String[]::new))
                .autoRegisterSchemas(parsed.getBoolean(AUTO_REGISTER_SCHEMAS))
                .useLatestVersion(parsed.getBoolean(USE_LATEST_VERSION))
                .normalizeSchemas(parsed.getBoolean(NORMALIZE_SCHEMAS))
                .specificAvroReader(parsed.getBoolean(SPECIFIC_AVRO_READER))
                .latestCacheTtlSeconds(parsed.getLong(LATEST_CACHE_TTL_SEC));
        builder.keyStrategy = strategy(parsed, KEY_SUBJECT_NAME_STRATEGY);
        builder.valueStrategy = strategy(parsed, VALUE_SUBJECT_NAME_STRATEGY);
        Password basic = parsed.getPassword(BASIC_AUTH_USER_INFO);
        if (basic != null && !basic.value().contains(":")) {
            throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "must be user:password");
        }
        builder.registry.putAll(SchemaRegistryClientConfig.registryKeys(properties));
        String reader = parsed.getString(READER_SCHEMA);
        if (reader != null) {
            try {
                builder.readerSchema(new Schema.Parser().parse(reader));
            } catch (SchemaParseException e) {
                throw new ConfigException(READER_SCHEMA, reader, "is not a valid Avro schema: " + e.getMessage());
            }
        }
        return builder.build();
    }

    private static SubjectNameStrategy strategy(AbstractConfig parsed, String key) {
        try {
            return SubjectNameStrategy.parse(parsed.getString(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, parsed.getString(key), e.getMessage());
        }
    }

    /** @return the registry URLs */
    public List<String> urls() {
        return urls;
    }

    /** @return whether unregistered schemas are registered */
    public boolean autoRegisterSchemas() {
        return autoRegister;
    }

    /** @return whether the subject's latest schema is used for writing */
    public boolean useLatestVersion() {
        return useLatestVersion;
    }

    /** @return whether schemas are normalized by the registry */
    public boolean normalizeSchemas() {
        return normalize;
    }

    /**
     * @param isKey true for keys
     * @return the subject name strategy for keys or values
     */
    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        return isKey ? keyStrategy : valueStrategy;
    }

    /** @return whether data is read into SpecificRecord classes */
    public boolean specificAvroReader() {
        return specificReader;
    }

    /** @return the reader schema, or null to read with the writer's schema */
    public Schema readerSchema() {
        return readerSchema;
    }

    /**
     * @return the registry client's settings ({@link SchemaRegistryClientConfig} keys: URL, auth, TLS, cache), for
     *     {@link dev.headwater.registry.SchemaRegistryClient#fromProperties}; secrets in them are never printed
     */
    public Map<String, Object> registryProperties() {
        return registry;
    }

    @Override
    public String toString() {
        return "AvroSerdeConfig{urls=" + urls.stream().map(Redaction::url).toList() + ", autoRegister=" + autoRegister + ", useLatestVersion="
                + useLatestVersion + ", normalize=" + normalize + ", keyStrategy=" + keyStrategy + ", valueStrategy="
                + valueStrategy + ", specificReader=" + specificReader + ", auth="
                + (registry.containsKey(BASIC_AUTH_USER_INFO) ? "basic [hidden]"
                : registry.containsKey(BEARER_AUTH_TOKEN) ? "bearer [hidden]" : "none")
                + (registry.containsKey(SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION) ? ", tls" : "") + "}";
    }

    /** Builds an {@link AvroSerdeConfig}. Not thread safe. */
    public static final class Builder {
        private List<String> urls = List.of();
        private boolean autoRegister = true;
        private boolean useLatestVersion;
        private boolean normalize;
        private SubjectNameStrategy keyStrategy = SubjectNameStrategy.TOPIC_NAME;
        private SubjectNameStrategy valueStrategy = SubjectNameStrategy.TOPIC_NAME;
        private boolean specificReader;
        private final Map<String, Object> registry = new HashMap<>();
        private long latestCacheTtlSeconds = 60;
        private Schema readerSchema;

        private Builder() {
        }

        /** @param urls registry URLs @return this builder */
        public Builder urls(String... urls) {
            this.urls = List.of(urls);
            return this;
        }

        /** @param value register unregistered schemas; default true @return this builder */
        public Builder autoRegisterSchemas(boolean value) {
            this.autoRegister = value;
            return this;
        }

        /** @param value write with the latest registered schema; default false @return this builder */
        public Builder useLatestVersion(boolean value) {
            this.useLatestVersion = value;
            return this;
        }

        /** @param value ask the registry to normalize; default false @return this builder */
        public Builder normalizeSchemas(boolean value) {
            this.normalize = value;
            return this;
        }

        /**
         * @param isKey true for keys
         * @param strategy the subject name strategy
         * @return this builder
         */
        public Builder subjectNameStrategy(boolean isKey, SubjectNameStrategy strategy) {
            Objects.requireNonNull(strategy, "strategy");
            if (isKey) {
                this.keyStrategy = strategy;
            } else {
                this.valueStrategy = strategy;
            }
            return this;
        }

        /** @param value read into SpecificRecord classes; default false @return this builder */
        public Builder specificAvroReader(boolean value) {
            this.specificReader = value;
            return this;
        }

        /** @param schema resolve read data into this schema @return this builder */
        public Builder readerSchema(Schema schema) {
            this.readerSchema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /** @param seconds latest-version cache time to live @return this builder */
        public Builder latestCacheTtlSeconds(long seconds) {
            if (seconds < 0) {
                throw new ConfigException(LATEST_CACHE_TTL_SEC, seconds, "must be at least 0");
            }
            this.latestCacheTtlSeconds = seconds;
            return this;
        }

        /** @return the settings */
        public AvroSerdeConfig build() {
            if (urls.isEmpty()) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, "", "is required: give the registry's URL, such as "
                        + "http://localhost:8081");
            }
            return new AvroSerdeConfig(this);
        }
    }
}
