package dev.headwater.maven;

import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.tenant.TenantPolicy;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:check}: every contract loads, its examples pass or break the rules they name, and (given a tenant
 * policy) its topics are inside the tenant's guardrails. Needs no registry or cluster.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends AbstractHeadwaterMojo {

    /** The tenant policy whose guardrails the contracts' topics must keep: a file, classpath: resource or URL. */
    @Parameter(property = "headwater.tenantPolicy")
    private String tenantPolicy;

    /** The tenant policy's environment overrides to apply. */
    @Parameter(property = "headwater.environment")
    private String environment;

    /** Creates the goal; Maven does. */
    public CheckMojo() {
    }

    @Override
    protected String goal() {
        return "check";
    }

    @Override
    protected void run() throws MojoFailureException {
        ContractDirectory directory = contracts();
        TenantPolicy policy = tenantPolicy == null ? null : TenantPolicy.load(tenantPolicy, environment);
        directory.contracts().forEach((file, contract) -> getLog().info("  " + file.getFileName() + ": "
                + contract.subject() + " v" + contract.version() + directory.examplesOf(file)
                .map(e -> ", examples " + e.getFileName()).orElse(", no examples")));
        failOn(directory.check(policy), "contracts, examples" + (policy == null ? "" : " and guardrails of tenant "
                + policy.tenant()));
    }
}
