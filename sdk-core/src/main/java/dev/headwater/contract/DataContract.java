package dev.headwater.contract;

import dev.headwater.contract.internal.ContractChecks;
import dev.headwater.internal.Location;
import dev.headwater.registry.CompatibilityLevel;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaDefinition;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A data contract: the Avro schema of a stream plus who owns it, what each field means and how sensitive it is, which
 * values are acceptable (rules), how it may evolve, what service levels consumers can count on, and where refused
 * records go.
 *
 * <p>The owning team keeps it as a YAML file in its repository ({@link #load(Path)}; the README documents the format),
 * builds it in code ({@link #builder()}), or reads it from a schema registry in the format of Confluent's data
 * contracts ({@link #fromRegistry(RegisteredSchema)}). Every way checks the contract when it is built and lists every
 * problem in a {@link ContractDefinitionException}. Immutable and thread safe; its {@link #validator()} is compiled once.
 */
public final class DataContract {

    private final String subject;
    private final List<String> topics;
    private final String version;
    private final Owner owner;
    private final String domain;
    private final String description;
    private final List<String> tags;
    private final Map<String, FieldInfo> fields;
    private final List<ContractRule> rules;
    private final CompatibilityLevel compatibility;
    private final ServiceLevels serviceLevels;
    private final String deadLetterTopic;
    private final String erasureSubject;
    private final ObservationSampling observation;
    private final Schema schema;
    /** Compiled on first use: all rules, the write side's, the read side's. */
    private final Map<String, ContractValidator> validators = new java.util.concurrent.ConcurrentHashMap<>(4);

    private DataContract(Builder builder) {
        this.subject = builder.subject;
        this.topics = List.copyOf(builder.topics);
        this.version = builder.version;
        this.owner = builder.owner;
        this.domain = builder.domain;
        this.description = builder.description;
        this.tags = List.copyOf(builder.tags);
        this.fields = Map.copyOf(builder.fields);
        this.rules = List.copyOf(builder.rules);
        this.compatibility = builder.compatibility;
        this.serviceLevels = builder.serviceLevels;
        this.deadLetterTopic = builder.deadLetterTopic;
        this.erasureSubject = builder.erasureSubject;
        this.observation = builder.observation;
        this.schema = builder.schema;
    }

    /**
     * Loads a contract file. The Avro schema is inline ({@code schema:}) or in an {@code .avsc} file beside it
     * ({@code schemaFile:}).
     *
     * @param file the YAML file
     * @return the contract
     * @throws ContractDefinitionException listing every problem with file and line
     */
    public static DataContract load(Path file) {
        return ContractYaml.read(Location.of(Objects.requireNonNull(file, "file")));
    }

    /**
     * Loads a contract from where configuration says it is: {@code classpath:contracts/orders.yaml} (also inside a
     * Spring Boot fat jar), {@code file:} or a plain path, or an {@code https://} URL. A {@code schemaFile:} is read
     * beside it.
     *
     * @param location the contract's location
     * @return the contract
     * @throws ContractDefinitionException listing every problem with location and line, or saying it cannot be read
     */
    public static DataContract load(String location) {
        return ContractYaml.read(Location.of(location));
    }

    /**
     * Parses a contract from YAML text.
     *
     * @param yaml the contract
     * @param sourceName the name used in error messages, such as a file name
     * @param baseDirectory where {@code schemaFile:} is resolved, or null
     * @return the contract
     * @throws ContractDefinitionException listing every problem with line
     */
    public static DataContract parse(String yaml, String sourceName, Path baseDirectory) {
        return ContractYaml.read(yaml, sourceName, baseDirectory);
    }

    /**
     * Reads a contract authored in a schema registry in the format of Confluent's data contracts: {@code metadata}
     * properties and tags, and {@code ruleSet.domainRules} with CEL and CEL_FIELD conditions.
     *
     * @param registered the registered schema
     * @return the contract
     * @throws ContractDefinitionException when its rules do not compile
     */
    public static DataContract fromRegistry(RegisteredSchema registered) {
        return RegistryMapping.fromRegistry(registered);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes this contract in the format of Confluent's data contracts: the schema, {@code metadata} (owner, domain,
     * tags, service levels, classifications) and {@code ruleSet.domainRules}, so other tools that read data contracts
     * see it, and {@link #fromRegistry(RegisteredSchema)} reads it back unchanged.
     *
     * @return the schema with metadata and rule set, ready to register
     */
    public SchemaDefinition toSchemaDefinition() {
        return RegistryMapping.toSchemaDefinition(this);
    }

    /**
     * Returns the rule engine of all the rules of this contract, whatever their mode, compiled on first use: field
     * constraints into plain Java checks, CEL expressions into programs. Producers use {@link #writeValidator()} and
     * consumers {@link #readValidator()}.
     *
     * @return the validator
     */
    public ContractValidator validator() {
        return validators.computeIfAbsent("all", k -> ContractValidator.compile(this));
    }

    /**
     * Returns the rule engine of the rules a producer checks (mode {@code WRITE} or {@code WRITEREAD}), compiled on
     * first use.
     *
     * @return the validator
     */
    public ContractValidator writeValidator() {
        return validators.computeIfAbsent("write", k -> ContractValidator.compile(this, RuleMode::onWrite));
    }

    /**
     * Returns the rule engine of the rules a consumer checks (mode {@code READ} or {@code WRITEREAD}), compiled on
     * first use.
     *
     * @return the validator
     */
    public ContractValidator readValidator() {
        return validators.computeIfAbsent("read", k -> ContractValidator.compile(this, RuleMode::onRead));
    }

    /** @return the registry subject, such as {@code retail.orders.placed.v1-value} */
    public String subject() {
        return subject;
    }

    /** @return the topics this contract governs */
    public List<String> topics() {
        return topics;
    }

    /** @return the contract's version, such as {@code 1.2.0} */
    public String version() {
        return version;
    }

    /** @return the owning team */
    public Owner owner() {
        return owner;
    }

    /** @return the business domain, may be empty */
    public String domain() {
        return domain;
    }

    /** @return what the data is, may be empty */
    public String description() {
        return description;
    }

    /** @return free tags */
    public List<String> tags() {
        return tags;
    }

    /** @return meaning and classification per field name */
    public Map<String, FieldInfo> fields() {
        return fields;
    }

    /**
     * @param field a field name
     * @return its meaning and classification, if declared
     */
    public Optional<FieldInfo> field(String field) {
        return Optional.ofNullable(fields.get(field));
    }

    /** @return the rules, in declaration order */
    public List<ContractRule> rules() {
        return rules;
    }

    /** @return how the schema may evolve */
    public CompatibilityLevel compatibility() {
        return compatibility;
    }

    /** @return the service levels */
    public ServiceLevels serviceLevels() {
        return serviceLevels;
    }

    /** @return the dead-letter topic for refused records, empty when none */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /**
     * The field whose value names the person (or other subject) a record is about, for crypto-shredding: the record's
     * encrypted fields are sealed with that subject's own key, and destroying the key makes every record of the subject
     * unreadable without rewriting the log.
     *
     * @return the field's name, empty when the contract names none
     */
    public String erasureSubject() {
        return erasureSubject;
    }

    /** @return how records that break an observed rule are sampled */
    public ObservationSampling observation() {
        return observation;
    }

    /**
     * Settles the enforcement of rules this contract leaves unset, against the version live before it, as a rule
     * rollout expects: a rule the live version already had keeps the enforcement it had there; a rule new to a live
     * contract starts in {@link Enforcement#OBSERVE}; with no live version, unset rules are enforced. Rules that say
     * how they are enforced keep it. Registering the result keeps the settlement for every later reader.
     *
     * @param live the version registered before, or null when this is the first
     * @return this contract with every rule's enforcement set; this contract when nothing was unset
     */
    public DataContract withRolloutFrom(DataContract live) {
        if (rules.stream().allMatch(rule -> rule.enforcement().isSet())) {
            return this;
        }
        List<ContractRule> settled = new java.util.ArrayList<>(rules.size());
        for (ContractRule rule : rules) {
            if (rule.enforcement().isSet()) {
                settled.add(rule);
                continue;
            }
            ContractRule before = live == null ? null : live.rule(rule.name()).orElse(null);
            RuleEnforcement enforcement = live == null ? RuleEnforcement.ENFORCED
                    : before == null ? RuleEnforcement.OBSERVED
                    : before.enforcement().isSet() ? before.enforcement() : RuleEnforcement.ENFORCED;
            settled.add(rule.withEnforcement(enforcement));
        }
        Builder copy = toBuilder();
        copy.rules = settled;
        return copy.build();
    }

    /**
     * Settles the enforcement this contract leaves unset against the version live in the schema registry, as
     * {@link #withRolloutFrom(DataContract)} does: what producers register and the CLI and build plugin register, so
     * that every reader of the registry sees the same settlement. A subject that does not exist yet, or whose latest
     * version was registered without a contract (a plain serializer's), has no live rules.
     *
     * @param registry the schema registry, or null (no live version)
     * @return this contract with every rule's enforcement set
     * @throws dev.headwater.registry.SchemaRegistryException when the registry cannot say what is live
     */
    public DataContract withRolloutFromRegistry(dev.headwater.registry.SchemaRegistryClient registry) {
        if (rules.stream().allMatch(rule -> rule.enforcement().isSet())) {
            return this;
        }
        if (registry == null) {
            return withRolloutFrom(null);
        }
        dev.headwater.registry.RegisteredSchema live;
        try {
            live = registry.latest(subject);
        } catch (dev.headwater.registry.SchemaRegistryException e) {
            if (e.isNotFound()) {
                return withRolloutFrom(null); // the first version: its rules are enforced
            }
            throw e;
        }
        if (!live.definition().metadata().path("properties").has("contract.version")) {
            return withRolloutFrom(null);
        }
        DataContract before;
        try {
            before = fromRegistry(live);
        } catch (ContractDefinitionException e) {
            return withRolloutFrom(null); // not a contract Headwater can read: no rule of it was live
        }
        return withRolloutFrom(before);
    }

    /**
     * @param name a rule's name
     * @return the rule of that name
     */
    public java.util.Optional<ContractRule> rule(String name) {
        return rules.stream().filter(rule -> rule.name().equals(name)).findFirst();
    }

    private Builder toBuilder() {
        Builder builder = new Builder();
        builder.subject = subject;
        builder.topics = topics;
        builder.version = version;
        builder.owner = owner;
        builder.domain = domain;
        builder.description = description;
        builder.tags = tags;
        builder.fields.putAll(fields);
        builder.rules = rules;
        builder.compatibility = compatibility;
        builder.serviceLevels = serviceLevels;
        builder.deadLetterTopic = deadLetterTopic;
        builder.erasureSubject = erasureSubject;
        builder.observation = observation;
        builder.schema = schema;
        return builder;
    }

    /** @return the Avro schema */
    public Schema schema() {
        return schema;
    }

    @Override
    public String toString() {
        return "DataContract{" + subject + "@" + version + ", owner=" + owner.team() + ", rules=" + rules.size() + "}";
    }

    /** Builds a {@link DataContract}; {@link #build()} checks it. Not thread safe. */
    public static final class Builder {
        private String subject;
        private List<String> topics = List.of();
        private String version;
        private Owner owner;
        private String domain = "";
        private String description = "";
        private List<String> tags = List.of();
        private final Map<String, FieldInfo> fields = new LinkedHashMap<>();
        private List<ContractRule> rules = List.of();
        private CompatibilityLevel compatibility = CompatibilityLevel.BACKWARD;
        private ServiceLevels serviceLevels = ServiceLevels.NONE;
        private String deadLetterTopic = "";
        private String erasureSubject = "";
        private ObservationSampling observation = ObservationSampling.DEFAULT;
        private Schema schema;
        private String source = "<built in code>";

        private Builder() {
        }

        /** @param subject the registry subject @return this builder */
        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        /** @param topics the governed topics @return this builder */
        public Builder topics(List<String> topics) {
            this.topics = topics;
            return this;
        }

        /** @param version the contract version @return this builder */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /** @param owner the owning team @return this builder */
        public Builder owner(Owner owner) {
            this.owner = owner;
            return this;
        }

        /** @param domain the business domain @return this builder */
        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        /** @param description what the data is @return this builder */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** @param tags free tags @return this builder */
        public Builder tags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        /**
         * @param name a field name
         * @param info its meaning and classification
         * @return this builder
         */
        public Builder field(String name, FieldInfo info) {
            this.fields.put(name, info);
            return this;
        }

        /** @param rules the rules @return this builder */
        public Builder rules(List<ContractRule> rules) {
            this.rules = rules;
            return this;
        }

        /** @param compatibility how the schema may evolve; default BACKWARD @return this builder */
        public Builder compatibility(CompatibilityLevel compatibility) {
            this.compatibility = compatibility;
            return this;
        }

        /** @param serviceLevels the service levels @return this builder */
        public Builder serviceLevels(ServiceLevels serviceLevels) {
            this.serviceLevels = serviceLevels;
            return this;
        }

        /** @param topic the dead-letter topic @return this builder */
        public Builder deadLetterTopic(String topic) {
            this.deadLetterTopic = topic;
            return this;
        }

        /**
         * @param sampling how records that break an observed rule are sampled; ten an hour to the log by default
         * @return this builder
         */
        public Builder observation(ObservationSampling sampling) {
            this.observation = java.util.Objects.requireNonNull(sampling, "sampling");
            return this;
        }

        /**
         * @param field the string field naming the subject whose key seals the record's encrypted fields (empty for
         *     none)
         * @return this builder
         */
        public Builder erasureSubject(String field) {
            this.erasureSubject = java.util.Objects.requireNonNull(field, "field");
            return this;
        }

        /** @param schema the Avro schema @return this builder */
        public Builder schema(Schema schema) {
            this.schema = schema;
            return this;
        }

        /** @param source where the definition comes from, for error messages @return this builder */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /**
         * Checks and builds the contract.
         *
         * @return the contract
         * @throws ContractDefinitionException listing every problem
         */
        public DataContract build() {
            List<String> problems = ContractChecks.check(source, subject, version, owner, schema, fields, rules,
                    deadLetterTopic);
            if (!erasureSubject.isEmpty() && schema != null && schema.getType() == Schema.Type.RECORD) {
                Schema.Field field = schema.getField(erasureSubject);
                if (field == null || !AvroFields.string(AvroFields.valueType(field))) {
                    problems = new java.util.ArrayList<>(problems);
                    problems.add(source + ": erasureSubject: '" + erasureSubject + "' must be a string field of the "
                            + "schema (the subject's id, such as a customer id), was "
                            + (field == null ? "no such field" : AvroFields.describe(field)));
                } else if (fields.values().stream().noneMatch(f -> f.protection() == Protection.ENCRYPT)) {
                    problems = new java.util.ArrayList<>(problems);
                    problems.add(source + ": erasureSubject: '" + erasureSubject + "' is named but no field is "
                            + "encrypted, so nothing would become unreadable: encrypt the subject's personal fields "
                            + "(protect: encrypt) or leave erasureSubject out");
                }
            }
            if (!problems.isEmpty()) {
                throw new ContractDefinitionException(source, problems);
            }
            return new DataContract(this);
        }
    }
}
