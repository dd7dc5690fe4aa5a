package dev.headwater.maven;

import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.PipelineSettings;
import dev.headwater.pipeline.Problem;
import dev.headwater.registry.SchemaRegistryClient;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What every Headwater goal shares: where the contracts are, the registry, and how problems fail the build (one line
 * each, naming the file and line, rule, consumer or topic, and what to do).
 */
public abstract class AbstractHeadwaterMojo extends AbstractMojo {

    /**
     * The contracts directory: every {@code .yaml} is a contract except {@code {name}.examples.yaml} (its examples)
     * and the files under {@code expectations/} (consumer expectations).
     */
    @Parameter(property = "headwater.contractsDirectory", defaultValue = "${project.basedir}/src/main/contracts")
    protected File contractsDirectory;

    /**
     * The schema registry's URL; {@code SCHEMA_REGISTRY_URL} when not set. Its credentials come from
     * {@code SCHEMA_REGISTRY_USER_INFO} or {@code SCHEMA_REGISTRY_BEARER_TOKEN}, or {@link #registryConfig}, never
     * from the POM.
     */
    @Parameter(property = "headwater.registry.url")
    protected String registryUrl;

    /** A properties file of registry settings under Confluent's names (basic.auth.user.info, schema.registry.ssl.*). */
    @Parameter(property = "headwater.registry.config")
    protected File registryConfig;

    /** Skips the goal. */
    @Parameter(property = "headwater.skip", defaultValue = "false")
    protected boolean skip;

    /** Creates the goal; Maven does. */
    protected AbstractHeadwaterMojo() {
    }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("headwater: skipped");
            return;
        }
        try {
            run();
        } catch (IllegalArgumentException | dev.headwater.HeadwaterException
                | org.apache.kafka.common.KafkaException | java.io.UncheckedIOException e) {
            throw new MojoExecutionException("headwater:" + goal() + ": " + e.getMessage(), e);
        }
    }

    /** Runs the goal. */
    protected abstract void run() throws MojoExecutionException, MojoFailureException;

    /** @return the goal's name, for messages */
    protected abstract String goal();

    /** @return the contracts, scanned and loaded */
    protected ContractDirectory contracts() {
        ContractDirectory directory = ContractDirectory.scan(contractsDirectory.toPath());
        getLog().info("headwater: " + directory.contracts().size() + " contract(s) in " + contractsDirectory);
        return directory;
    }

    /** @return a registry client */
    protected SchemaRegistryClient registry() {
        return PipelineSettings.registry(registryUrl, registryConfig == null ? null : registryConfig.toPath(),
                System.getenv());
    }

    /**
     * Fails the build when there are problems.
     *
     * @param problems what the checks found
     * @param what what was checked, for the message
     * @throws MojoFailureException listing every problem
     */
    protected void failOn(List<Problem> problems, String what) throws MojoFailureException {
        if (problems.isEmpty()) {
            getLog().info("headwater:" + goal() + ": " + what + ": ok");
            return;
        }
        StringBuilder message = new StringBuilder("headwater:" + goal() + ": " + what + ": " + problems.size()
                + " problem(s):");
        for (Problem problem : problems) {
            getLog().error("[" + problem.check() + "] " + problem);
            message.append("\n  [").append(problem.check()).append("] ").append(problem);
        }
        throw new MojoFailureException(message.toString());
    }
}
