/**
 * Implementation details of {@code dev.headwater.consumer}. Internal: not for users; may change in any release.
 */
package dev.headwater.consumer.internal;
