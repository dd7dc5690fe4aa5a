/**
 * Telemetry: the OpenTelemetry semantic-convention attributes Headwater's spans and metrics carry
 * ({@link dev.headwater.telemetry.MessagingAttributes}). Headwater uses only the OpenTelemetry API: with no SDK installed
 * its spans and metrics are no-ops.
 */
package dev.headwater.telemetry;
