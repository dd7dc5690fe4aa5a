package dev.headwater.lineage;

import java.util.Map;

/**
 * Creates {@link DatasetEvents} from configuration; found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.headwater.lineage.DatasetEventsProvider}). {@code headwater-openlineage} provides one.
 */
public interface DatasetEventsProvider {

    /**
     * @param settings the {@value DatasetEvents#PREFIX}{@code *} settings, the prefix removed; empty when none were
     *     given (the provider may still find its own configuration, such as OpenLineage's environment variables)
     * @return the dataset events, or null when this provider finds nothing configured
     * @throws org.apache.kafka.common.config.ConfigException naming the key when a setting is wrong
     */
    DatasetEvents create(Map<String, Object> settings);
}
