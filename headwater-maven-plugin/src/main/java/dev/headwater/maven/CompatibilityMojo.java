package dev.headwater.maven;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ContractChecks;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.EvolutionReport;
import dev.headwater.pipeline.Problem;
import dev.headwater.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:compatibility}: every contract against its previous version, the registry's latest (with the
 * registry's own verdict) or the one at a git revision. The evolution report is printed; a breaking change fails the
 * build unless the contract's major version went up or {@code allowBreaking} is set.
 */
@Mojo(name = "compatibility", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CompatibilityMojo extends AbstractHeadwaterMojo {

    /** Compare with the contracts at this git revision (such as {@code origin/main}) instead of the registry. */
    @Parameter(property = "headwater.gitRevision")
    private String gitRevision;

    /** Report breaking changes without failing the build. */
    @Parameter(property = "headwater.allowBreaking", defaultValue = "false")
    private boolean allowBreaking;

    /** Creates the goal; Maven does. */
    public CompatibilityMojo() {
    }

    @Override
    protected String goal() {
        return "compatibility";
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        ContractDirectory directory = contracts();
        SchemaRegistryClient client = gitRevision == null ? registry() : null;
        List<Problem> problems = new ArrayList<>(directory.loadProblems());
        for (Map.Entry<Path, DataContract> entry : directory.contracts().entrySet()) {
            DataContract contract = entry.getValue();
            ContractChecks.Compatibility result;
            if (client != null) {
                result = ContractChecks.compatibilityWithRegistry(client, contract, allowBreaking);
            } else {
                try {
                    result = ContractChecks.compatibility(ContractChecks.atGitRevision(entry.getKey(), gitRevision),
                            contract, entry.getKey().getFileName() + "@" + gitRevision, allowBreaking);
                } catch (IOException e) {
                    throw new MojoExecutionException("headwater:compatibility: the version of " + entry.getKey()
                            + " at git revision " + gitRevision + " cannot be read: " + e.getMessage(), e);
                }
            }
            EvolutionReport report = result.report();
            getLog().info(contract.subject() + ": v" + report.from() + " -> v" + report.to() + " against "
                    + result.against() + (report.changes().isEmpty() ? ": no change" : ""));
            for (EvolutionReport.Change change : report.changes()) {
                String line = "  " + (change.breaking() ? "BREAKING " : "") + change.kind() + " " + change.where()
                        + ": " + change.description();
                if (change.breaking()) {
                    getLog().warn(line);
                } else {
                    getLog().info(line);
                }
            }
            problems.addAll(result.problems());
        }
        failOn(problems, "compatibility" + (allowBreaking ? " (breaking changes allowed)" : ""));
    }
}
