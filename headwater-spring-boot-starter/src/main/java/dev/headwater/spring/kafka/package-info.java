/**
 * Headwater for Spring Kafka, usable with or without Spring Boot: a record interceptor that governs
 * {@code @KafkaListener} methods and dead letters through Spring's error handling with Headwater's headers.
 */
package dev.headwater.spring.kafka;
