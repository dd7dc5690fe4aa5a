package dev.headwater.benchmarks;

import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.Owner;
import dev.headwater.contract.Protection;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.protection.internal.FieldProtector;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What protecting 2 of an order's 10 fields costs per record, in one run: a plain producer's serializing, the governed
 * producer's per-record steps (8 field rules, serializing, lineage stamp, a span with no SDK) without protection, and
 * the same with {@code email} encrypted and {@code customer} tokenized (Tink AES-256-GCM under a cached data key, HMAC
 * token); on the read side, decoding alone against decoding and opening the sealed field. Setup prints the bytes per
 * record of each (value and headers). Run with {@code -prof gc} for allocations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FieldProtectionBenchmark {

    private GenericRecord record;
    private PlainWireWriter wire;
    private GenericDatumReader<GenericRecord> reader;
    private BinaryDecoder decoder;
    private ContractValidator rules;
    private FieldProtector protector;
    private LineageStamp stamp;
    private Tracer tracer;
    private byte[] protectedValue;
    private RecordHeaders protectedHeaders;
    private byte[] plainValue;

    @Setup
    public void setUp() throws IOException {
        Schema schema = new Schema.Parser().parse(SerdeBenchmark.SCHEMA);
        record = SerdeBenchmark.order(schema);
        wire = new PlainWireWriter(schema);
        reader = new GenericDatumReader<>(schema);
        rules = ValidatorBenchmark.validator(schema, ValidatorBenchmark.FIELD_RULES);
        DataContract contract = DataContract.builder().subject("bench.orders.v1-value").version("1").schema(schema)
                .owner(new Owner("team-bench", "")).rules(ValidatorBenchmark.FIELD_RULES)
                .field("email", new FieldInfo("", "pii", Protection.ENCRYPT, "***"))
                .field("customer", new FieldInfo("", "pii", Protection.TOKEN, null)).build();
        Path keys = Files.createTempDirectory("bench-keys").resolve("keys.json");
        protector = FieldProtector.of(contract, TinkFieldProtection.of(LocalKeyStore.create(keys,
                LocalKeyStore.newMasterKey())));
        stamp = LineageStamp.builder("bench").applicationVersion("1.0").tenant("bench").owner("team-bench")
                .type("dev.headwater.bench.OrderPlaced").contract("bench.orders.v1-value", "1.0.0")
                .schema("http://127.0.0.1:8081", 1).contentType("application/avro").build();
        stamp.descriptorPublished(); // as a producer's is once built: records refer to it by id
        tracer = OpenTelemetry.noop().getTracer("bench");
        plainValue = wire.write(record);
        protectedHeaders = new RecordHeaders();
        protectedValue = wire.write((GenericRecord) protector.protect(record, protectedHeaders));
        RecordHeaders lineageOnly = new RecordHeaders();
        stamp.stamp(lineageOnly, null, null);
        System.out.printf("%nbytes per record: plain value %d; governed value %d + headers %d; protected value %d + "
                + "headers %d%n", plainValue.length, plainValue.length, headerBytes(lineageOnly), protectedValue.length,
                headerBytes(lineageOnly) + headerBytes(protectedHeaders));
    }

    private static int headerBytes(RecordHeaders headers) {
        int bytes = 0;
        for (Header header : headers) {
            bytes += header.key().length() + header.value().length;
        }
        return bytes;
    }

    @Benchmark
    public byte[] plainSerialize() throws IOException {
        return wire.write(record);
    }

    @Benchmark
    public Object governedSteps() throws IOException {
        return governed(false);
    }

    @Benchmark
    public Object governedStepsProtecting2Of10Fields() throws IOException {
        return governed(true);
    }

    private Object governed(boolean protect) throws IOException {
        if (!rules.validate(record).isEmpty()) {
            throw new IllegalStateException("the benchmark record must be valid");
        }
        RecordHeaders headers = new RecordHeaders();
        byte[] value = wire.write(protect ? (GenericRecord) protector.protect(record, headers) : record);
        stamp.stamp(headers, null, null);
        Span span = tracer.spanBuilder("send bench.orders.v1").setSpanKind(SpanKind.PRODUCER).startSpan();
        span.end();
        return value.length + headers.toArray().length;
    }

    @Benchmark
    public Object readPlain() throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(plainValue, 5, plainValue.length - 5, decoder);
        return reader.read(null, decoder);
    }

    @Benchmark
    public Object readOpening1Field() throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(protectedValue, 5, protectedValue.length - 5, decoder);
        GenericRecord read = reader.read(null, decoder);
        protector.reveal(read, protectedHeaders, (field, reason) -> {
            throw new IllegalStateException(field + " could not be opened: " + reason);
        });
        return read;
    }
}
