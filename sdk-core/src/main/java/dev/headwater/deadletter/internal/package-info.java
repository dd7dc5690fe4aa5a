/**
 * Implementation details of {@code dev.headwater.deadletter}. Internal: not for users; may change in any release.
 */
package dev.headwater.deadletter.internal;
