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

    /** A period: --from and --to, or --last before --to. */
    static final class Period {
        @Option(names = "--from", paramLabel = "INSTANT", description = "the period's start, such as "
                + "2026-11-01T00:00:00Z (default: --last before --to)")
        java.time.Instant from;
        @Option(names = "--to", paramLabel = "INSTANT", description = "the period's end (default: now)")
        java.time.Instant to;
        @Option(names = "--last", paramLabel = "DURATION", defaultValue = "P7D",
                description = "the period's length when --from is not given, such as P30D or PT1H "
                        + "(default: ${DEFAULT-VALUE})")
        java.time.Duration last;

        /** @return the period's end */
        java.time.Instant end() {
            return to == null ? java.time.Instant.now() : to;
        }

        /**
         * @param end the period's end
         * @return its start
         */
        java.time.Instant start(java.time.Instant end) {
            return from == null ? end.minus(last) : from;
        }
    }

    /**
     * Renders a report in the format asked for, or says which formats there are.
     *
     * @param spec the command, for the error
     * @param render the report's renderer ({@code report::render})
     * @param format the format asked for
     * @return the text
     * @throws ParameterException naming the format and those there are
     */
    static String render(picocli.CommandLine.Model.CommandSpec spec, java.util.function.Function<String, String> render,
            String format) {
        try {
            return render.apply(format);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
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
