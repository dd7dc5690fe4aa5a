/**
 * Implementation details of {@code dev.headwater.tenant}. Internal: not for users; may change in any release.
 */
package dev.headwater.tenant.internal;
