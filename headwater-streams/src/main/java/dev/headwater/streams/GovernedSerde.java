package dev.headwater.streams;

import dev.headwater.governance.HeadwaterClientConfig;
import dev.headwater.governance.Read;
import dev.headwater.governance.ReadPipeline;
import dev.headwater.governance.Write;
import dev.headwater.governance.WritePipeline;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageContext;
import dev.headwater.producer.GovernedProducerConfig;
import dev.headwater.registry.SchemaRegistryClientConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The values of a Kafka Streams application, governed: the Streams route onto Headwater's write and read pipelines.
 * Configured like the serializer route ({@code headwater.application.name}, {@code headwater.contract.file} with
 * one or more contracts, each governing the topics it lists, {@code schema.registry.url}, ...), from the Streams
 * application's own properties when it is the default value Serde, or by {@link #configure}.
 * <ul>
 *   <li><b>Sinks</b>: every record written to a topic is checked against that topic's contract and written in its
 *       schema, with the application's own lineage: the input's Headwater headers (lineage, trace context, dead-letter
 *       and protection headers), which Kafka Streams forwards from input to output, are dropped, and the output's
 *       causation is the event id of the input that produced it, its correlation the input's. A refused output is
 *       thrown as a {@link GovernedStreamsException}, which {@link GovernedProductionExceptionHandler} turns into a
 *       dead letter.</li>
 *   <li><b>Sources</b>: every record read is decoded and checked by the read rules of its topic's contract; a poison
 *       or refused input is thrown as a {@link GovernedStreamsException}, which
 *       {@link GovernedDeserializationExceptionHandler} dead-letters.</li>
 * </ul>
 * For an aggregation, the output's lineage names the input whose update emitted it (Kafka Streams gives an emitted
 * aggregate the headers of the record that updated it last); a windowed aggregate's causation is therefore the last
 * input of its window that was processed before it was emitted, not every input it sums.
 *
 * @param <T> the value type: Avro records of the contracts' schemas
 */
public final class GovernedSerde<T> implements Serde<T> {

    /** Header keys Headwater and the tracing conventions write: never forwarded from an input to an output. */
    private static final List<String> FORWARDED_PREFIXES = List.of("hw", "ce_");
    private static final List<String> FORWARDED_KEYS = List.of("traceparent", "tracestate", "content-type");

    private final GovernedSerializer serializer = new GovernedSerializer();
    private final GovernedDeserializer deserializer = new GovernedDeserializer();
    private WritePipeline writes;
    private ReadPipeline reads;
    private String applicationId;
    /** The pipelines in use: the application's, shared by all its Serdes, or this Serde's own outside Streams. */
    private StreamsPipelines.Pipelines pipelines;

    /** Creates a Serde for Kafka Streams, or the application, to configure. */
    public GovernedSerde() {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (isKey) {
            throw new ConfigException("GovernedSerde governs values: use it as the value Serde "
                    + "(default.value.serde, or Produced/Consumed.with(keySerde, governedSerde))");
        }
        if (!configs.containsKey(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL)) {
            throw new ConfigException(SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL, null, "is required by "
                    + "GovernedSerde: the contracts' schemas are registered there");
        }
        if (!configs.containsKey(HeadwaterClientConfig.CONTRACTS)
                && !configs.containsKey(GovernedProducerConfig.CONTRACT_FILE)) {
            throw new ConfigException(GovernedProducerConfig.CONTRACT_FILE, null, "is required by GovernedSerde: "
                    + "each contract governs the topics it lists, sources and sinks alike");
        }
        this.applicationId = StreamsPipelines.applicationId(configs);
        this.pipelines = applicationId == null ? build(configs, String.valueOf(configs.get(
                GovernedProducerConfig.APPLICATION_NAME))) : StreamsPipelines.acquire(applicationId,
                () -> build(configs, applicationId));
        this.writes = pipelines.writes();
        this.reads = pipelines.reads();
    }

