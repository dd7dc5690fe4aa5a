package dev.headwater.cli;

import dev.headwater.pipeline.usage.RolloutReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code headwater rules ...}: rules rolled out observe-first. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Rules rolled out observe-first: what enforcing each observed rule would have done.",
        subcommands = {RulesCommand.Rollout.class})
final class RulesCommand {

    private RulesCommand() {
    }

    /** {@code headwater rules rollout}. */
    @Command(name = "rollout", mixinStandardHelpOptions = true,
            description = "Per observed rule over a period, how many records enforcing it would have refused or "
                    + "dead-lettered, by the producing (or consuming) application, its version and environment: "
                    + "the numbers to promote a rule from observe to enforce with. Read from the governed clients' "
                    + "metrics (headwater.contract.violations.observed).")
    static final class Rollout implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--metrics", required = true, paramLabel = "FILE", description = "the governed clients' "
                + "metrics in OTLP JSON lines, as the OpenTelemetry Collector's file exporter writes them "
                + "(repeatable)")
        List<Path> metrics;
        @Mixin
        Options.Period period;
        @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json",
                description = "table (default), csv or json")
        String format;
        @Option(names = "--file", paramLabel = "FILE", description = "write it here instead of standard output")
        Path file;
        @Option(names = "--fail-if-any", description = "exit 1 when enforcing an observed rule would have refused "
                + "or dead-lettered any record: a gate before promoting rules")
        boolean failIfAny;

        @Override
        public Integer call() throws IOException {
            Instant end = period.end();
            Instant start = period.start(end);
            RolloutReport report = RolloutReport.fromMetrics(metrics, start, end);
            String text = Options.render(spec, report::render, format);
            Report.write(spec, text, file);
            return failIfAny && !report.rules().isEmpty() ? Headwater.VIOLATION : 0;
        }
    }
}
