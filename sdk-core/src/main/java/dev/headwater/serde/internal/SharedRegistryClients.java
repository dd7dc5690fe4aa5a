package dev.headwater.serde.internal;

import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroSerdeConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One registry client per registry and credentials in the JVM, so that serializers and deserializers configured by
 * class name (by Kafka) share caches. Internal: not for users.
 */
public final class SharedRegistryClients {

    private static final Map<Key, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private SharedRegistryClients() {
    }

    /**
     * Returns the shared client for these settings.
     *
     * @param config the serde settings
     * @return a client, created on first use
     */
    public static SchemaRegistryClient forConfig(AvroSerdeConfig config) {
        return CLIENTS.computeIfAbsent(new Key(config.registryProperties()),
                key -> SchemaRegistryClient.fromProperties(key.properties()));
    }

    /** The registry settings; printed without them, since they may hold secrets. */
    private record Key(Map<String, Object> properties) {
        @Override
        public String toString() {
            return "Key{" + properties.keySet() + "}";
        }
    }
}
