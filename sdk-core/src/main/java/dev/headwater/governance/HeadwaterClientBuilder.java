package dev.headwater.governance;

import dev.headwater.SharedResources;
import dev.headwater.contract.DataContract;
import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.protection.FieldProtection;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.tenant.TenantPolicy;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings every governed client takes, producing or consuming, declared once: the builders of
 * {@code GovernedProducer}, {@code GovernedConsumer} and of the two pipelines extend it, so a setting means the same and
 * is checked the same way on every route. Not thread safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class HeadwaterClientBuilder<B extends HeadwaterClientBuilder<B>> {

    private final String client;
    private Map<String, Object> kafkaProperties = Map.of();
    private String application;
    private String applicationVersion = "";
    private String tenant = "";
    private TenantPolicy tenantPolicy;
    private List<DataContract> contracts = List.of();
    private SchemaRegistryClient registry;
    private OpenTelemetry openTelemetry;
    private DatasetEvents datasetEvents;
    private String descriptorTopic = LineageDescriptors.DEFAULT_TOPIC;
    private SharedResources sharedResources = SharedResources.global();
    private FieldProtection fieldProtection = FieldProtection.NONE;
    private String environment = "";
    private final Map<String, dev.headwater.contract.Enforcement> ruleEnforcement = new java.util.LinkedHashMap<>();

    /** @param client the built type's name, such as {@code GovernedProducer}, for messages */
    protected HeadwaterClientBuilder(String client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Sets the Kafka client properties ({@code bootstrap.servers} and, for consumers, {@code group.id} are required).
     * Every internal client Headwater creates (dead-letter producer, lineage descriptor reader and writer) inherits
     * their connection and security settings.
     *
     * @param properties Kafka client configuration; Headwater's {@code headwater.*} keys belong in
     *     {@code fromProperties}
     * @return this builder
     * @throws IllegalArgumentException naming a {@code headwater.*} key given here
     */
    public B kafkaProperties(Map<String, ?> properties) {
        for (String key : Objects.requireNonNull(properties, "properties").keySet()) {
            if (key.startsWith("headwater.")) {
                // Kafka would only warn that it does not know the key, and the setting would silently do nothing
                throw new IllegalArgumentException("'" + key + "' is a Headwater setting, not a Kafka one: build the "
                        + client + " with " + client + ".fromProperties(...) to use headwater.* keys, or set it on "
                        + "the builder");
            }
        }
        this.kafkaProperties = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(properties));
        return self();
    }

    /**
     * Names the application: a producer writes it into every record's lineage, a consumer reports it with the topics
     * it reads.
     *
     * @param name the application's name
     * @param version its version; empty when unknown
     * @return this builder
     */
    public B application(String name, String version) {
        this.application = Objects.requireNonNull(name, "name");
        this.applicationVersion = Objects.requireNonNull(version, "version");
        if (name.isBlank()) {
            throw new IllegalArgumentException(client + " setting 'application': the name must not be blank");
        }
        return self();
    }

    /** @param tenant the tenant this client works for @return this builder */
    public B tenant(String tenant) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        return self();
    }

    /**
     * Puts the client inside a tenant's guardrails: a producer is refused topics outside the tenant's namespaces, a
     * consumer topics it may not read, either a dead-letter topic it may not write; the tenant's quota (shared by the
     * clients handed the same {@link SharedResources}) is taken per record or per batch.
     *
     * @param policy the tenant's policy; also sets {@link #tenant(String)}
     * @return this builder
     */
    public B tenantPolicy(TenantPolicy policy) {
        this.tenantPolicy = Objects.requireNonNull(policy, "policy");
        this.tenant = policy.tenant();
        return self();
    }

    /**
     * Enforces a data contract: its rules are checked on every record, a producer registers its schema (with
     * metadata and rules) when built and writes values with that schema's id, a consumer measures freshness against
     * its objective and uses its dead-letter topic.
     *
     * @param contract the contract
     * @return this builder
     */
    public B contract(DataContract contract) {
        this.contracts = List.of(Objects.requireNonNull(contract, "contract"));
        return self();
    }

    /**
     * Enforces several contracts, each on the topics it lists (routes that write or read several topics: the
     * serializer, Spring). Two contracts may not list one topic.
     *
     * @param contracts the contracts, at least one
     * @return this builder
     */
    public B contracts(Collection<DataContract> contracts) {
        Objects.requireNonNull(contracts, "contracts");
        List<DataContract> copy = new ArrayList<>();
        for (DataContract contract : contracts) {
            copy.add(Objects.requireNonNull(contract, "contracts: an element is null"));
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException(client + " setting 'contracts' must name at least one contract");
        }
        this.contracts = List.copyOf(copy);
        return self();
    }

    /** @param url the schema registry's URL(s), comma-separated @return this builder */
    public B schemaRegistry(String url) {
        this.registry = SchemaRegistryClient.builder().urls(Objects.requireNonNull(url, "url")).build();
        return self();
    }

    /** @param client a configured registry client (auth, TLS, retries) @return this builder */
    public B schemaRegistry(SchemaRegistryClient client) {
        this.registry = Objects.requireNonNull(client, "client");
        return self();
    }

    /** @param openTelemetry where spans and metrics go; {@link GlobalOpenTelemetry} by default @return this */
    public B openTelemetry(OpenTelemetry openTelemetry) {
        this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        return self();
    }

    /**
     * Sets where the topics this client uses are reported, for dataset lineage and catalogs (such as OpenLineage with
     * {@code headwater-openlineage}). By default they are reported as the JVM's system properties
     * {@code headwater.lineage.openlineage.*} or OpenLineage's own configuration say, and not at all when neither is
     * set. The client closes them when it closes.
     *
     * @param events the dataset events
     * @return this builder
     */
    public B datasetEvents(DatasetEvents events) {
        this.datasetEvents = Objects.requireNonNull(events, "events");
        return self();
    }

    /**
     * Sets the compacted topic of lineage descriptors: producers publish theirs there (lineage format 2), consumers
     * read them from there; both sides must agree. Created when missing, if the cluster lets the producer create
     * topics.
     *
     * @param topic the topic; {@value LineageDescriptors#DEFAULT_TOPIC} by default
     * @return this builder
     */
    public B lineageDescriptorTopic(String topic) {
        this.descriptorTopic = Objects.requireNonNull(topic, "topic");
        if (topic.isBlank()) {
            throw new IllegalArgumentException(client + " setting 'lineageDescriptorTopic' must name a topic, was "
                    + "blank");
        }
        return self();
    }

    /**
     * Sets what this client shares with others: tenant quotas, registry clients, quota metrics, client-id numbers.
     *
     * @param resources the resources; {@link SharedResources#global()} by default
     * @return this builder
     */
    public B sharedResources(SharedResources resources) {
        this.sharedResources = Objects.requireNonNull(resources, "resources");
        return self();
    }

    /**
     * Sets the keys that seal and open the fields the contract protects ({@code protect: encrypt|token}): a producer
     * seals them before the record leaves the application, a consumer opens what it may read and sees the contract's
     * masks otherwise. Without it (and without {@code headwater.protection.*} settings), a producer whose contract
     * protects fields refuses to build, and a consumer reads the masks. {@code headwater-protection} provides keys
     * built on Google Tink, with a local key store and AWS KMS. The client closes them when it closes.
     *
     * @param protection the keys
     * @return this builder
     */
    public B fieldProtection(FieldProtection protection) {
        this.fieldProtection = Objects.requireNonNull(protection, "protection");
        return self();
    }

    /** @return the keys of protected fields; {@link FieldProtection#NONE} when none were set */
    protected final FieldProtection fieldProtection() {
        return fieldProtection;
    }

    /**
     * Names the environment the client runs in, such as {@code prod}: a rule whose contract enforces it per
     * environment ({@code enforcement: {prod: observe, test: enforce}}) is enforced as that environment says. The
     * setting {@value HeadwaterClientConfig#ENVIRONMENT} also picks the tenant policy's overrides.
     *
     * @param environment the environment; empty for none
     * @return this builder
     */
    public B environment(String environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
        return self();
    }

    /**
     * Overrides how one rule is enforced, whatever its contract says, without a new contract version: how a platform
     * observes a rule that refuses too much in production, or enforces one whose rollout report is clean. Settings
     * {@value HeadwaterClientConfig#RULES_OBSERVE} and {@value HeadwaterClientConfig#RULES_ENFORCE} do the same.
     *
     * @param rule the rule's name, or {@code subject:rule} for one contract's rule
     * @param enforcement observe or enforce
     * @return this builder
     */
    public B ruleEnforcement(String rule, dev.headwater.contract.Enforcement enforcement) {
        if (Objects.requireNonNull(rule, "rule").isBlank()) {
            throw new IllegalArgumentException("ruleEnforcement: the rule's name must not be blank");
        }
        ruleEnforcement.put(rule.trim(), Objects.requireNonNull(enforcement, "enforcement"));
        return self();
    }

    /** @return the built type's name, for messages */
    protected final String client() {
        return client;
    }

    /** @return the Kafka properties given */
    protected final Map<String, Object> kafkaProperties() {
        return kafkaProperties;
    }

    /** @return the application's name, or null when not set */
    protected final String application() {
        return application;
    }

    /** @return the contracts given; empty without */
    protected final List<DataContract> contracts() {
        return contracts;
    }

    /** @return the registry client, or null */
    protected final SchemaRegistryClient registry() {
        return registry;
    }

    /** @return the tenant policy, or null */
    protected final TenantPolicy tenantPolicy() {
        return tenantPolicy;
    }

    /** @return the shared resources */
    protected final SharedResources sharedResources() {
        return sharedResources;
    }

    /**
     * Checks that a Kafka property was given.
     *
     * @param key the property
     * @throws IllegalArgumentException naming it
     */
    protected final void requireKafkaProperty(String key) {
        if (!kafkaProperties.containsKey(key)) {
            throw new IllegalArgumentException("Kafka property '" + key + "' is required: pass it in "
                    + "kafkaProperties(...)");
        }
    }

    /**
     * Checks a required setting.
     *
     * @param value the setting's value
     * @param setting its name
     * @throws IllegalArgumentException naming it when it is null
     */
    protected final void require(Object value, String setting) {
        if (value == null) {
            throw new IllegalArgumentException(client + " setting '" + setting + "' is required: call " + setting
                    + "(...) on the builder");
        }
    }

    /**
     * The client-level settings the pipelines are built from, with defaults where nothing was set.
     *
     * @param kafka the client's Kafka settings as they will be used (defaults applied)
     * @param clientId the client's id
     * @return the settings
     */
    protected final GovernanceSettings governanceSettings(Map<String, Object> kafka, String clientId) {
        return new GovernanceSettings(client, application == null ? "" : application, applicationVersion, tenant,
                tenantPolicy, registry, openTelemetry != null ? openTelemetry : GlobalOpenTelemetry.get(),
                datasetEvents != null ? datasetEvents : DatasetEvents.configure(Map.of()), descriptorTopic,
                java.util.Collections.unmodifiableMap(new java.util.HashMap<>(kafka)), clientId, sharedResources,
                fieldProtection, environment, ruleEnforcement);
    }
}