    /** Builds the write pipeline of the sinks and the read pipeline of the sources from the application's settings. */
    private static StreamsPipelines.Pipelines build(Map<String, ?> configs, String client) {
        Map<String, Object> settings = withoutStreamsKeys(configs);
        WritePipeline writes;
        try {
            writes = GovernedProducerConfig.apply(settings, WritePipeline.builder(), true)
                    .producer(settings, client).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        try {
            Map<String, Object> readSettings = new java.util.HashMap<>(settings);
            readSettings.remove(GovernedProducerConfig.FAILURE_POLICY); // the producing side's own settings
            readSettings.remove(GovernedProducerConfig.LINEAGE_FORMAT);
            HeadwaterClientConfig.Split split = HeadwaterClientConfig.split(readSettings,
                    HeadwaterClientConfig.common(), "Streams Serde");
            ReadPipeline.Builder read = ReadPipeline.builder();
            HeadwaterClientConfig.apply(new AbstractConfig(HeadwaterClientConfig.common(), split.headwater(), false),
                    split, read, true);
            // keys are the topology's own business; values are wire-format Avro read through the registry
            return new StreamsPipelines.Pipelines(writes, read.consumer(split.kafka(), client)
                    .deserializers(new ByteArrayDeserializer(), null).build());
        } catch (IllegalArgumentException e) {
            writes.close();
            throw new ConfigException(e.getMessage());
        } catch (RuntimeException e) {
            writes.close();
            throw e;
        }
    }

    /** Kafka Streams' own keys are not the internal clients': only the client settings are kept for them. */
    private static Map<String, Object> withoutStreamsKeys(Map<String, ?> configs) {
        Map<String, Object> settings = new java.util.HashMap<>();
        configs.forEach((key, value) -> {
            if (!StreamsConfig.configDef().names().contains(key) || key.equals("bootstrap.servers")
                    || key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        if (pipelines == null) {
            return;
        }
        if (applicationId == null) {
            pipelines.close();
        } else {
            StreamsPipelines.release(applicationId, pipelines);
        }
        pipelines = null;
    }

    /**
     * Drops what an input's Headwater and tracing headers would claim about an output: its lineage is the
     * application's own, made by the write pipeline.
     */
    static void dropForwardedHeaders(Headers headers) {
        List<String> keys = new ArrayList<>();
        for (Header header : headers) {
            String key = header.key();
            if (FORWARDED_KEYS.contains(key) || FORWARDED_PREFIXES.stream().anyMatch(key::startsWith)) {
                keys.add(key);
            }
        }
        keys.forEach(headers::remove);
    }

    /** The sinks' serializer. */
    private final class GovernedSerializer implements Serializer<T> {

        /**
         * The input the outputs being written come from: Kafka Streams writes the outputs of one input, to one sink
         * or several, with that input's headers object, one input at a time per thread.
         */
        private final ThreadLocal<Origin> origin = new ThreadLocal<>();

        @Override
        public byte[] serialize(String topic, T data) {
            return serialize(topic, new RecordHeaders(), data);
        }

        @Override
        public byte[] serialize(String topic, Headers headers, T data) {
            if (writes == null) {
                throw new IllegalStateException("GovernedSerde is not configured: set it as default.value.serde, or "
                        + "call configure(...) before handing it to the topology");
            }
            LineageContext context = origin(headers);
            dropForwardedHeaders(headers);
            Write write;
            if (context == null) {
                write = writes.write(topic, headers, data, null);
            } else {
                try (LineageContext.Scope scope = context.makeCurrent()) {
                    write = writes.write(topic, headers, data, null);
                }
            }
            switch (write.outcome()) {
                case SEND -> {
                    writes.handedOff(write);
                    return write.value();
                }
                case DEAD_LETTER -> throw GovernedStreamsException.deadLettered(write);
                default -> throw GovernedStreamsException.refused(write);
            }
        }

        /** @return the lineage context of the input these headers came with, read before they are replaced */
        private LineageContext origin(Headers headers) {
            Origin known = origin.get();
            if (known != null && known.headers == headers) {
                return known.context; // a second output of the same input: its headers carry our first stamp
            }
            Optional<String> causation = Lineage.eventIdOf(headers);
            LineageContext context = causation.map(id -> new LineageContext(Lineage.correlationOf(headers)
                    .orElse(id), id)).orElse(null);
            origin.set(new Origin(headers, context));
            return context;
        }
    }

    private record Origin(Headers headers, LineageContext context) {
    }

    /** The sources' deserializer. */
    private final class GovernedDeserializer implements Deserializer<T> {

        @Override
        public T deserialize(String topic, byte[] data) {
            return deserialize(topic, new RecordHeaders(), data);
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(String topic, Headers headers, byte[] data) {
            if (reads == null) {
                throw new IllegalStateException("GovernedSerde is not configured");
            }
            ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>(topic, -1, -1L, -1L, TimestampType.NO_TIMESTAMP_TYPE,
                    -1, data == null ? -1 : data.length, null, data, headers, Optional.empty());
            Read read = reads.prepare(raw);
            if (read.outcome() == Read.Outcome.READY) {
                return (T) read.value();
            }
            throw GovernedStreamsException.unread(read);
        }
    }

}
