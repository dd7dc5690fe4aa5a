package dev.headwater.spring.boot;

import dev.headwater.lineage.DatasetEvents;
import dev.headwater.protection.FieldProtection;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.contract.FailurePolicy;
import dev.headwater.governance.HeadwaterClientConfig;
import dev.headwater.producer.GovernedProducerConfig;
import dev.headwater.registry.SchemaRegistryClientConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Headwater's settings in {@code application.yml}, under {@code headwater.}. Unknown keys fail startup naming them, as
 * do values of the wrong kind. Setting {@code headwater.application.name} switches Headwater on; without it Spring
 * Kafka behaves as before.
 *
 * <pre>{@code
 * headwater:
 *   application: {name: orders-service, version: 1.4.0}
 *   tenant: retail
 *   contract: classpath:contracts/orders.yaml
 *   tenant-policy: classpath:tenant-retail.yaml
 *   registry:
 *     url: https://registry.example.com
 *     basic-auth-user-info: ${REGISTRY_USER_INFO}
 * }</pre>
 */
@ConfigurationProperties(prefix = "headwater", ignoreUnknownFields = false)
public class HeadwaterProperties {

    /** The producing and consuming application. */
    private final Application application = new Application();
    /** The tenant, when no tenant policy is given. */
    private String tenant = "";
    /** The environment (dev, test, prod, ...) whose tenant policy overrides apply. */
    private String environment;
    /** The data contract: a file path, classpath: resource or URL. */
    private String contract;
    /** More data contracts (file paths, classpath: resources or URLs); with several, each governs the topics it lists. */
    private List<String> contracts = new ArrayList<>();
    /** The tenant policy: a file path, classpath: resource or URL. */
    private String tenantPolicy;
    /** What to do with records that break the contract when sent: PER_RULE (each rule's onFailure), ERROR, DLQ. */
    private FailurePolicy failurePolicy = FailurePolicy.PER_RULE;
    /** How records carry their lineage. */
    private final Lineage lineage = new Lineage();
    /**
     * The keys of the fields contracts protect, written flat (keystore, master.key.env, kms, aws.key.id, ...; with
     * headwater-protection on the classpath), as {@code headwater.protection.*} client settings.
     */
    private Map<String, String> protection = new HashMap<>();
    /** The schema registry. */
    private final Registry registry = new Registry();
    /** The listeners' error handling. */
    private final Listener listener = new Listener();
    /** The platform's overrides of how rules are enforced here, whatever their contracts say. */
    private final Rules rules = new Rules();

    /** @return the application */
    public Application getApplication() {
        return application;
    }

    /** @return the tenant */
    public String getTenant() {
        return tenant;
    }

    /** @param tenant the tenant */
    public void setTenant(String tenant) {
        this.tenant = tenant;
    }

    /** @return the environment */
    public String getEnvironment() {
        return environment;
    }

    /** @param environment the environment; blank for none */
    public void setEnvironment(String environment) {
        this.environment = environment == null || environment.isBlank() ? null : environment;
    }

    /** @return the contract's location */
    public String getContract() {
        return contract;
    }

    /** @param contract the contract's location */
    public void setContract(String contract) {
        this.contract = contract;
    }

    /** @return the locations of more contracts */
    public List<String> getContracts() {
        return contracts;
    }

    /** @param contracts the locations of more contracts */
    public void setContracts(List<String> contracts) {
        this.contracts = contracts;
    }

    /** @return the tenant policy's location */
    public String getTenantPolicy() {
        return tenantPolicy;
    }

    /** @param tenantPolicy the tenant policy's location */
    public void setTenantPolicy(String tenantPolicy) {
        this.tenantPolicy = tenantPolicy;
    }

    /** @return the failure policy */
    public FailurePolicy getFailurePolicy() {
        return failurePolicy;
    }

    /** @param failurePolicy the failure policy */
    public void setFailurePolicy(FailurePolicy failurePolicy) {
        this.failurePolicy = failurePolicy;
    }

    /** @return the field protection's settings, without their {@code headwater.protection.} prefix */
    public Map<String, String> getProtection() {
        return protection;
    }

    /** @param protection the field protection's settings */
    public void setProtection(Map<String, String> protection) {
        this.protection = protection;
    }

    /** @return the lineage settings */
    public Lineage getLineage() {
        return lineage;
    }

    /** @return the registry settings */
    public Registry getRegistry() {
        return registry;
    }

    /** @return the listeners' settings */
    public Listener getListener() {
        return listener;
    }

    /** @return the rules' enforcement overrides */
    public Rules getRules() {
        return rules;
    }

