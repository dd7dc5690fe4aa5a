/** Internal: how the pipelines apply a contract's field protection to records. Not for users. */
package dev.headwater.protection.internal;
