package dev.headwater.protection.tink;

import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.FieldProtectionProvider;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Field protection from {@code headwater.protection.*} settings (found by {@link java.util.ServiceLoader}):
 * <ul>
 *   <li>{@code kms}: {@code local} (the default) or {@code aws};</li>
 *   <li>{@code keystore}: the {@link LocalKeyStore} file ({@code local}); {@code keystore.create=true} creates it when
 *       missing (development);</li>
 *   <li>{@code master.key.env}: the environment variable holding the key store's master key (default
 *       {@value #DEFAULT_MASTER_KEY_ENV});</li>
 *   <li>{@code aws.key.id} (required with {@code aws}), {@code aws.region}, {@code aws.endpoint} (a KMS-compatible
 *       endpoint), {@code aws.token.keys} (the token keyset file); credentials come from AWS's default chain;</li>
 *   <li>{@code data.key.period.ms}: how long a producer seals with one data key (default one hour);</li>
 *   <li>{@code rotation.check.ms}: how often a producer asks whether the key-encryption key rotated (default 1000;
 *       0 before every record).</li>
 * </ul>
 */
public final class TinkProtectionProvider implements FieldProtectionProvider {

    /** The environment variable that holds the local key store's master key unless {@code master.key.env} says. */
    public static final String DEFAULT_MASTER_KEY_ENV = "HEADWATER_MASTER_KEY";
    private static final Set<String> KNOWN = Set.of("kms", "keystore", "keystore.create", "master.key.env",
            "aws.key.id", "aws.region", "aws.endpoint", "aws.token.keys", "data.key.period.ms", "rotation.check.ms");

    @Override
    public FieldProtection create(Map<String, Object> settings) {
        for (String key : settings.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new ConfigException(FieldProtection.PREFIX + key + " is not a field protection setting; known: "
                        + new TreeSet<>(KNOWN).stream().map(k -> FieldProtection.PREFIX + k).toList());
            }
        }
        Duration period = Duration.ofMillis(number(settings, "data.key.period.ms", Duration.ofHours(1).toMillis(),
                1));
        Duration rotationCheck = Duration.ofMillis(number(settings, "rotation.check.ms",
                TinkFieldProtection.ROTATION_CHECK.toMillis(), 0));
        String kms = text(settings, "kms", "local");
        KeyService keys = switch (kms) {
            case "local" -> localKeyStore(settings);
            case "aws" -> AwsKms.create(text(settings, "aws.key.id", null), text(settings, "aws.region", null),
                    text(settings, "aws.endpoint", null), text(settings, "aws.token.keys", null));
            default -> throw new ConfigException(FieldProtection.PREFIX + "kms", kms, "must be local or aws");
        };
        return new TinkFieldProtection(keys, period, rotationCheck, true);
    }

    private static KeyService localKeyStore(Map<String, Object> settings) {
        String file = text(settings, "keystore", null);
        if (file == null) {
            throw new ConfigException(FieldProtection.PREFIX + "keystore is required with kms=local: the key store "
                    + "file (LocalKeyStore)");
        }
        String variable = text(settings, "master.key.env", DEFAULT_MASTER_KEY_ENV);
        String master = System.getenv(variable);
        if (master == null || master.isBlank()) {
            throw new ConfigException("Environment variable " + variable + " (" + FieldProtection.PREFIX
                    + "master.key.env) is not set: it must hold the master key of key store " + file
                    + " (LocalKeyStore.newMasterKey())");
        }
        Path path = Path.of(file);
        boolean create = Boolean.parseBoolean(text(settings, "keystore.create", "false"));
        try {
            return create && !Files.exists(path) ? LocalKeyStore.create(path, master) : LocalKeyStore.open(path, master);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            // the message names the file and the problem, never the key
            throw new ConfigException(FieldProtection.PREFIX + "keystore: " + e.getMessage());
        }
    }

    private static String text(Map<String, Object> settings, String key, String otherwise) {
        Object value = settings.get(key);
        return value == null || value.toString().isBlank() ? otherwise : value.toString().strip();
    }

    private static long number(Map<String, Object> settings, String key, long otherwise, long least) {
        String value = text(settings, key, null);
        if (value == null) {
            return otherwise;
        }
        try {
            long number = Long.parseLong(value);
            if (number < least) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new ConfigException(FieldProtection.PREFIX + key, value, "must be a whole number of at least "
                    + least);
        }
    }

    /** Kept apart so that the AWS SDK is loaded only when {@code kms=aws}. */
    private static final class AwsKms {
        static KeyService create(String keyId, String region, String endpoint, String tokenKeys) {
            if (keyId == null) {
                throw new ConfigException(FieldProtection.PREFIX + "aws.key.id is required with kms=aws: the KMS "
                        + "key (id, ARN or alias) that wraps data keys");
            }
            try {
                Class.forName("software.amazon.awssdk.services.kms.KmsClient");
            } catch (ClassNotFoundException e) {
                throw new ConfigException(FieldProtection.PREFIX + "kms=aws needs AWS's KMS client on the classpath: "
                        + "add software.amazon.awssdk:kms and software.amazon.awssdk:url-connection-client");
            }
            var builder = software.amazon.awssdk.services.kms.KmsClient.builder()
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create());
            if (region != null) {
                builder.region(software.amazon.awssdk.regions.Region.of(region));
            }
            if (endpoint != null) {
                builder.endpointOverride(URI.create(endpoint));
            }
            return new AwsKmsKeyService(builder.build(), keyId, tokenKeys == null ? null : Path.of(tokenKeys), true);
        }
    }
}
