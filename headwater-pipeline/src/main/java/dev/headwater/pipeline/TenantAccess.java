package dev.headwater.pipeline;

import dev.headwater.HeadwaterException;
import dev.headwater.lineage.LineageDescriptors;
import dev.headwater.tenant.TenantPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What a tenant's principals may do at the brokers, from its policy: the guardrails the governed clients enforce,
 * made real as Kafka ACLs, so that a plain client of one tenant cannot write into another's topics either.
 * <ul>
 *   <li>its own topics, by the prefix of each {@code owns} namespace (up to the first placeholder): Read, Write,
 *       Describe, DescribeConfigs, Create;</li>
 *   <li>the shared topics it is granted ({@code reads}): Read, Describe;</li>
 *   <li>consumer groups under its prefix ({@code {tenant}.}): Read, Describe; transactional ids under it: Write,
 *       Describe;</li>
 *   <li>the lineage descriptor topic: Write, Read, Describe (every governed producer publishes its descriptor, every
 *       consumer reads them).</li>
 * </ul>
 * One plan feeds provisioning ({@link #provision}), drift ({@link #drift}) and the Strimzi export's {@code KafkaUser}.
 */
public final class TenantAccess {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[a-z]+}|\\*");

    private TenantAccess() {
    }

    /**
     * One grant: operations on the resources a name or prefix matches.
     *
     * @param resourceType {@code topic}, {@code group} or {@code transactionalId}
     * @param name the name, or the prefix
     * @param prefix true when {@code name} is a prefix
     * @param operations the operations allowed, in Kafka's names ({@code Read}, {@code Write}, ...)
     */
    public record Grant(String resourceType, String name, boolean prefix, List<String> operations) {
        /** Copies the list. */
        public Grant {
            operations = List.copyOf(operations);
        }

        /** @return the grant as Kafka ACL bindings of a principal, one per operation */
        List<AclBinding> bindings(String principal) {
            ResourceType type = switch (resourceType) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                default -> throw new IllegalStateException("unknown resource type " + resourceType);
            };
            ResourcePattern pattern = new ResourcePattern(type, name, prefix ? PatternType.PREFIXED
                    : PatternType.LITERAL);
            List<AclBinding> bindings = new ArrayList<>();
            for (String operation : operations) {
                bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, "*", operation(operation),
                        AclPermissionType.ALLOW)));
            }
            return bindings;
        }
    }

    /**
     * @param policy the tenant's policy
     * @param descriptorTopic the lineage descriptor topic
     * @return the tenant's grants, each resource once
     */
    public static List<Grant> grants(TenantPolicy policy, String descriptorTopic) {
        List<Grant> grants = new ArrayList<>();
        for (String pattern : policy.owns()) {
            add(grants, "topic", pattern, policy, "Read", "Write", "Describe", "DescribeConfigs", "Create");
        }
        for (String pattern : policy.reads()) {
            add(grants, "topic", pattern, policy, "Read", "Describe");
        }
        add(grants, "group", policy.tenant() + ".*", policy, "Read", "Describe");
        add(grants, "transactionalId", policy.tenant() + ".*", policy, "Write", "Describe");
        add(grants, "topic", descriptorTopic, policy, "Write", "Read", "Describe");
        return grants;
    }

    /** A namespace pattern becomes a prefix up to its first placeholder, or a literal name without any. */
    private static void add(List<Grant> grants, String type, String pattern, TenantPolicy policy,
            String... operations) {
        String resolved = pattern.replace("{tenant}", policy.tenant());
        Matcher placeholder = PLACEHOLDER.matcher(resolved);
        boolean prefix = placeholder.find();
        String name = prefix ? resolved.substring(0, placeholder.start()) : resolved;
        for (Grant grant : grants) {
            if (grant.resourceType().equals(type) && grant.name().equals(name) && grant.prefix() == prefix) {
                return; // two namespaces of one prefix ({tenant}.x and {tenant}.x.dlq) grant it once
            }
        }
        grants.add(new Grant(type, name, prefix, List.of(operations)));
    }

    /**
     * @param policy the tenant's policy
     * @param principal the tenant's principal, such as {@code User:retail-app}
     * @param descriptorTopic the lineage descriptor topic
     * @return the ACL bindings the plan asks for
     */
    public static List<AclBinding> bindings(TenantPolicy policy, String principal, String descriptorTopic) {
        requirePrincipal(principal);
        List<AclBinding> bindings = new ArrayList<>();
        grants(policy, descriptorTopic).forEach(grant -> bindings.addAll(grant.bindings(principal)));
        return bindings;
    }

    /**
     * Creates the ACLs the plan asks for that the cluster lacks (idempotent).
     *
     * @param admin an Admin client allowed to alter ACLs (the cluster needs an authorizer)
     * @param policy the tenant's policy
     * @param principal the tenant's principal, such as {@code User:retail-app}
     * @return the bindings created
     * @throws HeadwaterException naming the principal when the cluster refuses
     */
    public static List<AclBinding> provision(Admin admin, TenantPolicy policy, String principal) {
        Set<AclBinding> existing = new LinkedHashSet<>(existing(admin, principal));
        List<AclBinding> missing = bindings(policy, principal, LineageDescriptors.DEFAULT_TOPIC).stream()
                .filter(binding -> !existing.contains(binding)).toList();
        if (!missing.isEmpty()) {
            try {
                admin.createAcls(missing).all().get();
            } catch (ExecutionException e) {
                throw new HeadwaterException("Could not create the ACLs of " + principal + " (tenant "
                        + policy.tenant() + "): " + e.getCause().getMessage() + " (the cluster needs an authorizer, "
                        + "and this client the right to alter ACLs)", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HeadwaterException("Interrupted while creating ACLs", e);
            }
        }
        return missing;
    }

    /**
     * How a principal's ACLs differ from the plan: grants missing, and grants the plan does not make (added by hand,
     * or left from an older policy).
     *
     * @param admin an Admin client allowed to describe ACLs
     * @param policy the tenant's policy
     * @param principal the tenant's principal
     * @return a problem per difference, naming the resource, the operation and what to do
     */
    public static List<Problem> drift(Admin admin, TenantPolicy policy, String principal) {
        Set<AclBinding> existing = new LinkedHashSet<>(existing(admin, principal));
        List<AclBinding> wanted = bindings(policy, principal, LineageDescriptors.DEFAULT_TOPIC);
        List<Problem> problems = new ArrayList<>();
        for (AclBinding binding : wanted) {
            if (!existing.contains(binding)) {
                problems.add(new Problem("drift", describe(binding.pattern()), "ACL missing: " + principal + " may not "
                        + binding.entry().operation() + "; the policy of tenant " + policy.tenant() + " grants it: "
                        + "provision the tenant's access"));
            }
        }
        for (AclBinding binding : existing) {
            if (!wanted.contains(binding)) {
                problems.add(new Problem("drift", describe(binding.pattern()), "ACL not in the policy: " + principal
                        + " is " + binding.entry().permissionType().name().toLowerCase(Locale.ROOT) + "ed "
                        + binding.entry().operation() + " from host " + binding.entry().host() + "; the policy of "
                        + "tenant " + policy.tenant() + " does not grant it: remove it, or add it to the policy"));
            }
        }
        return problems;
    }

    private static Collection<AclBinding> existing(Admin admin, String principal) {
        requirePrincipal(principal);
        try {
            return admin.describeAcls(new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                    principal, null, AclOperation.ANY, AclPermissionType.ANY))).values().get();
        } catch (ExecutionException e) {
            throw new HeadwaterException("Could not read the ACLs of " + principal + ": " + e.getCause().getMessage()
                    + " (the cluster needs an authorizer, and this client the right to describe ACLs)", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while reading ACLs", e);
        }
    }

    private static String describe(ResourcePattern pattern) {
        return pattern.resourceType().name().toLowerCase(Locale.ROOT) + " " + pattern.name()
                + (pattern.patternType() == PatternType.PREFIXED ? "*" : "");
    }

    private static AclOperation operation(String name) {
        return switch (name) {
            case "Read" -> AclOperation.READ;
            case "Write" -> AclOperation.WRITE;
            case "Describe" -> AclOperation.DESCRIBE;
            case "DescribeConfigs" -> AclOperation.DESCRIBE_CONFIGS;
            case "Create" -> AclOperation.CREATE;
            default -> throw new IllegalStateException("unknown operation " + name);
        };
    }

    private static void requirePrincipal(String principal) {
        Objects.requireNonNull(principal, "principal");
        if (!principal.matches("[A-Za-z]+:.+")) {
            throw new IllegalArgumentException("principal '" + principal + "' is not type:name, such as "
                    + "User:retail-app");
        }
    }
}
