/**
 * Implementation details of {@code dev.headwater.governance}: the pipelines' telemetry and which contract governs a
 * topic. Internal: not for users; may change in any release.
 */
package dev.headwater.governance.internal;
