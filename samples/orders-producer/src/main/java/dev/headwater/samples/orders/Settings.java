package dev.headwater.samples.orders;

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

/**
 * Where the service connects, from its environment: {@code HEADWATER_BOOTSTRAP_SERVERS} and
 * {@code HEADWATER_REGISTRY_URL} (required), {@code HEADWATER_CLIENT_PROPERTIES} (optional: a Kafka client properties
 * file with security settings, such as {@code security.protocol} and {@code sasl.jaas.config}, and the registry's
 * with Confluent's names, such as {@code basic.auth.user.info} and {@code schema.registry.ssl.truststore.location}) and
 * {@code HEADWATER_ENVIRONMENT} (optional: the tenant policy's overrides to apply).
 *
 * @param kafka Kafka client settings
 * @param registry the schema registry's settings
 * @param environment the environment, or null
 */
record Settings(Map<String, Object> kafka, Map<String, Object> registry, String environment) {

    /**
     * @param env the environment variables
     * @return the settings
     * @throws IllegalArgumentException naming the missing variable or unreadable file
     */
    static Settings fromEnvironment(Map<String, String> env) {
        Map<String, Object> all = new HashMap<>();
        String file = env.get("HEADWATER_CLIENT_PROPERTIES");
        if (file != null && !file.isBlank()) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                properties.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("HEADWATER_CLIENT_PROPERTIES=" + file + " cannot be read: " + e, e);
            }
            properties.forEach((key, value) -> all.put((String) key, value));
        }
        all.put("bootstrap.servers", require(env, "HEADWATER_BOOTSTRAP_SERVERS", "broker-1:9092"));
        all.put(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL,
                require(env, "HEADWATER_REGISTRY_URL", "http://registry:8081"));
        return of(all, env.get("HEADWATER_ENVIRONMENT"));
    }

    /**
     * @param settings Kafka and registry settings together
     * @param environment the environment, or null
     * @return them split
     */
    static Settings of(Map<String, Object> settings, String environment) {
        Map<String, Object> kafka = new HashMap<>();
        Map<String, Object> registry = new HashMap<>();
        settings.forEach((key, value) -> (SchemaRegistryClientConfig.CONFIG_DEF.names().contains(key) ? registry
                : kafka).put(key, value));
        return new Settings(Map.copyOf(kafka), Map.copyOf(registry),
                environment == null || environment.isBlank() ? null : environment);
    }

    /** @return a registry client with these settings */
    SchemaRegistryClient registryClient() {
        return SchemaRegistryClient.fromProperties(registry);
    }

    private static String require(Map<String, String> env, String name, String example) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: give the cluster and registry, such as " + name
                    + "=" + example + " (see the README; mvn verify -Prun runs on an in-process broker instead)");
        }
        return value;
    }

    static String text(String resource) {
        try (InputStream in = Settings.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
