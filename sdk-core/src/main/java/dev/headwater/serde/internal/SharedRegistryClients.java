package dev.headwater.serde.internal;

import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroSerdeConfig;
import java.time.Duration;
import java.util.List;
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
        Key key = new Key(config.urls(), config.basicAuthUserInfo(), config.bearerToken(),
                config.latestCacheTtlSeconds());
        return CLIENTS.computeIfAbsent(key, k -> {
            SchemaRegistryClient.Builder builder = SchemaRegistryClient.builder()
                    .urls(k.urls.toArray(String[]::new))
                    .latestCacheTtl(Duration.ofSeconds(k.ttlSeconds));
            if (k.basic != null) {
                String[] parts = k.basic.split(":", 2);
                builder.basicAuth(parts[0], parts[1]);
            } else if (k.bearer != null) {
                String token = k.bearer;
                builder.bearerToken(() -> token);
            }
            return builder.build();
        });
    }

    private record Key(List<String> urls, String basic, String bearer, long ttlSeconds) {
        @Override
        public String toString() {
            return "Key{urls=" + urls + "}";
        }
    }
}
