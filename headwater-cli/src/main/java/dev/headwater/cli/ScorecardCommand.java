package dev.headwater.cli;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.usage.Scorecard;
import dev.headwater.pipeline.usage.ScorecardCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code headwater scorecard}: is each data product keeping its promises. */
@Command(name = "scorecard", mixinStandardHelpOptions = true,
        description = "A scorecard per data product (each contract on its topics) over a period: every service "
                + "level objective the contract states with what was measured, whether it was met and the error "
                + "budget left; quality per rule, field and producer; contract versions; producers and consuming "
                + "groups with their lag. From the brokers and the governed clients' metrics.")
final class ScorecardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    Options.Contracts contracts;
    @Mixin
    Options.Kafka kafka;
    @Mixin
    Options.Registry registry;
    @Option(names = "--metrics", paramLabel = "FILE", description = "the governed clients' metrics in OTLP JSON "
            + "lines, as the OpenTelemetry Collector's file exporter writes them (repeatable)")
    List<Path> metrics = new ArrayList<>();
    @Option(names = "--subject", paramLabel = "SUBJECT", description = "score only these contracts (repeatable; "
            + "default: every contract in --dir)")
    List<String> subjects = new ArrayList<>();
    @Mixin
    Options.Period period;
    @Option(names = "--target", paramLabel = "SHARE", defaultValue = "0.99",
            description = "the share of records a freshness objective must hold for (default: ${DEFAULT-VALUE})")
    double target;
    @Option(names = "--format", defaultValue = "table", paramLabel = "table|csv|json|html",
            description = "table (default), csv, json or html (a self-contained page with charts)")
    String format;
    @Option(names = "--file", paramLabel = "FILE", description = "write it here instead of standard output")
    Path file;
    @Option(names = "--fail-on-missed", description = "exit 1 when any objective was missed: a CI gate")
    boolean failOnMissed;

    @Override
    public Integer call() throws IOException {
        Instant end = period.end();
        Instant start = period.start(end);
        List<DataContract> scored = ContractDirectory.scan(contracts.directory).contracts().values().stream()
                .filter(contract -> subjects.isEmpty() || subjects.contains(contract.subject())).toList();
        if (scored.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no contract to score in " + contracts.directory
                    + (subjects.isEmpty() ? "" : " with subject " + subjects));
        }
        spec.commandLine().getErr().println("headwater: scorecards of " + scored.size() + " data product(s) from "
                + start + " to " + end + ", " + metrics.size() + " metrics file(s)");
        Scorecard.Report report;
        try (Admin admin = Admin.create(kafka.settings())) {
            ScorecardCollector.Builder builder = ScorecardCollector.builder(admin).contracts(scored).metrics(metrics)
                    .period(start, end).target(target);
            if (registry.given()) {
                builder.registry(registry.client());
            }
            report = builder.build().collect();
        }
        String text = Options.render(spec, report::render, format);
        Report.write(spec, text, file);
        report.missed().forEach(missed -> spec.commandLine().getErr().println("headwater: " + missed));
        return failOnMissed && !report.missed().isEmpty() ? Headwater.VIOLATION : 0;
    }
}
