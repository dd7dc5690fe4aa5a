/**
 * Tenant usage and chargeback: {@link dev.headwater.pipeline.usage.UsageCollector} adds up what each tenant used in a
 * period (brokers and client metrics), {@link dev.headwater.pipeline.usage.CostModel} prices it, and
 * {@link dev.headwater.pipeline.usage.UsageReport} shows it as a table, CSV, JSON or an HTML page with charts.
 */
package dev.headwater.pipeline.usage;
