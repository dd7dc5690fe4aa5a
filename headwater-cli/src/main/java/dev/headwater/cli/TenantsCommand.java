package dev.headwater.cli;

import dev.headwater.pipeline.BackstageExport;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.LineageGraph;
import dev.headwater.pipeline.StrimziExport;
import dev.headwater.pipeline.TenantAccess;
import dev.headwater.pipeline.TenantProvisioning;
import dev.headwater.pipeline.usage.CostModel;
import dev.headwater.pipeline.usage.QuotaAdherence;
import dev.headwater.pipeline.usage.UsageCollector;
import dev.headwater.pipeline.usage.UsageReport;
import dev.headwater.tenant.TenantPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code headwater tenants ...}: a tenant's topics from its policy and contracts. */
@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Provision a tenant's topics from its policy and contracts, report their drift, or report "
                + "what tenants used and what it costs.",
        subcommands = {TenantsCommand.Provision.class, TenantsCommand.Drift.class, TenantsCommand.Usage.class,
            TenantsCommand.Export.class})
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
        @Option(names = "--principal", paramLabel = "TYPE:NAME", description = "the tenant's principal, such as "
                + "User:retail-app: its ACLs at the brokers are created from the policy (its namespaces, the "
                + "shared topics it reads, its group and transactional-id prefixes, the lineage descriptor topic), "
                + "or checked against it (the cluster needs an authorizer)")
        String principal;

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
                if (principal != null) {
                    if (checkOnly) {
                        report.problems(TenantAccess.drift(admin, policy, principal));
                        report.line("checked the ACLs of " + principal);
                    } else {
                        List<org.apache.kafka.common.acl.AclBinding> granted = TenantAccess.provision(admin, policy,
                                principal);
                        granted.forEach(binding -> report.line("granted " + principal + " "
                                + binding.entry().operation() + " on " + binding.pattern().resourceType()
                                .name().toLowerCase(Locale.ROOT) + " " + binding.pattern().name()
                                + (binding.pattern().patternType() == org.apache.kafka.common.resource.PatternType
                                .PREFIXED ? "*" : "")));
                        report.detail("granted", granted.size());
                    }
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

    /** {@code headwater tenants export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "What the platform runs and shows, as code: with --format strimzi what provisioning the "
                    + "tenants creates, a KafkaTopic per topic and a KafkaUser per tenant with its ACLs and quotas, "
                    + "for the Strimzi operator; with --format backstage the data products as Backstage catalog "
                    + "entities for a developer portal. YAML, one document per resource.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Option(names = "--tenant-policy", required = true, paramLabel = "FILE",
                description = "a tenant's policy (repeatable; a file, classpath: resource or URL)")
        List<String> tenantPolicies;
        @Option(names = "--environment", paramLabel = "ENV", description = "the tenant policies' overrides to apply")
        String environment;
        @Option(names = "--format", required = true, paramLabel = "strimzi|backstage",
                description = "strimzi: Strimzi custom resources; backstage: Backstage catalog entities")
        String format;
        @Option(names = "--cluster", paramLabel = "NAME",
                description = "strimzi: the Strimzi Kafka resource the topics and users belong to (strimzi.io/cluster)")
        String cluster;
        @Option(names = "--lineage", paramLabel = "FILE", description = "backstage: OpenLineage events (JSON lines, "
                + "as the governed clients send them): each producing and consuming application becomes a Component")
        Path lineage;
        @Option(names = "--file", paramLabel = "FILE", description = "write it here instead of standard output")
        Path file;

        @Override
        public Integer call() throws IOException {
            List<TenantPolicy> policies = tenantPolicies.stream()
                    .map(location -> TenantPolicy.load(location, environment)).toList();
            ContractDirectory directory = ContractDirectory.scan(contracts.directory);
            List<dev.headwater.pipeline.Problem> problems = new ArrayList<>(directory.loadProblems());
            StringBuilder text = new StringBuilder();
            switch (format.toLowerCase(Locale.ROOT)) {
                case "strimzi" -> {
                    if (cluster == null) {
                        throw new ParameterException(spec.commandLine(), "--format strimzi needs --cluster: the "
                                + "name of the Strimzi Kafka resource");
                    }
                    for (TenantPolicy policy : policies) {
                        List<dev.headwater.contract.DataContract> owned = directory.contracts().values().stream()
                                .filter(c -> c.topics().stream().anyMatch(policy::owns)).toList();
                        StrimziExport export;
                        try {
                            export = StrimziExport.of(policy, owned, cluster);
                        } catch (IllegalArgumentException e) {
                            throw new ParameterException(spec.commandLine(), e.getMessage());
                        }
                        text.append(export.toYaml());
                        problems.addAll(export.problems());
                    }
                }
                case "backstage" -> text.append(BackstageExport.of(directory.contracts().values(), policies,
                        lineage == null ? null : LineageGraph.fromOpenLineageFile(lineage)).toYaml());
                default -> throw new ParameterException(spec.commandLine(), "--format '" + format
                        + "' is not one of strimzi, backstage");
            }
            Report.write(spec, text.toString(), file);
            problems.forEach(problem -> spec.commandLine().getErr().println("headwater: " + problem));
            return problems.isEmpty() ? 0 : Headwater.VIOLATION;
        }
    }

    /** {@code headwater tenants usage}. */
    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "What each tenant used in a period (storage, partitions, records and bytes produced and "
                    + "consumed, quota adherence) from the brokers and the governed clients' metrics, and with "
                    + "--cost-model what it costs, the calculation shown.")
    static final class Usage implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Kafka kafka;
        @Option(names = "--tenant-policy", required = true, paramLabel = "FILE",
                description = "a tenant's policy (repeatable; its owns patterns tell which topics are the tenant's)")
        List<String> tenantPolicies;
        @Option(names = "--environment", paramLabel = "ENV", defaultValue = "",
                description = "the environment: the policies' overrides and the cost model's prices")
        String environment;
        @Option(names = "--metrics", paramLabel = "FILE", description = "the governed clients' metrics in OTLP JSON "
                + "lines, as the OpenTelemetry Collector's file exporter writes them (repeatable)")
        List<Path> metrics = new ArrayList<>();
        @Mixin
        Options.Period period;
        @Option(names = "--intervals", paramLabel = "N", defaultValue = "60",
                description = "how many intervals the period is cut into for rates (default: ${DEFAULT-VALUE})")
        int intervals;
        @Option(names = "--cost-model", paramLabel = "FILE", description = "prices per GB stored per month, per GB "
                + "produced and consumed, per partition per month (YAML)")
        Path costModel;
        @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json|html",
                description = "table (default), csv, json or html (a page with charts)")
        String format;
        @Option(names = "--file", paramLabel = "FILE", description = "write it here instead of standard output")
        Path file;
        @Option(names = "--fail-over-quota", description = "exit 1 when a tenant went over its quota")
        boolean failOverQuota;

        @Override
        public Integer call() throws IOException {
            Instant end = period.end();
            Instant start = period.start(end);
            List<TenantPolicy> policies = tenantPolicies.stream()
                    .map(location -> TenantPolicy.load(location, environment)).toList();
            CostModel prices = costModel == null ? null
                    : CostModel.load(costModel, environment);
            spec.commandLine().getErr().println("headwater: usage of " + policies.size() + " tenant(s) from " + start
                    + " to " + end + ", " + metrics.size() + " metrics file(s)");
            UsageReport report;
            try (Admin admin = Admin.create(kafka.settings())) {
                report = UsageCollector.builder(admin).tenants(policies).metrics(metrics)
                        .period(start, end).intervals(intervals).environment(environment).build().collect();
            }
            if (prices != null) {
                report = report.withCosts(prices);
            }
            String text = Options.render(spec, report::render, format);
            Report.write(spec, text, file);
            boolean over = report.tenants().stream().anyMatch(usage -> usage.quota().status()
                    == QuotaAdherence.Status.OVER);
            if (over) {
                report.tenants().stream().filter(usage -> usage.quota().status()
                        == QuotaAdherence.Status.OVER).forEach(usage ->
                        spec.commandLine().getErr().println("headwater: tenant " + usage.tenant() + " went over its "
                                + "quota (peak " + Math.round(usage.quota().peakRecordsPerSecond()) + " records/s, "
                                + "quota " + usage.quota().quotaRecordsPerSecond() + ", " + usage.quota().rejections()
                                + " refused)"));
            }
            return over && failOverQuota ? Headwater.VIOLATION : 0;
        }
    }
}
