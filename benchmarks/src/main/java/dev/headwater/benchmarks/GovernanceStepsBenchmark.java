package dev.headwater.benchmarks;

import dev.headwater.contract.ContractRule;
import dev.headwater.contract.ContractValidator;
import dev.headwater.lineage.LineageStamp;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The governed producer's per-record steps without the network: serializing alone (what any producer does) against
 * serializing plus the governance steps (8 field rules, lineage headers, a span through the OpenTelemetry API with no
 * SDK). Run with {@code -prof gc}: the difference in {@code gc.alloc.rate.norm} is what governance allocates per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GovernanceStepsBenchmark {

    private GenericRecord record;
    private PlainWireWriter wire;
    private ContractValidator fieldRules;
    private ContractValidator allRules;
    private LineageStamp stamp;
    private Tracer tracer;

    @Setup
    public void setUp() {
        Schema schema = new Schema.Parser().parse(SerdeBenchmark.SCHEMA);
        record = SerdeBenchmark.order(schema);
        wire = new PlainWireWriter(schema);
        fieldRules = ValidatorBenchmark.validator(schema, ValidatorBenchmark.FIELD_RULES);
        List<ContractRule> both = new ArrayList<>(ValidatorBenchmark.FIELD_RULES);
        both.addAll(ValidatorBenchmark.CEL_RULES);
        allRules = ValidatorBenchmark.validator(schema, both);
        stamp = LineageStamp.builder("bench").applicationVersion("1.0").tenant("bench").owner("team-bench")
                .type("dev.headwater.bench.OrderPlaced").contract("bench.orders.v1-value", "1.0.0")
                .schema("http://127.0.0.1:8081", 1).contentType("application/avro").build();
        tracer = OpenTelemetry.noop().getTracer("bench");
    }

    @Benchmark
    public byte[] serializeOnly() throws IOException {
        return wire.write(record);
    }


    @Benchmark
    public Object governedStepsWithFieldRules() throws IOException {
        return governed(fieldRules);
    }

    @Benchmark
    public Object governedStepsWithFieldAndCelRules() throws IOException {
        return governed(allRules);
    }

    private Object governed(ContractValidator validator) throws IOException {
        if (!validator.validate(record).isEmpty()) {
            throw new IllegalStateException("the benchmark record must be valid");
        }
        byte[] value = wire.write(record);
        RecordHeaders headers = new RecordHeaders();
        stamp.stamp(headers, null, null);
        Span span = tracer.spanBuilder("send bench.orders.v1").setSpanKind(SpanKind.PRODUCER).startSpan();
        Context.current().with(span);
        span.end();
        return value.length + headers.toArray().length;
    }
}
