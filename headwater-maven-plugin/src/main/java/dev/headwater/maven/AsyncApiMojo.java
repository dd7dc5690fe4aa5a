package dev.headwater.maven;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.AsyncApiExport;
import dev.headwater.pipeline.ContractDirectory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code headwater:asyncapi}: writes the project's AsyncAPI 3.0 document: the contracts of the contracts directory as
 * what the application sends, {@code consumes} as what it receives ({@code target/asyncapi.yaml} by default).
 */
@Mojo(name = "asyncapi", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class AsyncApiMojo extends AbstractHeadwaterMojo {

    /** The application's name: the document's title. */
    @Parameter(property = "headwater.application", defaultValue = "${project.artifactId}")
    private String application;

    /** The application's version. */
    @Parameter(property = "headwater.applicationVersion", defaultValue = "${project.version}")
    private String applicationVersion;

    /** Contracts the application reads: files, classpath: resources or URLs. */
    @Parameter
    private List<String> consumes = new ArrayList<>();

    /** Clusters by name, such as {@code <production>broker-1:9093</production>}. */
    @Parameter
    private Map<String, String> servers = new LinkedHashMap<>();

    /** Where the document goes; {@code .json} for JSON, YAML otherwise. */
    @Parameter(property = "headwater.asyncapiFile", defaultValue = "${project.build.directory}/asyncapi.yaml")
    private File outputFile;

    /** Creates the goal; Maven does. */
    public AsyncApiMojo() {
    }

    @Override
    protected String goal() {
        return "asyncapi";
    }

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        ContractDirectory directory = contracts();
        failOn(directory.loadProblems(), "contracts load");
        AsyncApiExport.Builder builder = AsyncApiExport.builder(application, applicationVersion);
        servers.forEach(builder::server);
        directory.contracts().values().forEach(builder::produces);
        for (String location : consumes) {
            builder.consumes(DataContract.load(location));
        }
        AsyncApiExport export = builder.build();
        try {
            Files.createDirectories(outputFile.toPath().toAbsolutePath().getParent());
            Files.writeString(outputFile.toPath(), outputFile.getName().endsWith(".json") ? export.toJson()
                    : export.toYaml());
        } catch (IOException e) {
            throw new MojoExecutionException("headwater:asyncapi: cannot write " + outputFile + ": " + e.getMessage(),
                    e);
        }
        getLog().info("headwater:asyncapi: wrote " + outputFile);
    }
}
