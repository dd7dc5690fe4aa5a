/**
 * Headwater: data governance inside Kafka producers and consumers. This package holds what every module shares, such as
 * the root of the exception hierarchy, {@link dev.headwater.HeadwaterException}.
 */
package dev.headwater;
