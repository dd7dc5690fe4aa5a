package dev.headwater.benchmarks;

import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Serializing and deserializing one 10-field record with Headwater's wire-format serde (warm cache: no registry calls)
 * against plain Avro binary encoding of the same record with the same reused encoder strategy. The ratio of the two is
 * what the wire format and the registry lookup add.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerdeBenchmark {

    static final String SCHEMA = """
            {"type":"record","name":"OrderPlaced","namespace":"dev.headwater.bench","fields":[
              {"name":"id","type":"string"},{"name":"customer","type":"string"},
              {"name":"amount","type":"double"},{"name":"currency","type":"string"},
              {"name":"quantity","type":"int"},{"name":"sku","type":"string"},
              {"name":"email","type":"string"},{"name":"createdAt","type":"long"},
              {"name":"channel","type":"string"},{"name":"express","type":"boolean"}]}""";

    private EmbeddedSchemaRegistry registry;
    private AvroSerializer<Object> serializer;
    private AvroDeserializer<Object> deserializer;
    private GenericDatumWriter<GenericRecord> plainWriter;
    private GenericDatumReader<GenericRecord> plainReader;
    private GenericRecord record;
    private byte[] wireBytes;
    private byte[] plainBytes;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;
    private BinaryDecoder decoder;

    /** A representative order. */
    static GenericRecord order(Schema schema) {
        GenericRecord order = new GenericData.Record(schema);
        order.put("id", "order-0001234");
        order.put("customer", "customer-998877");
        order.put("amount", 129.95);
        order.put("currency", "EUR");
        order.put("quantity", 3);
        order.put("sku", "SKU-ABC-123");
        order.put("email", "jane.doe@example.com");
        order.put("createdAt", 1_795_000_000_000L);
        order.put("channel", "web");
        order.put("express", true);
        return order;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        registry = EmbeddedSchemaRegistry.start();
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        AvroSerdeConfig config = AvroSerdeConfig.builder().urls(registry.url()).build();
        serializer = new AvroSerializer<>(client, config, false);
        deserializer = new AvroDeserializer<>(client, config, false);
        Schema schema = new Schema.Parser().parse(SCHEMA);
        record = order(schema);
        plainWriter = new GenericDatumWriter<>(schema);
        plainReader = new GenericDatumReader<>(schema);
        wireBytes = serializer.serialize("bench.orders.v1", record);
        deserializer.deserialize("bench.orders.v1", wireBytes);
        plainBytes = plainSerialize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public byte[] plainSerialize() throws IOException {
        out.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
        plainWriter.write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Benchmark
    public byte[] headwaterSerialize() {
        return serializer.serialize("bench.orders.v1", record);
    }

    @Benchmark
    public GenericRecord plainDeserialize() throws IOException {
        decoder = DecoderFactory.get().binaryDecoder(plainBytes, decoder);
        return plainReader.read(null, decoder);
    }

    @Benchmark
    public Object headwaterDeserialize() {
        return deserializer.deserialize("bench.orders.v1", wireBytes);
    }
}
