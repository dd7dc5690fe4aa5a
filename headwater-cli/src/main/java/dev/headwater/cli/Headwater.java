package dev.headwater.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code headwater} command: Headwater's pipeline checks for builds that are not Maven builds, and the local
 * stack. Exit codes: 0 when all is well, 1 when a check found a violation, 2 on a usage error or when the registry or
 * cluster cannot be reached (or a file cannot be read).
 *
 * <pre>
 * headwater contracts check        [--dir src/main/contracts] [--tenant-policy FILE]
 * headwater contracts compat       --registry URL | --git REVISION  [--allow-breaking]
 * headwater contracts expectations [--from-registry --registry URL]
 * headwater contracts register     --registry URL [--dry-run]
 * headwater tenants provision      --tenant-policy FILE --bootstrap-servers HOST:PORT [--check-only]
 * headwater tenants drift          --tenant-policy FILE --bootstrap-servers HOST:PORT
 * headwater lineage graph          --events FILE | --kafka-topic TOPIC  [--format text|dot|mermaid|html]
 * headwater stack                  [--kafka-port 9092] [--registry-port 8081] [--data-dir DIR]
 * </pre>
 *
 * Every command takes {@code --output text|json} and {@code --help}. Registry credentials come from the environment
 * ({@code SCHEMA_REGISTRY_USER_INFO}, {@code SCHEMA_REGISTRY_BEARER_TOKEN}) or a properties file
 * ({@code --registry-config}), never from the command line, and are never printed.
 */
@Command(name = "headwater", mixinStandardHelpOptions = true, versionProvider = Headwater.Version.class,
        description = "Headwater's data contract and tenant checks for CI pipelines, and a local stack.",
        subcommands = {ContractsCommand.class, TenantsCommand.class, LineageCommand.class, ProtectionCommand.class,
                RulesCommand.class, ScorecardCommand.class,
                StackCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all checks passed", "1:a check found a violation",
                "2:usage error, or the registry, cluster or a file could not be reached"})
public final class Headwater {

    /** Kafka's and the registry client's INFO logs on standard error, which a command-line tool keeps quiet. */
    @picocli.CommandLine.Option(names = "--verbose", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "also print the Kafka clients' INFO logs (their configuration) on standard error")
    boolean verbose;

    /** Exit code: a check found a violation. */
    static final int VIOLATION = 1;
    /** Exit code: a usage error, or something could not be reached or read. */
    static final int TROUBLE = 2;

    private Headwater() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs a command line.
     *
     * @param args the arguments
     * @param out where results go
     * @param err where progress and errors go
     * @return the exit code
     */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (!java.util.Arrays.asList(args).contains("--verbose")) {
            // set before the first logger is made: Kafka's clients log their whole configuration at INFO
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                    System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        }
        CommandLine line = new CommandLine(new Headwater());
        line.setOut(out);
        line.setErr(err);
        line.setExitCodeExceptionMapper(e -> TROUBLE);
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            // the registry, the cluster or a file: say what, never a stack trace nor a secret
            String name = command.getCommandSpec().qualifiedName(" ").replaceFirst("^headwater ?", "");
            String message = Secrets.redact(describe(e));
            if (json(parsed)) {
                troubleAsJson(out, name, message);
            }
            err.println("headwater " + name + ": " + message);
            return TROUBLE;
        });
        CommandLine.IParameterExceptionHandler usage = line.getParameterExceptionHandler();
        line.setParameterExceptionHandler((e, arguments) -> {
            if (asksForJson(arguments)) {
                troubleAsJson(out, e.getCommandLine().getCommandSpec().qualifiedName(" ")
                        .replaceFirst("^headwater ?", ""), Secrets.redact(e.getMessage()));
            }
            return usage.handleParseException(e, arguments);
        });
        return line.execute(args);
    }

    /** Whether the command that ran was asked for {@code --output json}. */
    private static boolean json(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult innermost = parsed;
        while (innermost.hasSubcommand()) {
            innermost = innermost.subcommand();
        }
        return innermost.hasMatchedOption("--output")
                && innermost.matchedOptionValue("--output", Report.OutputFormat.text) == Report.OutputFormat.json;
    }

    /** Whether a command line that could not be parsed asked for {@code --output json}. */
    private static boolean asksForJson(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--output=json") || args[i].equals("--output") && i + 1 < args.length
                    && args[i + 1].equals("json")) {
                return true;
            }
        }
        return false;
    }

    /** A run that ended in trouble (exit 2), as the one JSON object {@code --output json} promises. */
    private static void troubleAsJson(PrintWriter out, String command, String message) {
        Report report = new Report(command.isEmpty() ? "headwater" : command);
        report.problems(java.util.List.of(new dev.headwater.pipeline.Problem("error", "", message)));
        report.print(Report.OutputFormat.json, out);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += " (" + cause.getMessage() + ")";
        }
        return message;
    }

    /** The version, from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Headwater.class.getPackage().getImplementationVersion();
            return new String[] {"headwater " + (version == null ? "(development build)" : version)};
        }
    }
}
