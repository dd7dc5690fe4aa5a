/**
 * Implementation details of {@code dev.headwater.lineage}. Internal: not for users; may change in any release.
 */
package dev.headwater.lineage.internal;
