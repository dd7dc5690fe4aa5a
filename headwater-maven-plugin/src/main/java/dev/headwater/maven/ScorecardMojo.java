package dev.headwater.maven;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.PipelineSettings;
import dev.headwater.pipeline.usage.Scorecard;
import dev.headwater.pipeline.usage.ScorecardCollector;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:scorecard}: a scorecard per data product (each contract on its topics) over a period, from the
 * brokers and the governed clients' metrics: every service level objective the contract states with what was
 * measured, whether it was met and the error budget left; quality; contract versions; producers and consuming groups
 * with their lag. Written to a file (HTML by default); with {@code failOnMissed} a missed objective fails the build.
 */
@Mojo(name = "scorecard", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true, requiresProject = false)
public class ScorecardMojo extends AbstractHeadwaterMojo {

    /** The cluster; {@code HEADWATER_BOOTSTRAP_SERVERS} when not set. */
    @Parameter(property = "headwater.bootstrapServers")
    private String bootstrapServers;

    /** A properties file of admin client settings (security.protocol, sasl.jaas.config, ...). */
    @Parameter(property = "headwater.kafkaConfig")
    private File kafkaConfig;

    /** The governed clients' metrics in OTLP JSON lines, as the OpenTelemetry Collector's file exporter writes. */
    @Parameter(property = "headwater.metrics")
    private List<File> metrics = new ArrayList<>();

    /** The period's start, such as 2026-11-01T00:00:00Z; {@code last} before its end when not set. */
    @Parameter(property = "headwater.from")
    private String from;

    /** The period's end; now when not set. */
    @Parameter(property = "headwater.to")
    private String to;

    /** The period's length when {@code from} is not set. */
    @Parameter(property = "headwater.last", defaultValue = "P7D")
    private String last;

    /** The share of records a freshness objective must hold for. */
    @Parameter(property = "headwater.target", defaultValue = "0.99")
    private double target;

    /** html, json, csv or table. */
    @Parameter(property = "headwater.scorecard.format", defaultValue = "html")
    private String format;

    /** Where the scorecard is written. */
    @Parameter(property = "headwater.scorecard.file",
            defaultValue = "${project.build.directory}/headwater/scorecard.html")
    private File file;

    /** Fail the build when an objective was missed. */
    @Parameter(property = "headwater.failOnMissed", defaultValue = "false")
    private boolean failOnMissed;

    /** Creates the goal; Maven does. */
    public ScorecardMojo() {
    }

    @Override
    protected String goal() {
        return "scorecard";
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        Instant end = to == null ? Instant.now() : Instant.parse(to);
        Instant start = from == null ? end.minus(Duration.parse(last)) : Instant.parse(from);
        List<DataContract> contracts = List.copyOf(contracts().contracts().values());
        if (contracts.isEmpty()) {
            throw new MojoFailureException("headwater:scorecard: no contract in " + contractsDirectory);
        }
        Scorecard.Report report;
        try (Admin admin = Admin.create(PipelineSettings.kafka(bootstrapServers,
                kafkaConfig == null ? null : kafkaConfig.toPath(), System.getenv()))) {
            ScorecardCollector.Builder builder = ScorecardCollector.builder(admin).contracts(contracts)
                    .metrics(metrics.stream().map(File::toPath).toList()).period(start, end).target(target);
            if (registryUrl != null && !registryUrl.isBlank()) {
                builder.registry(registry());
            }
            report = builder.build().collect();
        }
        String text;
        try {
            text = report.render(format);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("headwater.scorecard." + e.getMessage());
        }
        try {
            Path path = file.toPath();
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, text);
        } catch (IOException e) {
            throw new MojoExecutionException("headwater:scorecard: cannot write " + file + ": " + e.getMessage(), e);
        }
        getLog().info("headwater:scorecard: " + report.scorecards().size() + " data product(s) from " + start
                + " to " + end + " written to " + file);
        report.missed().forEach(missed -> getLog().warn("  missed: " + missed));
        if (failOnMissed && !report.missed().isEmpty()) {
            throw new MojoFailureException("headwater:scorecard: " + report.missed().size()
                    + " objective(s) missed:\n  " + String.join("\n  ", report.missed()));
        }
    }
}
