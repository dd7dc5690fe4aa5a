/**
 * Implementation details of {@code dev.headwater.contract}. Internal: not for users; may change in any release.
 */
package dev.headwater.contract.internal;
