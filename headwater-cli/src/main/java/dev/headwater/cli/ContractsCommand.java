package dev.headwater.cli;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ConsumerExpectation;
import dev.headwater.pipeline.ContractChecks;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.ContractRegistration;
import dev.headwater.pipeline.EvolutionReport;
import dev.headwater.pipeline.Problem;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.tenant.TenantPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code headwater contracts ...}: what a pipeline checks and does with a repository's contracts. */
@Command(name = "contracts", mixinStandardHelpOptions = true,
        description = "Check, compare, verify against consumers and register the contracts of a directory.",
        subcommands = {ContractsCommand.Check.class, ContractsCommand.Compat.class,
                ContractsCommand.Expectations.class, ContractsCommand.Register.class, ContractsCommand.AsyncApi.class,
                ContractsCommand.Odcs.class})
final class ContractsCommand {

    private ContractsCommand() {
    }

    /** Loads the directory, printing progress to standard error. */
    private static ContractDirectory scan(CommandSpec spec, Options.Contracts contracts) {
        ContractDirectory directory = ContractDirectory.scan(contracts.directory);
        spec.commandLine().getErr().println("headwater: " + directory.contracts().size() + " contract(s) in "
                + contracts.directory + (directory.loadProblems().isEmpty() ? ""
                : ", " + directory.loadProblems().size() + " load problem(s)"));
        return directory;
    }

    private static void progress(CommandSpec spec, int index, int total, String what) {
        spec.commandLine().getErr().println("[" + index + "/" + total + "] " + what);
    }

    /** {@code headwater contracts check}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Every contract loads, its examples pass or break the rules they name, and its topics are "
                    + "inside the tenant's guardrails (with --tenant-policy).")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Mixin
        Options.Output output;
        @Option(names = "--tenant-policy", paramLabel = "FILE", description = "the tenant policy whose guardrails "
                + "the contracts' topics must keep (a file, classpath: resource or URL)")
        String tenantPolicy;
        @Option(names = "--environment", paramLabel = "ENV", description = "the tenant policy's overrides to apply")
        String environment;

        @Override
        public Integer call() {
            ContractDirectory directory = scan(spec, contracts);
            TenantPolicy policy = tenantPolicy == null ? null : TenantPolicy.load(tenantPolicy, environment);
            Report report = new Report("contracts check");
            report.problems(directory.check(policy));
            List<Map<String, Object>> checked = new ArrayList<>();
            directory.contracts().forEach((file, contract) -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("file", file.toString());
                json.put("subject", contract.subject());
                json.put("version", contract.version());
                json.put("examples", directory.examplesOf(file).isPresent());
                checked.add(json);
                report.line("checked " + file + ": " + contract.subject() + " v" + contract.version()
                        + directory.examplesOf(file).map(e -> ", examples " + e.getFileName()).orElse(""));
            });
            report.detail("contracts", checked);
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater contracts compat}. */
    @Command(name = "compat", mixinStandardHelpOptions = true,
            description = "Compare every contract with its previous version (the registry's latest, or a git "
                    + "revision) and print the evolution report; breaking changes fail unless the major version went "
                    + "up or --allow-breaking.")
    static final class Compat implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Mixin
        Options.Registry registry;
        @Mixin
        Options.Output output;
        @Option(names = "--git", paramLabel = "REVISION",
                description = "compare with the contract at this git revision, such as origin/main, instead of the "
                        + "registry")
        String gitRevision;
        @Option(names = "--allow-breaking", description = "report breaking changes without failing")
        boolean allowBreaking;

