package dev.headwater.pipeline;

import dev.headwater.contract.DataContract;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.TenantPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;

/**
 * A tenant's topics from its policy and contracts, as a pipeline provisions them: each contract's topics and
 * dead-letter topic, created with the tenant's defaults when missing (or, checking only, reported missing), and every
 * existing topic compared with the policy (drift: partitions, replication, {@code min.insync.replicas}, retention,
 * cleanup policy, namespace).
 */
public final class TenantProvisioning {

    /** How long provisioning waits for the brokers to report quotas it has just set. */
    private static final java.time.Duration QUOTA_PROPAGATION = java.time.Duration.ofSeconds(10);

    private TenantProvisioning() {
    }

    /**
     * What provisioning found and did.
     *
     * @param created topics created now
     * @param existing topics that existed already
     * @param problems topics missing (when only checking), outside the tenant's namespaces, or drifted from the
     *     policy; each naming topic, setting, value and what the policy allows
     */
    public record Report(List<String> created, List<String> existing, List<Problem> problems) {
        /** Copies the lists. */
        public Report {
            created = List.copyOf(created);
            existing = List.copyOf(existing);
            problems = List.copyOf(problems);
        }
    }

    /**
     * Provisions (or, with {@code checkOnly}, checks) a tenant's topics.
     *
     * @param admin an admin client of the cluster
     * @param policy the tenant's policy
     * @param contracts the tenant's contracts
     * @param checkOnly true to create nothing: missing topics are problems
     * @return what was found and done
     */
    public static Report provision(Admin admin, TenantPolicy policy, Collection<DataContract> contracts,
            boolean checkOnly) {
        return provision(admin, policy, contracts, null, checkOnly);
    }

    /**
     * Provisions (or, with {@code checkOnly}, checks) a tenant's topics and the broker-side quotas of its client id:
     * the policy's produce and consume byte rates set as the broker's {@code producer_byte_rate} and
     * {@code consumer_byte_rate} for that client id (or, checking only, compared with them).
     *
     * @param admin an admin client of the cluster
     * @param policy the tenant's policy
     * @param contracts the tenant's contracts
     * @param clientId the client id the tenant's applications use, or null to leave quotas alone
     * @param checkOnly true to change nothing: missing topics and quotas are problems
     * @return what was found and done
     */
    public static Report provision(Admin admin, TenantPolicy policy, Collection<DataContract> contracts,
            String clientId, boolean checkOnly) {
        Set<String> topics = new LinkedHashSet<>();
        for (DataContract contract : contracts) {
            topics.addAll(contract.topics());
            if (!contract.deadLetterTopic().isEmpty()) {
                topics.add(contract.deadLetterTopic());
            }
        }
        List<Problem> problems = new ArrayList<>();
        Set<String> permitted = new LinkedHashSet<>();
        for (String topic : topics) {
            try {
                policy.checkWrite(topic);
                permitted.add(topic);
            } catch (GuardrailViolationException e) {
                problems.add(new Problem("guardrails", topic, e.getMessage()));
            }
        }
        TenantProvisioner provisioner = new TenantProvisioner(admin);
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        if (checkOnly) {
            Set<String> present = existingTopics(admin);
            for (String topic : permitted) {
                if (present.contains(topic)) {
                    existing.add(topic);
                } else {
                    problems.add(new Problem("drift", topic, "does not exist: provision it (without check-only) or "
                            + "create it with the tenant's defaults"));
                }
            }
        } else if (!permitted.isEmpty()) {
            TenantProvisioner.Report report = provisioner.provision(policy, permitted);
            created.addAll(report.created());
            existing.addAll(report.existing());
        }
        if (!existing.isEmpty()) {
            for (TenantProvisioner.Drift drift : provisioner.drift(policy, existing)) {
                problems.add(new Problem("drift", drift.topic(), drift.setting() + " is " + drift.actual()
                        + ", the policy of tenant " + policy.tenant() + " allows " + drift.allowed()
                        + ": change the topic, or the policy"));
            }
        }
        if (clientId != null && !clientId.isBlank()) {
            List<TenantProvisioner.Drift> drifts = provisioner.quotaDrift(policy, clientId);
            if (!checkOnly && !drifts.isEmpty()) {
                provisioner.applyBrokerQuotas(policy, clientId);
                // the brokers learn the new quotas from the controller shortly after it accepted them
                long deadline = System.nanoTime() + QUOTA_PROPAGATION.toNanos();
                do {
                    sleep();
                    drifts = provisioner.quotaDrift(policy, clientId);
                } while (!drifts.isEmpty() && System.nanoTime() < deadline);
            }
            for (TenantProvisioner.Drift drift : drifts) {
                problems.add(new Problem("drift", drift.topic(), drift.setting() + " is " + drift.actual()
                        + ", the policy of tenant " + policy.tenant() + " sets " + drift.allowed()
                        + ": provision the tenant, or change the policy"));
            }
        }
        return new Report(created, existing, problems);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.headwater.HeadwaterException("Interrupted while waiting for broker quotas", e);
        }
    }

    private static Set<String> existingTopics(Admin admin) {
        try {
            return admin.listTopics().names().get();
        } catch (ExecutionException e) {
            throw new dev.headwater.HeadwaterException("Could not list the cluster's topics: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.headwater.HeadwaterException("Interrupted while listing topics", e);
        }
    }
}
