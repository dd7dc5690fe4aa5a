package dev.headwater.support;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/** An OpenTelemetry SDK that keeps spans and metrics in memory, with W3C trace context propagation. */
public final class TestTelemetry {

    private TestTelemetry() {
    }

    /** @return an SDK exporting spans to {@code spans} and metrics to {@code metrics} (either may be null) */
    public static OpenTelemetrySdk sdk(InMemorySpanExporter spans, InMemoryMetricReader metrics) {
        var tracing = SdkTracerProvider.builder();
        if (spans != null) {
            tracing.addSpanProcessor(SimpleSpanProcessor.create(spans));
        }
        var metering = SdkMeterProvider.builder();
        if (metrics != null) {
            metering.registerMetricReader(metrics);
        }
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracing.build())
                .setMeterProvider(metering.build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }
}
