package dev.headwater.pipeline;

import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.registry.SchemaRegistryClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How pipeline tools reach the registry and the cluster, the same way in the Maven plugin and the command-line tool:
 * the registry's URL given, its credentials from the environment ({@value #USER_INFO_VARIABLE},
 * {@value #BEARER_TOKEN_VARIABLE}) or a properties file with Confluent's key names, never from a command line or a
 * POM; the cluster's bootstrap servers given, its security settings from a properties file, as Kafka's own tools take
 * them ({@code --command-config}).
 */
public final class PipelineSettings {

    /** The environment variable holding the registry's URL. */
    public static final String URL_VARIABLE = "SCHEMA_REGISTRY_URL";
    /** The environment variable holding basic auth for the registry, as {@code user:password}. */
    public static final String USER_INFO_VARIABLE = "SCHEMA_REGISTRY_USER_INFO";
    /** The environment variable holding a bearer token for the registry. */
    public static final String BEARER_TOKEN_VARIABLE = "SCHEMA_REGISTRY_BEARER_TOKEN";
    /** The environment variable holding the cluster's bootstrap servers. */
    public static final String BOOTSTRAP_VARIABLE = "HEADWATER_BOOTSTRAP_SERVERS";

    private PipelineSettings() {
    }

    /**
     * Builds a registry client.
     *
     * @param url the registry's URL; when null, {@value #URL_VARIABLE}
     * @param configFile a properties file of registry settings (Confluent's names), or null
     * @param env the environment
     * @return the client
     * @throws IllegalArgumentException when no URL is given, or the file cannot be read
     */
    public static SchemaRegistryClient registry(String url, Path configFile, Map<String, String> env) {
        String given = url != null && !url.isBlank() ? url : env.get(URL_VARIABLE);
        if (given == null || given.isBlank()) {
            throw new IllegalArgumentException("no schema registry: give its URL, or set " + URL_VARIABLE);
        }
        Map<String, Object> settings = load(configFile);
        settings.put(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL, given);
        String userInfo = env.get(USER_INFO_VARIABLE);
        if (userInfo != null && !userInfo.isBlank()) {
            settings.put(SchemaRegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
            settings.put(SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO, userInfo);
        }
        String token = env.get(BEARER_TOKEN_VARIABLE);
        if (token != null && !token.isBlank()) {
            settings.put(SchemaRegistryClientConfig.BEARER_AUTH_TOKEN, token);
        }
        return SchemaRegistryClient.fromProperties(settings);
    }

    /**
     * Builds admin client settings.
     *
     * @param bootstrapServers the cluster; when null, {@value #BOOTSTRAP_VARIABLE}
     * @param configFile a properties file of client settings (such as {@code security.protocol}), or null
     * @param env the environment
     * @return the settings, with timeouts short enough for a pipeline to fail fast on an unreachable cluster
     * @throws IllegalArgumentException when no cluster is given, or the file cannot be read
     */
    public static Map<String, Object> kafka(String bootstrapServers, Path configFile, Map<String, String> env) {
        String given = bootstrapServers != null && !bootstrapServers.isBlank() ? bootstrapServers
                : env.get(BOOTSTRAP_VARIABLE);
        if (given == null || given.isBlank()) {
            throw new IllegalArgumentException("no cluster: give its bootstrap servers, or set " + BOOTSTRAP_VARIABLE);
        }
        Map<String, Object> settings = load(configFile);
        settings.put("bootstrap.servers", given);
        settings.putIfAbsent("default.api.timeout.ms", 30_000);
        settings.putIfAbsent("request.timeout.ms", 15_000);
        return settings;
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
            throw new IllegalArgumentException("settings file " + file + " cannot be read: " + e.getMessage(), e);
        }
        properties.forEach((key, value) -> settings.put((String) key, value));
        return settings;
    }
}
