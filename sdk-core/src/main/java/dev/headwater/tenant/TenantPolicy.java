package dev.headwater.tenant;

import dev.headwater.HeadwaterException;
import dev.headwater.internal.Location;
import dev.headwater.yaml.YamlTree;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The guardrails of one tenant of a shared Kafka platform: the topic namespaces it owns (may write and create) and may
 * read, what its topics must look like, and its produce and consume quotas.
 *
 * <p>Namespaces are patterns such as {@code {tenant}.{domain}.{dataset}.v{major}}: {@code {tenant}} is the tenant id,
 * {@code {major}} a number, any other {@code {name}} a lower-case word with dashes, and {@code *} anything. Loaded from
 * YAML with per-environment overrides ({@link #load(Path, String)}; the README documents the format) or built in code.
 * Immutable and thread safe.
 */
public final class TenantPolicy {

    /** The longest topic name Kafka allows. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private static final Set<String> TOP = Set.of("tenant", "owns", "reads", "topics", "quotas", "environments");
    private static final Set<String> TOPICS = Set.of("defaultPartitions", "minPartitions", "maxPartitions",
            "minReplicationFactor", "minInSyncReplicas", "maxRetentionMs", "cleanupPolicy");
    private static final Set<String> QUOTAS = Set.of("produce", "consume");
    private static final Set<String> QUOTA = Set.of("recordsPerSecond", "bytesPerSecond", "mode", "maxWait");
    private static final Pattern TENANT_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final String tenant;
    private final List<String> owns;
    private final List<String> reads;
    private final List<Pattern> ownPatterns;
    private final List<Pattern> readPatterns;
    private final TopicLimits topicLimits;
    private final Quota produceQuota;
    private final Quota consumeQuota;

    private TenantPolicy(Builder builder) {
        this.tenant = builder.tenant;
        this.owns = List.copyOf(builder.owns);
        this.reads = List.copyOf(builder.reads);
        this.ownPatterns = owns.stream().map(p -> compile(p, tenant)).toList();
        this.readPatterns = reads.stream().map(p -> compile(p, tenant)).toList();
        this.topicLimits = builder.topicLimits;
        this.produceQuota = builder.produceQuota;
        this.consumeQuota = builder.consumeQuota;
    }

    /**
     * Starts a policy for a tenant.
     *
     * @param tenant the tenant id: lower-case letters, digits and dashes, starting with a letter
     * @return a builder
     */
    public static Builder builder(String tenant) {
        return new Builder(tenant);
    }

    /**
     * Loads a policy file, applying the overrides of one environment.
     *
     * @param file the YAML file
     * @param environment such as {@code dev}, {@code test} or {@code prod}; null or empty for none
     * @return the policy
     * @throws HeadwaterException naming the file, the key and the problem
     */
    public static TenantPolicy load(Path file, String environment) {
        return load(Location.of(Objects.requireNonNull(file, "file")), environment);
    }

    /**
     * Loads a policy from where configuration says it is: {@code classpath:}, {@code file:} or a plain path, or an
     * {@code https://} URL, applying the overrides of one environment.
     *
     * @param location the policy's location
     * @param environment such as {@code dev}, {@code test} or {@code prod}; null or empty for none
     * @return the policy
     * @throws HeadwaterException naming the location, the key and the problem
     */
    public static TenantPolicy load(String location, String environment) {
        return load(Location.of(location), environment);
    }

    private static TenantPolicy load(Location location, String environment) {
        try {
            return parse(location.read(), location.toString(), environment);
        } catch (IOException e) {
            throw new HeadwaterException("Tenant policy " + location + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a policy from YAML text.
     *
     * @param yaml the policy
     * @param source the name used in messages
     * @param environment the environment whose overrides apply, or null
     * @return the policy
     */
    public static TenantPolicy parse(String yaml, String source, String environment) {
        YamlTree tree = YamlTree.parse(yaml, source);
        YamlTree.Value root = tree.root();
        root.mapping(TOP);
        Builder builder = builder(root.get("tenant").text());
        builder.owns(root.get("owns").texts());
        builder.reads(root.get("reads").texts());
        TopicLimits limits = limits(tree, root.get("topics"), TopicLimits.DEFAULTS);
        YamlTree.Value quotas = root.get("quotas");
        quotas.mapping(QUOTAS);
        Quota produce = quota(tree, quotas.get("produce"), Quota.UNLIMITED);
        Quota consume = quota(tree, quotas.get("consume"), Quota.UNLIMITED);
        if (environment != null && !environment.isEmpty()) {
            YamlTree.Value environments = root.get("environments");
            YamlTree.Value overrides = environments.get(environment);
            if (!overrides.present()) {
                tree.problem(environments.present() ? environments : null, "environment '" + environment
                        + "' is not defined; defined: " + environments.mapping(null).keySet());
            } else {
                overrides.mapping(Set.of("topics", "quotas"));
                limits = limits(tree, overrides.get("topics"), limits);
                YamlTree.Value q = overrides.get("quotas");
                q.mapping(QUOTAS);
                produce = quota(tree, q.get("produce"), produce);
                consume = quota(tree, q.get("consume"), consume);
            }
        }
        if (!tree.problems().isEmpty()) {
            throw new HeadwaterException("Invalid tenant policy " + source + ":\n  "
                    + String.join("\n  ", tree.problems()));
        }
        try {
            return builder.topicLimits(limits).produceQuota(produce).consumeQuota(consume).build();
        } catch (IllegalArgumentException e) {
            throw new HeadwaterException("Invalid tenant policy " + source + ": " + e.getMessage(), e);
        }
    }

    private static TopicLimits limits(YamlTree tree, YamlTree.Value topics, TopicLimits base) {
        if (!topics.present()) {
            return base;
        }
        topics.mapping(TOPICS);
        try {
            return new TopicLimits(
                    (int) topics.get("defaultPartitions").wholeNumber(1, Integer.MAX_VALUE, base.defaultPartitions()),
                    (int) topics.get("minPartitions").wholeNumber(1, Integer.MAX_VALUE, base.minPartitions()),
                    (int) topics.get("maxPartitions").wholeNumber(1, Integer.MAX_VALUE, base.maxPartitions()),
                    (short) topics.get("minReplicationFactor").wholeNumber(1, Short.MAX_VALUE,
                            base.minReplicationFactor()),
                    (int) topics.get("minInSyncReplicas").wholeNumber(1, Integer.MAX_VALUE, base.minInSyncReplicas()),
                    topics.get("maxRetentionMs").wholeNumber(-1, Long.MAX_VALUE, base.maxRetentionMs()),
                    topics.get("cleanupPolicy").text(base.cleanupPolicy()));
        } catch (IllegalArgumentException e) {
            tree.problem(topics, "'" + topics.path() + "': " + e.getMessage());
            return base;
        }
    }

    private static Quota quota(YamlTree tree, YamlTree.Value quota, Quota base) {
        if (!quota.present()) {
            return base;
        }
        quota.mapping(QUOTA);
        long records = quota.get("recordsPerSecond").wholeNumber(0, Long.MAX_VALUE, base.recordsPerSecond());
        long bytes = quota.get("bytesPerSecond").wholeNumber(0, Long.MAX_VALUE, base.bytesPerSecond());
        Quota.Mode mode = quota.get("mode").choice(Quota.Mode.class);
        Duration maxWait = quota.get("maxWait").duration();
        try {
            return new Quota(records, bytes, mode == null ? base.mode() : mode,
                    maxWait == null ? base.maxWait() : maxWait);
        } catch (IllegalArgumentException e) {
            tree.problem(quota, "'" + quota.path() + "': " + e.getMessage());
            return base;
        }
    }

    /** @return the tenant id */
    public String tenant() {
        return tenant;
    }

    /** @return the namespace patterns the tenant owns */
    public List<String> owns() {
        return owns;
    }

    /** @return the namespace patterns the tenant may read besides its own */
    public List<String> reads() {
        return reads;
    }

    /** @return what the tenant's topics must look like */
    public TopicLimits topicLimits() {
        return topicLimits;
    }

    /** @return the produce quota */
    public Quota produceQuota() {
        return produceQuota;
    }

    /** @return the consume quota */
    public Quota consumeQuota() {
        return consumeQuota;
    }

    /**
     * @param topic a topic name
     * @return true when the tenant owns the topic (may write and create it)
     */
    public boolean owns(String topic) {
        return ownPatterns.stream().anyMatch(p -> p.matcher(topic).matches());
    }

    /**
     * @param topic a topic name
     * @return true when the tenant may read the topic (owns it, or it is in a namespace it may read)
     */
    public boolean mayRead(String topic) {
        return owns(topic) || readPatterns.stream().anyMatch(p -> p.matcher(topic).matches());
    }

    /**
     * Refuses a topic the tenant may not write.
     *
     * @param topic the topic
     * @throws GuardrailViolationException naming tenant, topic and rule
     */
    public void checkWrite(String topic) {
        checkName(topic);
        if (!owns(topic)) {
            throw new GuardrailViolationException(tenant, topic, "owns", "Tenant '" + tenant + "' may not write to "
                    + "topic '" + topic + "': it is outside the namespaces the tenant owns " + owns + ". Use a topic "
                    + "in one of them, or ask the platform team to extend the tenant's policy.");
        }
    }

    /** Kafka's own rules for topic names: at most 249 characters of ASCII letters, digits, '.', '_' and '-'. */
    private void checkName(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
            throw new GuardrailViolationException(tenant, topic, "name", "Topic name of " + topic.length()
                    + " characters is not allowed: Kafka allows 1 to " + MAX_TOPIC_LENGTH + " characters. Use a "
                    + "shorter name in the tenant's namespaces " + owns + ".");
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-')) {
                throw new GuardrailViolationException(tenant, topic, "name", "Topic '" + topic + "' has the "
                        + "character '" + c + "' at position " + i + ": Kafka allows only ASCII letters, digits, "
                        + "'.', '_' and '-' in topic names.");
            }
        }
        if (topic.equals(".") || topic.equals("..")) {
            throw new GuardrailViolationException(tenant, topic, "name", "Topic name '" + topic + "' is not allowed "
                    + "by Kafka.");
        }
    }

    /**
     * Refuses a topic the tenant may not read.
     *
     * @param topic the topic
     * @throws GuardrailViolationException naming tenant, topic and rule
     */
    public void checkRead(String topic) {
        checkName(topic);
        if (!mayRead(topic)) {
            throw new GuardrailViolationException(tenant, topic, "reads", "Tenant '" + tenant + "' may not read "
                    + "topic '" + topic + "': it is outside the namespaces the tenant owns " + owns + " and may read "
                    + reads + ". Ask the topic's owner to grant read access in the tenant's policy.");
        }
    }

    /**
     * Explains why a name is not in the tenant's namespaces, for messages.
     *
     * @param topic the topic
     * @return the reason, or empty when the tenant owns it
     */
    public Optional<String> whyNotOwned(String topic) {
        return owns(topic) ? Optional.empty() : Optional.of("'" + topic + "' matches none of " + owns);
    }

    @Override
    public String toString() {
        return "TenantPolicy{" + tenant + ", owns=" + owns + ", reads=" + reads + "}";
    }

    static Pattern compile(String pattern, String tenant) {
        StringBuilder regex = new StringBuilder();
        Matcher placeholder = Pattern.compile("\\{([a-z]+)}|\\*").matcher(pattern);
        int last = 0;
        while (placeholder.find()) {
            regex.append(Pattern.quote(pattern.substring(last, placeholder.start())));
            String name = placeholder.group(1);
            if (name == null) {
                regex.append(".*");
            } else if (name.equals("tenant")) {
                regex.append(Pattern.quote(tenant));
            } else if (name.equals("major")) {
                regex.append("[0-9]+");
            } else {
                regex.append("[a-z0-9][a-z0-9-]*");
            }
            last = placeholder.end();
        }
        regex.append(Pattern.quote(pattern.substring(last)));
        return Pattern.compile(regex.toString());
    }

    /** Builds a {@link TenantPolicy}. Not thread safe. */
    public static final class Builder {
        private final String tenant;
        private List<String> owns = List.of();
        private List<String> reads = List.of();
        private TopicLimits topicLimits = TopicLimits.DEFAULTS;
        private Quota produceQuota = Quota.UNLIMITED;
        private Quota consumeQuota = Quota.UNLIMITED;

        private Builder(String tenant) {
            this.tenant = tenant;
        }

        /** @param patterns namespaces the tenant owns @return this builder */
        public Builder owns(List<String> patterns) {
            this.owns = List.copyOf(patterns);
            return this;
        }

        /** @param patterns namespaces the tenant may read @return this builder */
        public Builder reads(List<String> patterns) {
            this.reads = List.copyOf(patterns);
            return this;
        }

        /** @param limits topic defaults and limits @return this builder */
        public Builder topicLimits(TopicLimits limits) {
            this.topicLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** @param quota the produce quota @return this builder */
        public Builder produceQuota(Quota quota) {
            this.produceQuota = Objects.requireNonNull(quota, "quota");
            return this;
        }

        /** @param quota the consume quota @return this builder */
        public Builder consumeQuota(Quota quota) {
            this.consumeQuota = Objects.requireNonNull(quota, "quota");
            return this;
        }

        /**
         * @return the policy
         * @throws IllegalArgumentException naming the bad setting
         */
        public TenantPolicy build() {
            if (tenant == null || !TENANT_ID.matcher(tenant).matches()) {
                throw new IllegalArgumentException("'tenant' must be lower-case letters, digits and dashes, starting "
                        + "with a letter, was '" + tenant + "'");
            }
            if (owns.isEmpty()) {
                throw new IllegalArgumentException("'owns' needs at least one namespace pattern, such as "
                        + "{tenant}.{domain}.{dataset}.v{major}");
            }
            for (String pattern : owns) {
                if (!pattern.contains("{tenant}") && !pattern.startsWith(tenant + ".")) {
                    throw new IllegalArgumentException("owned namespace '" + pattern + "' must start with the "
                            + "tenant ('" + tenant + ".') or contain {tenant}, so tenants cannot claim each other's "
                            + "topics");
                }
            }
            return new TenantPolicy(this);
        }
    }
}
