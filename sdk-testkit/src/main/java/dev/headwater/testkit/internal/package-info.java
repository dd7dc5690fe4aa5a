/**
 * Implementation details of {@code dev.headwater.testkit}. Internal: not for users; may change in any release.
 */
package dev.headwater.testkit.internal;