        @Override
        public Integer call() throws IOException {
            ContractDirectory directory = scan(spec, contracts);
            SchemaRegistryClient client = gitRevision == null ? registry.client() : null;
            Report report = new Report("contracts compat");
            report.problems(directory.loadProblems());
            List<Map<String, Object>> reports = new ArrayList<>();
            int index = 0;
            for (Map.Entry<Path, DataContract> entry : directory.contracts().entrySet()) {
                DataContract contract = entry.getValue();
                progress(spec, ++index, directory.contracts().size(), "comparing " + contract.subject());
                ContractChecks.Compatibility result;
                try {
                    result = client != null
                            ? ContractChecks.compatibilityWithRegistry(client, contract, allowBreaking)
                            : ContractChecks.compatibility(ContractChecks.atGitRevision(entry.getKey(), gitRevision),
                                    contract, entry.getKey().getFileName() + "@" + gitRevision, allowBreaking);
                } catch (IOException e) {
                    throw new UncheckedIOException("the version of " + entry.getKey() + " at git revision "
                            + gitRevision + " cannot be read: " + e.getMessage(), e);
                }
                report.problems(result.problems());
                EvolutionReport evolution = result.report();
                report.line(contract.subject() + ": v" + evolution.from() + " -> v" + evolution.to() + " against "
                        + result.against() + (evolution.changes().isEmpty() ? ": no change" : ""));
                List<Map<String, Object>> changes = new ArrayList<>();
                for (EvolutionReport.Change change : evolution.changes()) {
                    report.line("  " + (change.breaking() ? "BREAKING " : "         ") + change.kind() + " "
                            + change.where() + ": " + change.description());
                    changes.add(Map.of("kind", change.kind().name(), "where", change.where(),
                            "description", change.description(), "breaking", change.breaking()));
                }
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("subject", contract.subject());
                json.put("against", result.against());
                json.put("from", evolution.from());
                json.put("to", evolution.to());
                json.put("changes", changes);
                reports.add(json);
            }
            report.detail("reports", reports);
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater contracts expectations}. */
    @Command(name = "expectations", mixinStandardHelpOptions = true,
            description = "Every consumer expectation (under DIR/expectations, or published to the registry with "
                    + "--from-registry) still holds for the contracts.")
    static final class Expectations implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Mixin
        Options.Registry registry;
        @Mixin
        Options.Output output;
        @Option(names = "--from-registry", description = "read the expectations consumers published to the "
                + "registry, besides those of DIR/expectations")
        boolean fromRegistry;

