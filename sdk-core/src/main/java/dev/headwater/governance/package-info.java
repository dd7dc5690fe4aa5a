/**
 * The two pipelines every route adapts: {@link dev.headwater.governance.WritePipeline} governs each record written
 * (guardrail, write rules and the send/dead-letter/refuse decision, serialization, lineage, dead-letter headers, the
 * PRODUCER span, size, quota) and {@link dev.headwater.governance.ReadPipeline} each record read (decoding, read rules,
 * transient or not, the CONSUMER span, lineage context, freshness, the one dead letter). Each is built once per client
 * from the settings every client shares ({@link dev.headwater.governance.HeadwaterClientBuilder},
 * {@link dev.headwater.governance.HeadwaterClientConfig}); a route (the governed producer and consumer, the serializer,
 * the interceptor, Spring's listeners, an application's own loop) keeps only its transport and hands each record to
 * its pipeline, as OpenTelemetry's integrations hand each call to one {@code Instrumenter}. A change to what happens
 * to a record belongs here, and the route-parity suite shows every route still gives the same outcome.
 */
package dev.headwater.governance;
