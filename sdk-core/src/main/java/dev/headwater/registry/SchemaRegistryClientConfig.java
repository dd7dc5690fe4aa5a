package dev.headwater.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The schema registry client's settings as Kafka-style properties, with Confluent's key names, so that a configuration
 * written for Confluent's serializers (URL, basic or bearer auth, TLS key and trust stores) configures Headwater's
 * client unchanged: {@link SchemaRegistryClient#fromProperties(Map)}. Each key is declared once in {@link #CONFIG_DEF};
 * passwords are {@link ConfigDef.Type#PASSWORD}, so Kafka's configuration printing hides them.
 */
public final class SchemaRegistryClientConfig {

    /** Comma-separated registry URLs. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Where basic auth credentials come from: {@code USER_INFO} or {@code URL}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** Basic auth as {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Where the bearer token comes from: {@code STATIC_TOKEN}. */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    /** A static bearer token. */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** How long a subject's latest version is cached, in seconds. */
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    /** The trust store for the registry's TLS certificate. */
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    /** The trust store's password. */
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    /** The trust store's type. */
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    /** The key store holding this client's certificate, for mutual TLS. */
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    /** The key store's password. */
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    /** The key store's type. */
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    /** The password of the key in the key store, when it differs from the store's. */
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

    /** The declaration of every registry client setting. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, ConfigDef.Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                    "Comma-separated schema registry URLs; the client fails over between them.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, ConfigDef.Type.STRING, "USER_INFO",
                    ConfigDef.CaseInsensitiveValidString.in("USER_INFO", "URL"), ConfigDef.Importance.MEDIUM,
                    "Where basic auth credentials come from: USER_INFO (basic.auth.user.info) or URL (user:password@ in "
                    + "the registry URL).")
            .define(BASIC_AUTH_USER_INFO, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                    "Basic auth credentials for the registry, as user:password.")
            .define(BEARER_AUTH_CREDENTIALS_SOURCE, ConfigDef.Type.STRING, "STATIC_TOKEN",
                    ConfigDef.CaseInsensitiveValidString.in("STATIC_TOKEN"), ConfigDef.Importance.LOW,
                    "Where the bearer token comes from: STATIC_TOKEN (bearer.auth.token).")
            .define(BEARER_AUTH_TOKEN, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                    "A static bearer token for the registry.")
            .define(LATEST_CACHE_TTL_SEC, ConfigDef.Type.LONG, 60L, ConfigDef.Range.atLeast(0),
                    ConfigDef.Importance.LOW, "How long a subject's latest version is cached, in seconds.")
            .define(SSL_TRUSTSTORE_LOCATION, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "Trust store (file) with the certificates that sign the registry's TLS certificate.")
            .define(SSL_TRUSTSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                    "Password of the trust store.")
            .define(SSL_TRUSTSTORE_TYPE, ConfigDef.Type.STRING, "JKS", ConfigDef.Importance.LOW,
                    "Type of the trust store: JKS or PKCS12.")
            .define(SSL_KEYSTORE_LOCATION, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "Key store (file) with this client's certificate and key, for mutual TLS.")
            .define(SSL_KEYSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                    "Password of the key store.")
            .define(SSL_KEYSTORE_TYPE, ConfigDef.Type.STRING, "JKS", ConfigDef.Importance.LOW,
                    "Type of the key store: JKS or PKCS12.")
            .define(SSL_KEY_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.LOW,
                    "Password of the key in the key store, when it is not the store's password.");

    private SchemaRegistryClientConfig() {
    }

    /**
     * @param key a properties key
     * @return true when it is one of the registry client's keys
     */
    public static boolean isRegistryKey(String key) {
        return CONFIG_DEF.names().contains(key);
    }

    /**
     * Picks the registry client's keys out of a properties map that holds others too (a serializer's, a producer's).
     *
     * @param properties the map
     * @return a new map with only the registry client's keys
     */
    public static Map<String, Object> registryKeys(Map<String, ?> properties) {
        Map<String, Object> keys = new HashMap<>();
        properties.forEach((key, value) -> {
            if (isRegistryKey(key) && value != null) {
                keys.put(key, value);
            }
        });
        return keys;
    }

    /**
     * Builds a client builder from properties.
     *
     * @param properties the properties; keys other than the registry client's are ignored
     * @return a configured builder
     * @throws ConfigException naming the key and what is wrong, never a secret's value
     */
    static SchemaRegistryClient.Builder builder(Map<String, ?> properties) {
        AbstractConfig parsed = new AbstractConfig(CONFIG_DEF, registryKeys(properties), false);
        SchemaRegistryClient.Builder builder = SchemaRegistryClient.builder()
                .urls(parsed.getList(SCHEMA_REGISTRY_URL).toArray(String[]::new))
                .latestCacheTtl(Duration.ofSeconds(parsed.getLong(LATEST_CACHE_TTL_SEC)));
        String source = parsed.getString(BASIC_AUTH_CREDENTIALS_SOURCE).toUpperCase(Locale.ROOT);
        Password basic = parsed.getPassword(BASIC_AUTH_USER_INFO);
        Password bearer = parsed.getPassword(BEARER_AUTH_TOKEN);
        if (source.equals("USER_INFO") && basic != null) {
            int colon = basic.value().indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "must be user:password");
            }
            builder.basicAuth(basic.value().substring(0, colon), basic.value().substring(colon + 1));
        }
        // with source URL the client takes user:password@ from the URL itself
        if (bearer != null) {
            String token = bearer.value();
            builder.bearerToken(() -> token);
        }
        SSLContext ssl = sslContext(parsed);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        return builder;
    }

    private static SSLContext sslContext(AbstractConfig parsed) {
        String trustStore = parsed.getString(SSL_TRUSTSTORE_LOCATION);
        String keyStore = parsed.getString(SSL_KEYSTORE_LOCATION);
        if (trustStore == null && keyStore == null) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (trustStore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(trustStore, parsed.getString(SSL_TRUSTSTORE_TYPE),
                        parsed.getPassword(SSL_TRUSTSTORE_PASSWORD), SSL_TRUSTSTORE_LOCATION));
            }
            KeyManagerFactory keys = null;
            if (keyStore != null) {
                Password storePassword = parsed.getPassword(SSL_KEYSTORE_PASSWORD);
                Password keyPassword = parsed.getPassword(SSL_KEY_PASSWORD);
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore, parsed.getString(SSL_KEYSTORE_TYPE), storePassword, SSL_KEYSTORE_LOCATION),
                        chars(keyPassword != null ? keyPassword : storePassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("The schema registry's TLS settings cannot be used: " + e.getMessage()
                    + ". Check " + SSL_TRUSTSTORE_LOCATION + ", " + SSL_KEYSTORE_LOCATION + " and their types");
        }
    }

    private static KeyStore load(String location, String type, Password password, String key)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, chars(password));
        } catch (IOException e) {
            // the message of a wrong password names no secret; the path is configuration, not a credential
            throw new ConfigException(key, location, "cannot be read as a " + type + " store: " + e.getMessage());
        }
        return store;
    }

    private static char[] chars(Password password) {
        return password == null ? null : password.value().toCharArray();
    }
}