    /**
     * @return the producer settings {@link dev.headwater.producer.GovernedSerializer} reads: Headwater's keys and the
     *     registry's, under Confluent's names (the contracts are given as instances)
     */
    public Map<String, Object> producerSettings() {
        Map<String, Object> settings = clientSettings();
        settings.put(GovernedProducerConfig.FAILURE_POLICY, failurePolicy.name());
        settings.put(GovernedProducerConfig.LINEAGE_FORMAT, lineage.getFormat().name());
        return settings;
    }

    /**
     * @return the settings every governed client reads ({@link HeadwaterClientConfig#common()}), and the registry's,
     *     under Confluent's names (the contracts are given as instances)
     */
    public Map<String, Object> clientSettings() {
        Map<String, Object> settings = new HashMap<>(registry.settings());
        settings.put(HeadwaterClientConfig.APPLICATION_NAME, application.getName());
        settings.put(HeadwaterClientConfig.APPLICATION_VERSION, application.getVersion());
        settings.put(HeadwaterClientConfig.TENANT, tenant);
        settings.put(HeadwaterClientConfig.LINEAGE_DESCRIPTOR_TOPIC, lineage.getDescriptorTopic());
        settings.putAll(lineage.datasetEventSettings());
        protection.forEach((key, value) -> settings.put(FieldProtection.PREFIX + key, value));
        if (tenantPolicy != null) {
            settings.put(HeadwaterClientConfig.TENANT_POLICY_FILE, tenantPolicy);
        }
        if (environment != null) {
            settings.put(HeadwaterClientConfig.ENVIRONMENT, environment);
        }
        if (!rules.getObserve().isEmpty()) {
            settings.put(HeadwaterClientConfig.RULES_OBSERVE, String.join(",", rules.getObserve()));
        }
        if (!rules.getEnforce().isEmpty()) {
            settings.put(HeadwaterClientConfig.RULES_ENFORCE, String.join(",", rules.getEnforce()));
        }
        return settings;
    }

    /** The application. */
    public static class Application {
        /** Its name, written to every record's lineage. Setting it switches Headwater on. */
        private String name;
        /** Its version. */
        private String version = "";

        /** @return the name */
        public String getName() {
            return name;
        }

        /** @param name the name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the version */
        public String getVersion() {
            return version;
        }

        /** @param version the version */
        public void setVersion(String version) {
            this.version = version;
        }
    }

    /** The platform's overrides of how rules are enforced, whatever their contracts say. */
    public static class Rules {
        /** Rules observed here (counted and sampled, the record passes): names, or subject:rule. */
        private List<String> observe = new ArrayList<>();
        /** Rules enforced here: names, or subject:rule. */
        private List<String> enforce = new ArrayList<>();

        /** @return the rules observed */
        public List<String> getObserve() {
            return observe;
        }

        /** @param observe the rules observed */
        public void setObserve(List<String> observe) {
            this.observe = observe;
        }

        /** @return the rules enforced */
        public List<String> getEnforce() {
            return enforce;
        }

        /** @param enforce the rules enforced */
        public void setEnforce(List<String> enforce) {
            this.enforce = enforce;
        }
    }

    /** How records carry their lineage. */
    public static class Lineage {
        /** COMPACT (format 2, the default) or CLOUDEVENTS (format 1). */
        private LineageFormat format = LineageFormat.COMPACT;
        /** The compacted topic lineage descriptors are published to and read from. */
        private String descriptorTopic = LineageDescriptors.DEFAULT_TOPIC;
        /**
         * OpenLineage's configuration, written flat (transport.type, transport.url, transport.location, ...; with
         * headwater-openlineage on the classpath): dataset lineage of every topic written and read.
         */
        private Map<String, String> openlineage = new HashMap<>();

        /** @return OpenLineage's configuration */
        public Map<String, String> getOpenlineage() {
            return openlineage;
        }

        /** @param openlineage OpenLineage's configuration */
        public void setOpenlineage(Map<String, String> openlineage) {
            this.openlineage = openlineage;
        }

        /** @return the settings under their {@code headwater.lineage.openlineage.} keys, as clients read them */
        public Map<String, Object> datasetEventSettings() {
            Map<String, Object> settings = new HashMap<>();
            openlineage.forEach((key, value) -> settings.put(DatasetEvents.PREFIX + key, value));
            return settings;
        }

        /** @return the format */
        public LineageFormat getFormat() {
            return format;
        }

        /** @param format the format */
        public void setFormat(LineageFormat format) {
            this.format = format;
        }

        /** @return the descriptor topic */
        public String getDescriptorTopic() {
            return descriptorTopic;
        }

        /** @param descriptorTopic the descriptor topic */
        public void setDescriptorTopic(String descriptorTopic) {
            this.descriptorTopic = descriptorTopic;
        }
    }

