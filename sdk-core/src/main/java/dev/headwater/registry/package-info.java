/**
 * A client for the Confluent Schema Registry REST API ({@link dev.headwater.registry.SchemaRegistryClient}), spoken by
 * Confluent Platform and Cloud, Karapace, Redpanda and Apicurio's compatibility API, with caches, failover, retries and a
 * circuit breaker.
 */
package dev.headwater.registry;
