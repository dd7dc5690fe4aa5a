package dev.headwater.maven;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ConsumerExpectation;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.Problem;
import dev.headwater.registry.SchemaRegistryClient;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:expectations}: every consumer expectation (from {@code expectations/} under the contracts
 * directory, another directory, or published to the registry) still holds; a broken one fails the build naming the
 * consumer and what it relies on.
 */
@Mojo(name = "expectations", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ExpectationsMojo extends AbstractHeadwaterMojo {

    /** A directory of expectation files; {@code expectations/} under the contracts directory when not set. */
    @Parameter(property = "headwater.expectationsDirectory")
    private File expectationsDirectory;

    /** Also read the expectations consumers published to the registry. */
    @Parameter(property = "headwater.expectationsFromRegistry", defaultValue = "false")
    private boolean fromRegistry;

    /** Creates the goal; Maven does. */
    public ExpectationsMojo() {
    }

    @Override
    protected String goal() {
        return "expectations";
    }

    @Override
    protected void run() throws MojoFailureException {
        ContractDirectory directory = contracts();
        List<ConsumerExpectation> expectations = new ArrayList<>(expectationsDirectory == null
                ? directory.expectations() : ConsumerExpectation.loadDirectory(expectationsDirectory.toPath()));
        if (fromRegistry) {
            SchemaRegistryClient client = registry();
            for (DataContract contract : directory.contracts().values()) {
                expectations.addAll(ConsumerExpectation.fromRegistry(client, contract.subject()));
            }
        }
        expectations.forEach(e -> getLog().info("  expectation of " + e.consumer() + " on " + e.contract() + " ("
                + e.source() + ")"));
        List<Problem> problems = new ArrayList<>(directory.loadProblems());
        problems.addAll(directory.checkExpectations(expectations));
        failOn(problems, expectations.size() + " consumer expectation(s)");
    }
}
