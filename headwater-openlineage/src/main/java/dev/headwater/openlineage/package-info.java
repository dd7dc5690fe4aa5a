/**
 * Dataset lineage as OpenLineage run events: {@link dev.headwater.openlineage.OpenLineageEventsProvider} is found by
 * the governed clients when this module is on the classpath, and emits {@link
 * dev.headwater.openlineage.OpenLineageDatasetEvents} when {@code headwater.lineage.openlineage.*} or OpenLineage's
 * own configuration says where to.
 */
package dev.headwater.openlineage;
