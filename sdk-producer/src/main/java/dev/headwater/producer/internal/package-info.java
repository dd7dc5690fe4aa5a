/**
 * Implementation details of {@code dev.headwater.producer}. Internal: not for users; may change in any release.
 */
package dev.headwater.producer.internal;
