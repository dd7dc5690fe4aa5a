package dev.headwater.maven;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.ContractRegistration;
import dev.headwater.pipeline.Problem;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:register}: registers every contract (schema, metadata and rules) under its subject, as the pipeline
 * does after the checks, never a person by hand. Unchanged contracts keep their ids; {@code dryRun} prints what would
 * change and registers nothing. A contract that does not load stops it before anything is registered.
 */
@Mojo(name = "register", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class RegisterMojo extends AbstractHeadwaterMojo {

    /** Print what would be registered; register nothing. */
    @Parameter(property = "headwater.dryRun", defaultValue = "false")
    private boolean dryRun;

    /** Creates the goal; Maven does. */
    public RegisterMojo() {
    }

    @Override
    protected String goal() {
        return "register";
    }

    @Override
    protected void run() throws MojoFailureException {
        ContractDirectory directory = contracts();
        failOn(directory.loadProblems(), "contracts load");
        SchemaRegistryClient client = registry();
        List<Problem> problems = new ArrayList<>();
        for (DataContract contract : directory.contracts().values()) {
            try {
                ContractRegistration.Outcome outcome = dryRun ? ContractRegistration.plan(client, contract)
                        : ContractRegistration.register(client, contract);
                getLog().info((dryRun ? "  would register " : "  ") + outcome);
            } catch (SchemaRegistryException e) {
                if (e.httpStatus() != 409) {
                    throw e;
                }
                problems.add(new Problem("register", contract.subject(), "the registry refuses it as incompatible "
                        + "with the registered versions: " + e.getMessage() + " — run headwater:compatibility for "
                        + "the report"));
            }
        }
        failOn(problems, dryRun ? "registration plan" : "registration");
    }
}
