package dev.headwater.streams;

import dev.headwater.governance.ReadPipeline;
import dev.headwater.governance.WritePipeline;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pipelines of each Streams application in this JVM, by application id, built once and shared: Kafka Streams
 * creates a value Serde per task and its exception handlers itself, from class names, so every Serde of an
 * application uses the same pipelines (one schema registration and one lineage descriptor, not one per task), and
 * the handlers find them here. The last Serde to close closes them.
 */
final class StreamsPipelines {

    /** One application's pipelines. */
    record Pipelines(WritePipeline writes, ReadPipeline reads) {
        void close() {
            try {
                writes.close();
            } finally {
                reads.close();
            }
        }
    }

    /** Pipelines in use and how many Serdes use them. */
    private static final class Shared {
        final Pipelines pipelines;
        int users;

        Shared(Pipelines pipelines) {
            this.pipelines = pipelines;
        }
    }

    private static final Map<String, Shared> BY_APPLICATION = new HashMap<>();

    private StreamsPipelines() {
    }

    /** @return the application id in Kafka Streams' settings, as a handler or Serde is configured with them */
    static String applicationId(Map<String, ?> configs) {
        Object id = configs.get(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG);
        return id == null ? null : id.toString();
    }

    /**
     * @param applicationId the application
     * @param build builds the pipelines when the application has none yet
     * @return the application's pipelines, one more user until {@link #release}
     */
    static synchronized Pipelines acquire(String applicationId, Supplier<Pipelines> build) {
        Shared shared = BY_APPLICATION.get(applicationId);
        if (shared == null) {
            shared = new Shared(build.get());
            BY_APPLICATION.put(applicationId, shared);
        }
        shared.users++;
        return shared.pipelines;
    }

    /** One user is done with an application's pipelines: the last one closes them. */
    static void release(String applicationId, Pipelines pipelines) {
        synchronized (StreamsPipelines.class) {
            Shared shared = BY_APPLICATION.get(applicationId);
            if (shared == null || shared.pipelines != pipelines || --shared.users > 0) {
                return;
            }
            BY_APPLICATION.remove(applicationId);
        }
        pipelines.close();
    }

    static synchronized Optional<Pipelines> of(String applicationId) {
        Shared shared = applicationId == null ? null : BY_APPLICATION.get(applicationId);
        return Optional.ofNullable(shared == null ? null : shared.pipelines);
    }
}
