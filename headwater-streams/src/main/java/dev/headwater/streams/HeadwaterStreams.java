package dev.headwater.streams;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** Sets up a Kafka Streams application's properties for governance. */
public final class HeadwaterStreams {

    private HeadwaterStreams() {
    }

    /**
     * Makes {@link GovernedSerde} the default value Serde and sets the governed exception handlers, keeping whatever
     * else the properties say (the application's Headwater settings among them: {@code headwater.application.name},
     * {@code headwater.contract.file}, {@code schema.registry.url}, ...).
     *
     * @param properties the application's properties, changed in place
     * @return the same properties
     */
    public static Properties governed(Properties properties) {
        properties.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, GovernedSerde.class.getName());
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                GovernedDeserializationExceptionHandler.class.getName());
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                GovernedProductionExceptionHandler.class.getName());
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                GovernedProcessingExceptionHandler.class.getName());
        return properties;
    }
}
