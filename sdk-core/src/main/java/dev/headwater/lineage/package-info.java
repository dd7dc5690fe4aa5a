/**
 * Lineage: the provenance headers Headwater stamps on every record ({@link dev.headwater.lineage.LineageHeaders},
 * CloudEvents binary mode), the stamp that writes them and the {@link dev.headwater.lineage.Lineage} a consumer reads.
 */
package dev.headwater.lineage;
