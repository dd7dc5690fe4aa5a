/**
 * Implementation details of {@code dev.headwater.registry}. Internal: not for users; may change in any release.
 */
package dev.headwater.registry.internal;