    /** The schema registry: URL, basic or bearer auth, TLS. */
    public static class Registry {
        /** Comma-separated registry URLs. */
        private String url;
        /** Basic auth as user:password; never printed. */
        private String basicAuthUserInfo;
        /** A static bearer token; never printed. */
        private String bearerToken;
        /** Trust store (file) for the registry's TLS certificate. */
        private String truststoreLocation;
        /** Its password; never printed. */
        private String truststorePassword;
        /** Its type: JKS or PKCS12. */
        private String truststoreType = "JKS";
        /** Key store (file) with this client's certificate, for mutual TLS. */
        private String keystoreLocation;
        /** Its password; never printed. */
        private String keystorePassword;
        /** Its type: JKS or PKCS12. */
        private String keystoreType = "JKS";

        Map<String, Object> settings() {
            Map<String, Object> settings = new HashMap<>();
            put(settings, SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL, url);
            put(settings, SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, basicAuthUserInfo);
            put(settings, SchemaRegistryClientConfig.BEARER_AUTH_TOKEN, bearerToken);
            put(settings, SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION, truststoreLocation);
            put(settings, SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD, truststorePassword);
            put(settings, SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE, truststoreType);
            put(settings, SchemaRegistryClientConfig.SSL_KEYSTORE_LOCATION, keystoreLocation);
            put(settings, SchemaRegistryClientConfig.SSL_KEYSTORE_PASSWORD, keystorePassword);
            put(settings, SchemaRegistryClientConfig.SSL_KEYSTORE_TYPE, keystoreType);
            return settings;
        }

        private static void put(Map<String, Object> settings, String key, String value) {
            if (value != null && !value.isBlank()) {
                settings.put(key, value);
            }
        }

        /** @return the URL(s) */
        public String getUrl() {
            return url;
        }

        /** @param url the URL(s) */
        public void setUrl(String url) {
            this.url = url;
        }

        /** @return basic auth */
        public String getBasicAuthUserInfo() {
            return basicAuthUserInfo;
        }

        /** @param basicAuthUserInfo basic auth as user:password */
        public void setBasicAuthUserInfo(String basicAuthUserInfo) {
            this.basicAuthUserInfo = basicAuthUserInfo;
        }

        /** @return the bearer token */
        public String getBearerToken() {
            return bearerToken;
        }

        /** @param bearerToken the bearer token */
        public void setBearerToken(String bearerToken) {
            this.bearerToken = bearerToken;
        }

        /** @return the trust store */
        public String getTruststoreLocation() {
            return truststoreLocation;
        }

        /** @param truststoreLocation the trust store */
        public void setTruststoreLocation(String truststoreLocation) {
            this.truststoreLocation = truststoreLocation;
        }

        /** @return the trust store's password */
        public String getTruststorePassword() {
            return truststorePassword;
        }

        /** @param truststorePassword the trust store's password */
        public void setTruststorePassword(String truststorePassword) {
            this.truststorePassword = truststorePassword;
        }

        /** @return the trust store's type */
        public String getTruststoreType() {
            return truststoreType;
        }

        /** @param truststoreType the trust store's type */
        public void setTruststoreType(String truststoreType) {
            this.truststoreType = truststoreType;
        }

        /** @return the key store */
        public String getKeystoreLocation() {
            return keystoreLocation;
        }

        /** @param keystoreLocation the key store */
        public void setKeystoreLocation(String keystoreLocation) {
            this.keystoreLocation = keystoreLocation;
        }

        /** @return the key store's password */
        public String getKeystorePassword() {
            return keystorePassword;
        }

        /** @param keystorePassword the key store's password */
        public void setKeystorePassword(String keystorePassword) {
            this.keystorePassword = keystorePassword;
        }

        /** @return the key store's type */
        public String getKeystoreType() {
            return keystoreType;
        }

        /** @param keystoreType the key store's type */
        public void setKeystoreType(String keystoreType) {
            this.keystoreType = keystoreType;
        }
    }

    /** How listeners' failures are handled. */
    public static class Listener {
        /** Attempts after the first before a failing record is dead-lettered (contract violations: none). */
        private int retries = 2;
        /** The wait between them, in milliseconds. */
        private long retryBackoffMs = 500;

        /** @return the retries */
        public int getRetries() {
            return retries;
        }

        /** @param retries the retries */
        public void setRetries(int retries) {
            this.retries = retries;
        }

        /** @return the wait between retries */
        public long getRetryBackoffMs() {
            return retryBackoffMs;
        }

        /** @param retryBackoffMs the wait between retries */
        public void setRetryBackoffMs(long retryBackoffMs) {
            this.retryBackoffMs = retryBackoffMs;
        }
    }
}
