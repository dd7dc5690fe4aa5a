package dev.headwater.cli;

import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
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
            if (!given()) {
                throw new IllegalArgumentException("no schema registry: give --registry URL or set "
                        + "SCHEMA_REGISTRY_URL");
            }
            Map<String, Object> settings = new HashMap<>(load(config));
            settings.put(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL, url);
            String userInfo = System.getenv("SCHEMA_REGISTRY_USER_INFO");
            if (userInfo != null && !userInfo.isBlank()) {
                settings.put(SchemaRegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
                settings.put(SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, userInfo);
            }
            String token = System.getenv("SCHEMA_REGISTRY_BEARER_TOKEN");
            if (token != null && !token.isBlank()) {
                settings.put(SchemaRegistryClientConfig.BEARER_AUTH_TOKEN, token);
            }
            return SchemaRegistryClient.fromProperties(settings);
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
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("no cluster: give --bootstrap-servers or set "
                        + "HEADWATER_BOOTSTRAP_SERVERS");
            }
            Map<String, Object> settings = new HashMap<>(load(config));
            settings.put("bootstrap.servers", bootstrapServers);
            settings.putIfAbsent("default.api.timeout.ms", 30_000);
            settings.putIfAbsent("request.timeout.ms", 15_000);
            return settings;
        }
    }

    private static Map<String, Object> load(Path file) {
        Map<String, Object> settings = new HashMap<>();
        if (file == null) {
            return settings;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        properties.forEach((key, value) -> settings.put((String) key, value));
        return settings;
    }
}
