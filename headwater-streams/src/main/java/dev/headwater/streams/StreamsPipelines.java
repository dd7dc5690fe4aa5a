package dev.headwater.streams;

import dev.headwater.governance.ReadPipeline;
import dev.headwater.governance.WritePipeline;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipelines of each Streams application in this JVM, by application id: Kafka Streams creates its exception
 * handlers itself, from class names, so they find the pipelines the application's {@link GovernedSerde} built here.
 */
final class StreamsPipelines {

    /** One application's pipelines. */
    record Pipelines(WritePipeline writes, ReadPipeline reads) {
    }

    private static final Map<String, Pipelines> BY_APPLICATION = new ConcurrentHashMap<>();

    private StreamsPipelines() {
    }

    static void register(String applicationId, Pipelines pipelines) {
        BY_APPLICATION.put(applicationId, pipelines);
    }

    static void unregister(String applicationId, Pipelines pipelines) {
        BY_APPLICATION.remove(applicationId, pipelines);
    }

    /** @return the application id in Kafka Streams' settings, as a handler or Serde is configured with them */
    static String applicationId(Map<String, ?> configs) {
        Object id = configs.get(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG);
        return id == null ? null : id.toString();
    }

    static Optional<Pipelines> of(String applicationId) {
        return Optional.ofNullable(applicationId == null ? null : BY_APPLICATION.get(applicationId));
    }
}
