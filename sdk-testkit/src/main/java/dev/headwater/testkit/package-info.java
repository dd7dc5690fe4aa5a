/**
 * Test support: an in-process Kafka cluster ({@link dev.headwater.testkit.EmbeddedKafkaCluster}) and the JUnit 5
 * extension that provides it ({@link dev.headwater.testkit.HeadwaterTest}). Nothing here needs Docker.
 */
package dev.headwater.testkit;
