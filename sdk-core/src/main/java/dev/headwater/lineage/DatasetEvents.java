package dev.headwater.lineage;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a governed client tells which topics it writes or reads, for dataset-level lineage and catalogs (OpenLineage
 * through {@code headwater-openlineage}). A client reports a topic when it starts using it and every topic it used
 * when it closes; never per record. Implementations must not block nor throw: a catalog that cannot be reached must
 * not stop the application. Off ({@link #NONE}) unless configured.
 */
public interface DatasetEvents extends AutoCloseable {

    /** The prefix of the settings that configure dataset events (OpenLineage's configuration under it). */
    String PREFIX = "headwater.lineage.openlineage.";

    /** Reports nothing. */
    DatasetEvents NONE = new DatasetEvents() {
        @Override
        public void started(DatasetUse use) {
        }

        @Override
        public void completed(DatasetUse use) {
        }

        @Override
        public String toString() {
            return "DatasetEvents.NONE";
        }
    };

    /**
     * A client started using a topic.
     *
     * @param use who uses which topic, how
     */
    void started(DatasetUse use);

    /**
     * A client stopped using a topic (it closed).
     *
     * @param use who used which topic, how
     */
    void completed(DatasetUse use);

    /**
     * A client stopped using a topic (it closed), with what it measured of the contract's rules on that topic: for
     * each rule it checked (a consumer checks the read rules), how many records it checked and how many broke it. The
     * default ignores the outcomes.
     *
     * @param use who used which topic, how
     * @param outcomes the rules checked; empty when none was (no record read, or no rule checked on this side)
     */
    default void completed(DatasetUse use, java.util.List<RuleOutcome> outcomes) {
        completed(use);
    }

    /** Delivers what is pending, within a short bound, and releases the transport. */
    @Override
    default void close() {
    }

    /**
     * Creates the dataset events a client's settings ask for: the {@value #PREFIX}{@code *} keys given, else JVM system
     * properties with that prefix, else OpenLineage's own configuration ({@code OPENLINEAGE_URL},
     * {@code OPENLINEAGE__TRANSPORT__*}, {@code OPENLINEAGE_CONFIG} or an {@code openlineage.yml}), through the
     * {@link DatasetEventsProvider} on the classpath; {@link #NONE} when nothing is configured.
     *
     * @param settings a client's settings; only the {@value #PREFIX} keys are read
     * @return the dataset events
     * @throws ConfigException when dataset events are configured but no provider is on the classpath
     */
    static DatasetEvents configure(Map<String, ?> settings) {
        Map<String, Object> given = new HashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                given.put(key.substring(PREFIX.length()), value);
            }
        });
        if (given.isEmpty()) {
            System.getProperties().forEach((key, value) -> {
                if (key instanceof String name && name.startsWith(PREFIX)) {
                    given.put(name.substring(PREFIX.length()), value);
                }
            });
        }
        for (DatasetEventsProvider provider : ServiceLoader.load(DatasetEventsProvider.class,
                DatasetEvents.class.getClassLoader())) {
            DatasetEvents events = provider.create(given);
            if (events != null) {
                return events;
            }
        }
        if (!given.isEmpty()) {
            throw new ConfigException(PREFIX + given.keySet().iterator().next(), "", "dataset events are configured "
                    + "but no provider is on the classpath: add the dependency dev.headwater:headwater-openlineage");
        }
        return NONE;
    }
}
