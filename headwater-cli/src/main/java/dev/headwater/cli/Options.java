package dev.headwater.cli;

import dev.headwater.pipeline.PipelineSettings;
import dev.headwater.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;


/** Options several commands share, as picocli mixins. */
final class Options {

    private Options() {
    }

    /** {@code --output text|json}. */
    static final class Output {
        @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
                description = "text (default) or json: one JSON object on standard output, progress on standard "
                        + "error")
        Report.OutputFormat format;
    }

    /** {@code --format yaml|json} and {@code --file} of commands that write a document. */
    static final class Document {
        @Option(names = "--format", defaultValue = "yaml", paramLabel = "yaml|json", description = "yaml (default) "
                + "or json")
        String format;
        @Option(names = "--file", paramLabel = "FILE", description = "write it here instead of standard output")
        Path file;

        /** @return true when JSON was asked for */
        boolean json() {
            return format.equalsIgnoreCase("json");
        }
    }

    /** Where the contracts are. */
    static final class Contracts {
        @Option(names = "--dir", defaultValue = "src/main/contracts", paramLabel = "DIR",
                description = "the contracts directory: every .yaml is a contract except {name}.examples.yaml and "
                        + "expectations/ (default: ${DEFAULT-VALUE})")
        Path directory;
    }

    /** The schema registry: URL from the command line or environment, credentials from the environment or a file. */
    static final class Registry {
        @Option(names = "--registry", paramLabel = "URL", defaultValue = "${env:SCHEMA_REGISTRY_URL}",
                description = "the schema registry's URL (or SCHEMA_REGISTRY_URL); credentials come from "
                        + "SCHEMA_REGISTRY_USER_INFO (user:password), SCHEMA_REGISTRY_BEARER_TOKEN or --registry-config")
        String url;

        @Option(names = "--registry-config", paramLabel = "FILE",
                description = "a properties file with the registry's settings under Confluent's names "
                        + "(basic.auth.user.info, bearer.auth.token, schema.registry.ssl.*)")
        Path config;

        /** @return true when a registry was given */
        boolean given() {
            return url != null && !url.isBlank();
        }

        /**
         * @return a client
         * @throws IllegalArgumentException when no URL was given
         */
        SchemaRegistryClient client() {
            return PipelineSettings.registry(url, config, System.getenv());
        }
    }

    /** The Kafka cluster, for tenant commands. */
    static final class Kafka {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
                defaultValue = "${env:HEADWATER_BOOTSTRAP_SERVERS}",
                description = "the cluster (or HEADWATER_BOOTSTRAP_SERVERS)")
        String bootstrapServers;

        @Option(names = "--command-config", paramLabel = "FILE",
                description = "a properties file of admin client settings, such as security.protocol and "
                        + "sasl.jaas.config, as Kafka's own tools take it")
        Path config;

        /** @return admin client settings */
        Map<String, Object> settings() {
            return PipelineSettings.kafka(bootstrapServers, config, System.getenv());
        }
    }
}
