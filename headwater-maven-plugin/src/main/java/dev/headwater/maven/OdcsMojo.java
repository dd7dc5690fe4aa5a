package dev.headwater.maven;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.pipeline.OdcsExport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:odcs}: writes each contract of the contracts directory as an Open Data Contract Standard (ODCS
 * v3.1.0) document, {@code {name}.odcs.yaml} in {@code target/odcs} by default, for catalogs that read ODCS.
 */
@Mojo(name = "odcs", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class OdcsMojo extends AbstractHeadwaterMojo {

    /** Where the documents go. */
    @Parameter(property = "headwater.odcsDirectory", defaultValue = "${project.build.directory}/odcs")
    private File outputDirectory;

    /** Creates the goal; Maven does. */
    public OdcsMojo() {
    }

    @Override
    protected String goal() {
        return "odcs";
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        ContractDirectory directory = contracts();
        failOn(directory.loadProblems(), "contracts load");
        try {
            Files.createDirectories(outputDirectory.toPath());
            for (Map.Entry<Path, DataContract> entry : directory.contracts().entrySet()) {
                String name = entry.getKey().getFileName().toString().replaceFirst("\\.ya?ml$", "");
                Path file = outputDirectory.toPath().resolve(name + ".odcs.yaml");
                Files.writeString(file, OdcsExport.of(entry.getValue()).toYaml());
                getLog().info("headwater:odcs: wrote " + file);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("headwater:odcs: cannot write to " + outputDirectory + ": "
                    + e.getMessage(), e);
        }
    }
}
