package dev.headwater.maven;

import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.PipelineSettings;
import dev.headwater.pipeline.Problem;
import dev.headwater.pipeline.TenantAccess;
import dev.headwater.pipeline.TenantProvisioning;
import dev.headwater.tenant.TenantPolicy;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:provision}: creates the contracts' topics and dead-letter topics that are missing, with the tenant's
 * defaults, sets the broker quotas of the tenant's client id from its policy, and reports drift of what exists; with {@code checkOnly} it creates nothing and missing topics are
 * drift too. Drift (partitions, replication, {@code min.insync.replicas}, retention, cleanup policy, namespace) fails
 * the build naming topic, setting, value and what the policy allows.
 */
@Mojo(name = "provision", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class ProvisionMojo extends AbstractHeadwaterMojo {

    /** The tenant's policy: a file, classpath: resource or URL. */
    @Parameter(property = "headwater.tenantPolicy", required = true)
    private String tenantPolicy;

    /** The tenant policy's environment overrides to apply. */
    @Parameter(property = "headwater.environment")
    private String environment;

    /** The cluster; {@code HEADWATER_BOOTSTRAP_SERVERS} when not set. */
    @Parameter(property = "headwater.bootstrapServers")
    private String bootstrapServers;

    /** A properties file of admin client settings (security.protocol, sasl.jaas.config, ...). */
    @Parameter(property = "headwater.kafkaConfig")
    private File kafkaConfig;

    /**
     * The client id the tenant's applications use: its broker quotas ({@code producer_byte_rate},
     * {@code consumer_byte_rate}) are set from the policy's byte rates, or checked against them.
     */
    @Parameter(property = "headwater.clientId")
    private String clientId;

    /**
     * The tenant's principal, such as {@code User:retail-app}: its ACLs at the brokers are created from the policy
     * (or, with {@code checkOnly}, checked against it). The cluster needs an authorizer.
     */
    @Parameter(property = "headwater.principal")
    private String principal;

    /** Create nothing: report missing topics and drift. */
    @Parameter(property = "headwater.checkOnly", defaultValue = "false")
    private boolean checkOnly;

    /** Creates the goal; Maven does. */
    public ProvisionMojo() {
    }

    @Override
    protected String goal() {
        return "provision";
    }

    @Override
    protected void run() throws MojoFailureException {
        TenantPolicy policy = TenantPolicy.load(tenantPolicy, environment);
        ContractDirectory directory = contracts();
        List<Problem> problems = new ArrayList<>(directory.loadProblems());
        try (Admin admin = Admin.create(PipelineSettings.kafka(bootstrapServers,
                kafkaConfig == null ? null : kafkaConfig.toPath(), System.getenv()))) {
            TenantProvisioning.Report report = TenantProvisioning.provision(admin, policy,
                    directory.contracts().values(), clientId, checkOnly);
            report.created().forEach(topic -> getLog().info("  created " + topic));
            report.existing().forEach(topic -> getLog().info("  exists  " + topic));
            problems.addAll(report.problems());
            if (principal != null && !principal.isBlank()) {
                if (checkOnly) {
                    problems.addAll(TenantAccess.drift(admin, policy, principal));
                } else {
                    TenantAccess.provision(admin, policy, principal).forEach(binding -> getLog().info("  granted "
                            + principal + " " + binding.entry().operation() + " on " + binding.pattern()));
                }
            }
        }
        failOn(problems, "topics of tenant " + policy.tenant() + (checkOnly ? " (check only)" : ""));
    }
}
