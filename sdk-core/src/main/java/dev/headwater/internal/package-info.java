/**
 * Implementation details shared by several capabilities, such as the settings of the Kafka clients Headwater creates
 * for itself. Internal: not for users; may change in any release.
 */
package dev.headwater.internal;
