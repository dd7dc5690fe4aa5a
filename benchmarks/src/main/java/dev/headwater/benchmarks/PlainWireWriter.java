package dev.headwater.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * What any producer's Avro serializer does, for the microbenchmarks' baselines: the wire format's magic byte and
 * schema id, then the datum, with the encoder and buffer reused. One per benchmark thread.
 */
final class PlainWireWriter {

    private static final byte[] HEADER = {0, 0, 0, 0, 1};

    private final GenericDatumWriter<GenericRecord> writer;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private BinaryEncoder encoder;

    PlainWireWriter(Schema schema) {
        this.writer = new GenericDatumWriter<>(schema);
    }

    byte[] write(GenericRecord datum) throws IOException {
        out.reset();
        out.write(HEADER);
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        writer.write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
