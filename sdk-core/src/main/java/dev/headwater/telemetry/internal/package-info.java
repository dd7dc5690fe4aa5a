/**
 * Implementation details of {@code dev.headwater.telemetry}. Internal: not for users; may change in any release.
 */
package dev.headwater.telemetry.internal;
