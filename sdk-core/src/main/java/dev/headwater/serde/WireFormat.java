package dev.headwater.serde;

/**
 * The Confluent wire format every Confluent-compatible serializer writes: a magic byte {@code 0}, the schema's global
 * registry id as a 4-byte big-endian integer, then the Avro binary encoding of the data.
 */
public final class WireFormat {

    /** The first byte of every record in the wire format. */
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro data: the magic byte and the schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /**
     * Reads the schema id of a record in the wire format.
     *
     * @param data the serialized record
     * @return the schema id
     * @throws IllegalArgumentException when the data is too short or does not start with the magic byte
     */
    public static int schemaId(byte[] data) {
        if (data == null || data.length < HEADER_SIZE) {
            throw new IllegalArgumentException("data of " + (data == null ? 0 : data.length) + " bytes is too short "
                    + "for the wire format (magic byte, 4-byte schema id, then Avro)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException(String.format("unknown magic byte 0x%02x: expected 0x00", data[0]));
        }
        return ((data[1] & 0xFF) << 24) | ((data[2] & 0xFF) << 16) | ((data[3] & 0xFF) << 8) | (data[4] & 0xFF);
    }

    /**
     * Writes the wire-format header into the first {@link #HEADER_SIZE} bytes of a buffer.
     *
     * @param buffer the buffer, at least 5 bytes long
     * @param schemaId the schema id
     */
    public static void writeHeader(byte[] buffer, int schemaId) {
        buffer[0] = MAGIC_BYTE;
        buffer[1] = (byte) (schemaId >>> 24);
        buffer[2] = (byte) (schemaId >>> 16);
        buffer[3] = (byte) (schemaId >>> 8);
        buffer[4] = (byte) schemaId;
    }
}
