package dev.headwater.serde.internal;

import dev.headwater.serde.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes data of one schema with one registry id in the wire format: the header bytes are computed once, the encoder and
 * buffer are reused per thread, and a SpecificRecord is written through its generated class (so Avro never loads a
 * class by name). Thread safe. Internal: not for users.
 */
public final class AvroWireWriter {

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final int id;
    private final String subject;
    private final Schema schema;
    private final byte[] header = new byte[WireFormat.HEADER_SIZE];
    private final DatumWriter<Object> generic;
    private volatile DatumWriter<Object> specific;

    /**
     * @param id the registry id of the schema
     * @param subject the subject it is registered under, for messages
     * @param schema the schema
     */
    public AvroWireWriter(int id, String subject, Schema schema) {
        this.id = id;
        this.subject = subject;
        this.schema = schema;
        this.generic = new GenericDatumWriter<>(schema);
        WireFormat.writeHeader(header, id);
    }

    /** @return the registry id written in the header */
    public int id() {
        return id;
    }

    /** @return the subject of the schema */
    public String subject() {
        return subject;
    }

    /** @return the schema */
    public Schema schema() {
        return schema;
    }

    /**
     * Writes one datum.
     *
     * @param data the datum, non-null
     * @return the wire-format bytes
     * @throws IOException or a runtime exception from Avro when the datum does not fit the schema
     */
    public byte[] write(Object data) throws IOException {
        Buffers buffer = BUFFERS.get();
        buffer.out.reset();
        buffer.out.write(header, 0, WireFormat.HEADER_SIZE);
        // a buffered encoder writes into its own array and hands it over in one copy: a direct one would call the
        // stream once per varint and string, each call a synchronized ByteArrayOutputStream.write. It stays bound to
        // this thread's buffer, empty after each flush, and is replaced when a write fails half-way.
        BinaryEncoder encoder = buffer.encoder;
        if (encoder == null) {
            encoder = EncoderFactory.get().binaryEncoder(buffer.out, null);
            buffer.encoder = encoder;
        }
        try {
            (data instanceof SpecificRecord ? specific(data.getClass()) : generic).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            buffer.encoder = null; // it may hold part of the failed datum
            throw e;
        }
        return buffer.out.toByteArray();
    }

    private DatumWriter<Object> specific(Class<?> generated) {
        DatumWriter<Object> writer = specific;
        if (writer == null) {
            writer = new SpecificDatumWriter<>(schema, SpecificData.getForClass(generated));
            specific = writer;
        }
        return writer;
    }

    private static final class Buffers {
        final Bytes out = new Bytes();
        BinaryEncoder encoder;
    }

    /** A growable byte array without the locks of {@link java.io.ByteArrayOutputStream}: one thread uses it. */
    private static final class Bytes extends OutputStream {
        private byte[] bytes = new byte[512];
        private int size;

        void reset() {
            size = 0;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, bytes, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }
}
