/**
 * Implementation details of {@code dev.headwater.serde}. Internal: not for users; may change in any release.
 */
package dev.headwater.serde.internal;
