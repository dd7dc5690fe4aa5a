package dev.headwater.internal;

import dev.headwater.lineage.DatasetEvents;

import dev.headwater.registry.SchemaRegistryClientConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Separates, in one Kafka-style properties map, Headwater's keys ({@code headwater.*}), the schema registry client's
 * (Confluent's names: {@code schema.registry.url}, {@code basic.auth.*}, {@code bearer.auth.*},
 * {@code schema.registry.ssl.*}, see {@link SchemaRegistryClientConfig}) and Kafka's, the way the governed producer and
 * consumer read their {@code fromProperties} maps. Internal: not for users.
 */
public final class HeadwaterProperties {

    private HeadwaterProperties() {
    }

    /**
     * The parts of a properties map.
     *
     * @param headwater Headwater's keys, each declared
     * @param registry the schema registry client's keys; empty when there is no registry
     * @param kafka everything else
     */
    public record Split(Map<String, Object> headwater, Map<String, Object> registry, Map<String, Object> kafka) {
    }

    /**
     * Splits a map, refusing a Headwater key its declaration does not know.
     *
     * @param properties the map
     * @param declared the declaration of the client's Headwater keys
     * @param client what the keys are for, such as "producer", in messages
     * @return both halves
     * @throws ConfigException naming an unknown key and the known ones, never its value (a misspelt key may hold a
     *     secret)
     */
    public static Split split(Map<String, ?> properties, ConfigDef declared, String client) {
        Map<String, Object> headwater = new HashMap<>();
        Map<String, Object> registry = new HashMap<>();
        Map<String, Object> kafka = new HashMap<>();
        properties.forEach((key, value) -> {
            if (SchemaRegistryClientConfig.isRegistryKey(key)) {
                registry.put(key, value);
            } else if (key.startsWith(DatasetEvents.PREFIX)) {
                headwater.put(key, value); // OpenLineage's own settings, read by DatasetEvents.configure
            } else if (key.startsWith("headwater.")) {
                if (!declared.names().contains(key)) {
                    throw new ConfigException("'" + key + "' is not a Headwater " + client + " setting; known: "
                            + declared.names().stream().sorted().toList() + " and " + DatasetEvents.PREFIX + "*");
                }
                headwater.put(key, value);
            } else {
                kafka.put(key, value);
            }
        });
        return new Split(headwater, registry, kafka);
    }

    /**
     * Refuses Headwater keys among a builder's Kafka properties, where Kafka would only warn that it does not know
     * them and the setting would silently do nothing.
     *
     * @param properties the Kafka properties
     * @param client the builder's class, such as "GovernedConsumer"
     * @throws IllegalArgumentException naming the key and the route to use
     */
    public static void refuseHeadwaterKeys(Map<String, ?> properties, String client) {
        for (String key : properties.keySet()) {
            if (key.startsWith("headwater.")) {
                throw new IllegalArgumentException("'" + key + "' is a Headwater setting, not a Kafka one: build the "
                        + client + " with " + client + ".fromProperties(...) to use headwater.* keys, or set it on "
                        + "the builder");
            }
        }
    }
}
