package dev.headwater.protection;

import java.util.Map;

/**
 * Creates {@link FieldProtection} from configuration; found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.headwater.protection.FieldProtectionProvider}). {@code headwater-protection} provides
 * one.
 */
public interface FieldProtectionProvider {

    /**
     * @param settings the {@value FieldProtection#PREFIX}{@code *} settings, the prefix removed; never empty
     * @return the protection, or null when these settings are not this provider's
     * @throws org.apache.kafka.common.config.ConfigException naming the key when a setting is wrong
     */
    FieldProtection create(Map<String, Object> settings);
}
