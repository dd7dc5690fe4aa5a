/**
 * Governed Kafka Streams applications: {@link dev.headwater.streams.GovernedSerde} routes a topology's sources and
 * sinks through Headwater's read and write pipelines, and the exception handlers
 * ({@link dev.headwater.streams.GovernedDeserializationExceptionHandler},
 * {@link dev.headwater.streams.GovernedProductionExceptionHandler},
 * {@link dev.headwater.streams.GovernedProcessingExceptionHandler}) dead-letter what they refuse through Kafka
 * Streams' own dead-letter support. {@link dev.headwater.streams.HeadwaterStreams#governed} sets them on an
 * application's properties.
 */
package dev.headwater.streams;