        @Override
        public Integer call() {
            ContractDirectory directory = scan(spec, contracts);
            List<ConsumerExpectation> expectations = new ArrayList<>(directory.expectations());
            if (fromRegistry) {
                SchemaRegistryClient client = registry.client();
                for (DataContract contract : directory.contracts().values()) {
                    expectations.addAll(ConsumerExpectation.fromRegistry(client, contract.subject()));
                }
            }
            Report report = new Report("contracts expectations");
            report.problems(directory.loadProblems());
            report.problems(directory.checkExpectations(expectations));
            List<Map<String, Object>> consumers = new ArrayList<>();
            for (ConsumerExpectation expectation : expectations) {
                report.line("expectation of " + expectation.consumer() + " on " + expectation.contract() + " ("
                        + expectation.source() + ")");
                consumers.add(Map.of("consumer", expectation.consumer(), "contract", expectation.contract(),
                        "source", expectation.source()));
            }
            report.detail("expectations", consumers);
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater contracts register}. */
    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register every contract (schema, metadata and rules) under its subject; --dry-run says "
                    + "what would change and changes nothing. Run the checks first: a contract that does not load "
                    + "stops it before anything is registered.")
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Mixin
        Options.Registry registry;
        @Mixin
        Options.Output output;
        @Option(names = "--dry-run", description = "print what would be registered; register nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            ContractDirectory directory = scan(spec, contracts);
            Report report = new Report("contracts register" + (dryRun ? " --dry-run" : ""));
            report.problems(directory.loadProblems());
            if (!directory.loadProblems().isEmpty()) {
                return report.print(output.format, spec.commandLine().getOut()); // nothing half-registered
            }
            SchemaRegistryClient client = registry.client();
            List<Map<String, Object>> outcomes = new ArrayList<>();
            int index = 0;
            for (DataContract contract : directory.contracts().values()) {
                progress(spec, ++index, directory.contracts().size(), (dryRun ? "planning " : "registering ")
                        + contract.subject());
                ContractRegistration.Outcome outcome;
                try {
                    outcome = dryRun ? ContractRegistration.plan(client, contract)
                            : ContractRegistration.register(client, contract);
                } catch (dev.headwater.registry.SchemaRegistryException e) {
                    if (e.httpStatus() != 409) {
                        throw e;
                    }
                    report.problems(List.of(new Problem("register", contract.subject(), "the registry refuses it as "
                            + "incompatible with the registered versions: " + e.getMessage() + " — run contracts "
                            + "compat for the report")));
                    continue;
                }
                report.line((dryRun ? "would register " : "") + outcome);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("subject", outcome.subject());
                json.put("contractVersion", outcome.contractVersion());
                json.put("action", outcome.action().name());
                json.put("schemaId", outcome.schemaId());
                json.put("version", outcome.version());
                outcomes.add(json);
            }
            report.detail("registered", outcomes);
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater contracts asyncapi}. */
    @Command(name = "asyncapi", mixinStandardHelpOptions = true,
            description = "Write an AsyncAPI 3.0 document of an application: the contracts of DIR as what it sends, "
                    + "those given with --consumes as what it receives.")
    static final class AsyncApi implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Option(names = "--application", required = true, paramLabel = "NAME", description = "the application")
        String application;
        @Option(names = "--version", paramLabel = "VERSION", defaultValue = "", description = "its version")
        String version;
        @Option(names = "--consumes", paramLabel = "FILE", description = "a contract the application reads "
                + "(repeatable; a file, classpath: resource or URL)")
        List<String> consumes = new ArrayList<>();
        @Option(names = "--server", paramLabel = "NAME=BOOTSTRAP", description = "a cluster (repeatable), such as "
                + "production=broker-1:9093")
        Map<String, String> servers = new LinkedHashMap<>();
        @Mixin
        Options.Document document;
        @Mixin
        Options.Output output;

        @Override
        public Integer call() throws IOException {
            ContractDirectory directory = scan(spec, contracts);
            if (!directory.loadProblems().isEmpty()) {
                Report report = new Report("contracts asyncapi");
                report.problems(directory.loadProblems());
                return report.print(output.format, spec.commandLine().getOut());
            }
            dev.headwater.pipeline.AsyncApiExport.Builder builder = dev.headwater.pipeline.AsyncApiExport
                    .builder(application, version);
            servers.forEach(builder::server);
            directory.contracts().values().forEach(builder::produces);
            consumes.forEach(location -> builder.consumes(DataContract.load(location)));
            dev.headwater.pipeline.AsyncApiExport export = builder.build();
            return Report.document(spec, output.format, "contracts asyncapi",
                    document.json() ? export.toJson() : export.toYaml(), document.file);
        }
    }

    /** {@code headwater contracts odcs export|import}. */
    @Command(name = "odcs", mixinStandardHelpOptions = true,
            description = "Write a contract as an Open Data Contract Standard (ODCS v3.1.0) document, or read one as a "
                    + "contract.",
            subcommands = {OdcsExportCommand.class, OdcsImportCommand.class})
    static final class Odcs {
    }

    /** {@code headwater contracts odcs export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a contract as an ODCS v3.1.0 document: schema, rules as data-quality checks, owner, "
                    + "SLAs, classifications.")
    static final class OdcsExportCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @picocli.CommandLine.Parameters(paramLabel = "CONTRACT", description = "the contract (a file, classpath: "
                + "resource or URL)")
        String contract;
        @Mixin
        Options.Document document;
        @Mixin
        Options.Output output;

        @Override
        public Integer call() throws IOException {
            dev.headwater.pipeline.OdcsExport export = dev.headwater.pipeline.OdcsExport.of(
                    DataContract.load(contract));
            return Report.document(spec, output.format, "contracts odcs export",
                    document.json() ? export.toJson() : export.toYaml(), document.file);
        }
    }

    /** {@code headwater contracts odcs import}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Read an ODCS v3 document as a Headwater contract. What the contract cannot hold is listed "
                    + "(and kept as comments at the head of the contract); with --strict it fails the command.")
    static final class OdcsImportCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Output output;
        @picocli.CommandLine.Parameters(paramLabel = "ODCS_FILE", description = "the ODCS document (YAML or JSON)")
        Path document;
        @Option(names = "--file", paramLabel = "FILE", description = "write the contract here instead of standard "
                + "output")
        Path file;
        @Option(names = "--strict", description = "exit 1 when part of the document cannot be represented")
        boolean strict;

        @Override
        public Integer call() throws IOException {
            Report report = new Report("contracts odcs import");
            dev.headwater.pipeline.OdcsImport imported;
            try {
                imported = dev.headwater.pipeline.OdcsImport.read(document);
            } catch (dev.headwater.contract.ContractDefinitionException e) {
                String prefix = document + ": ";
                e.problems().forEach(problem -> report.problems(List.of(new Problem("odcs", document.toString(),
                        problem.startsWith(prefix) ? problem.substring(prefix.length()) : problem))));
                return report.print(output.format, spec.commandLine().getOut());
            }
            if (file != null || output.format == Report.OutputFormat.text) {
                Report.write(spec, imported.contractYaml(), file);
            }
            boolean failed = false;
            for (String item : imported.notRepresented()) {
                spec.commandLine().getErr().println("not represented: " + item);
                if (strict) {
                    failed = true;
                    report.problems(List.of(new Problem("odcs", document.toString(), "not represented: " + item)));
                }
            }
            report.detail("subject", imported.contract().subject());
            report.detail("notRepresented", imported.notRepresented());
            if (file == null) {
                report.detail("contract", imported.contractYaml());
            }
            if (output.format == Report.OutputFormat.json) {
                return report.print(output.format, spec.commandLine().getOut());
            }
            return failed ? report.print(output.format, spec.commandLine().getErr()) : 0;
        }
    }
}
