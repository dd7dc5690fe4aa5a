package dev.headwater.cli;

import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.TenantProvisioning;
import dev.headwater.tenant.TenantPolicy;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code headwater tenants ...}: a tenant's topics from its policy and contracts. */
@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Provision a tenant's topics from its policy and contracts, or report their drift.",
        subcommands = {TenantsCommand.Provision.class, TenantsCommand.Drift.class})
final class TenantsCommand {

    private TenantsCommand() {
    }

    /** Shared by provision and drift. */
    abstract static class TenantRun implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Mixin
        Options.Kafka kafka;
        @Mixin
        Options.Output output;
        @Option(names = "--tenant-policy", required = true, paramLabel = "FILE",
                description = "the tenant's policy (a file, classpath: resource or URL)")
        String tenantPolicy;
        @Option(names = "--environment", paramLabel = "ENV", description = "the tenant policy's overrides to apply")
        String environment;
        @Option(names = "--client-id", paramLabel = "ID", description = "the client id the tenant's applications use: "
                + "its broker quotas (producer_byte_rate, consumer_byte_rate) are set from the policy's byte rates, "
                + "or checked against them")
        String clientId;

        Integer run(String name, boolean checkOnly) {
            TenantPolicy policy = TenantPolicy.load(tenantPolicy, environment);
            ContractDirectory directory = ContractDirectory.scan(contracts.directory);
            spec.commandLine().getErr().println("headwater: tenant " + policy.tenant() + ", "
                    + directory.contracts().size() + " contract(s) in " + contracts.directory
                    + (checkOnly ? ", checking only" : ""));
            Report report = new Report(name);
            report.problems(directory.loadProblems());
            try (Admin admin = Admin.create(kafka.settings())) {
                TenantProvisioning.Report result = TenantProvisioning.provision(admin, policy,
                        directory.contracts().values(), clientId, checkOnly);
                if (clientId != null) {
                    report.line((checkOnly ? "checked" : "set") + " broker quotas of client id " + clientId);
                }
                result.created().forEach(topic -> report.line("created " + topic));
                result.existing().forEach(topic -> report.line("exists  " + topic));
                report.problems(result.problems());
                report.detail("tenant", policy.tenant());
                report.detail("created", result.created());
                report.detail("existing", result.existing());
            }
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater tenants provision}. */
    @Command(name = "provision", mixinStandardHelpOptions = true,
            description = "Create the contracts' topics and dead-letter topics that are missing, with the tenant's "
                    + "defaults, set the broker quotas of --client-id, and report drift; --check-only changes nothing.")
    static final class Provision extends TenantRun {
        @Option(names = "--check-only", description = "create nothing: missing topics are violations too")
        boolean checkOnly;

        @Override
        public Integer call() {
            return run("tenants provision" + (checkOnly ? " --check-only" : ""), checkOnly);
        }
    }

    /** {@code headwater tenants drift}. */
    @Command(name = "drift", mixinStandardHelpOptions = true,
            description = "Report topics that are missing or break the tenant's policy (partitions, replication, "
                    + "min.insync.replicas, retention, cleanup policy, namespace); creates nothing.")
    static final class Drift extends TenantRun {
        @Override
        public Integer call() {
            return run("tenants drift", true);
        }
    }
}
