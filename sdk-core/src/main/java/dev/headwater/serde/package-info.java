/**
 * Avro serialization in the Confluent wire format: {@link dev.headwater.serde.AvroSerializer} and
 * {@link dev.headwater.serde.AvroDeserializer}, usable by plain Kafka clients too, with
 * {@link dev.headwater.serde.AvroSerdeConfig} holding their Confluent-compatible settings.
 */
package dev.headwater.serde;
