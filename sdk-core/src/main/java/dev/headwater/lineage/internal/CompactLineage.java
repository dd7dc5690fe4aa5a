package dev.headwater.lineage.internal;

import dev.headwater.lineage.LineageDescriptor;
import java.nio.charset.StandardCharsets;

/**
 * The byte layout of lineage format 2 (the {@code hw} header) and of a lineage descriptor, as documented in the
 * README's "Lineage" section so that other languages can read it. Internal: not for users.
 *
 * <pre>
 * hw header value (the key "hw" says it is format 2):
 *   8 bytes  descriptor id       big-endian
 *   varint   sequence            the event's number within its producer (unsigned LEB128)
 *   -- the rest only when something follows (a derived event, or the descriptor inline) --
 *   byte     0x20 | flags        high 4 bits: 2; flags: 1 correlation, 2 causation, 4 descriptor inline;
 *                                a reader ignores what follows a byte whose high 4 bits are not 2
 *   [flag 1] correlation         byte kind: 1 = an event id of format 2 (8 bytes descriptor id, varint sequence),
 *                                0 = text (varint length, UTF-8)
 *   [flag 2] causation           varint length, UTF-8 ({@code topic/partition/offset} of the consumed record)
 *   [flag 4] descriptor          varint length, descriptor bytes as below
 *   readers ignore bytes after the parts they know; docs/lineage-format-2.md is the specification
 *
 * descriptor (value of the descriptor topic's records, key: the id as 16 lower-case hex digits):
 *   byte     1                   descriptor layout version
 *   9 texts  varint length, UTF-8: application, applicationVersion, tenant, owner, type, subject, contractVersion,
 *            dataSchema, contentType
 *   varint   schemaId + 1        0 when there is no schema
 * </pre>
 */
public final class CompactLineage {

    /** The format number in the high four bits of the first byte. */
    public static final int FORMAT = 2;
    static final int FLAG_CORRELATION = 1;
    static final int FLAG_CAUSATION = 2;
    static final int FLAG_DESCRIPTOR = 4;
    static final int KIND_TEXT = 0;
    static final int KIND_EVENT = 1;
    static final int DESCRIPTOR_LAYOUT = 1;
    /** Bytes of the descriptor id. */
    static final int PREFIX = 8;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CompactLineage() {
    }

    /**
     * What one {@code hw} header holds.
     *
     * @param descriptorId the producer's descriptor id
     * @param sequence the event's number within its producer
     * @param correlationId the correlation id, or null when the record started its flow
     * @param causationId what caused the record, or null
     * @param descriptor the descriptor carried inline, or null when it was published
     * @param flowUnknown true when the value carries a correlation of a kind this reader does not know: correlation,
     *     causation and inline descriptor are then unknown (a later version's value)
     * @param descriptorUnknown true when the value carries its descriptor inline in a layout this reader does not know
     */
    public record Value(long descriptorId, long sequence, String correlationId, String causationId,
            LineageDescriptor descriptor, boolean flowUnknown, boolean descriptorUnknown) {

        /** @return the event id: {@link CompactLineage#eventId(long, long)} */
        public String eventId() {
            return CompactLineage.eventId(descriptorId, sequence);
        }
    }

    /**
     * @param value the value of an {@code hw} header
     * @return true when it may be a format 2 value (checks the length only; {@link #read} checks the rest)
     */
    public static boolean isCompact(byte[] value) {
        return value != null && value.length >= PREFIX + 1;
    }

    /**
     * Reads a format 2 header value.
     *
     * @param value the bytes
     * @return what they hold
     * @throws IllegalArgumentException when they are not a well-formed format 2 value
     */
    public static Value read(byte[] value) {
        if (!isCompact(value)) {
            throw new IllegalArgumentException("not a lineage format 2 value");
        }
        Reader in = new Reader(value, 0, value.length);
        long descriptorId = in.int64();
        long sequence = in.varint();
        int flags = 0;
        if (in.at < value.length) {
            int trailer = in.int8();
            flags = trailer >>> 4 == FORMAT ? trailer & 0x0F : 0; // a later format's trailer: ignored with the rest
        }
        String correlation = null;
        if ((flags & FLAG_CORRELATION) != 0) {
            int kind = in.int8();
            if (kind == KIND_EVENT) {
                correlation = eventId(in.int64(), in.varint());
            } else if (kind == KIND_TEXT) {
                correlation = in.text();
            } else {
                // a kind of a later version: its length is unknown, and with it where the next parts start
                return new Value(descriptorId, sequence, null, null, null, true, false);
            }
        }
        String causation = (flags & FLAG_CAUSATION) != 0 ? in.text() : null;
        LineageDescriptor descriptor = null;
        boolean descriptorUnknown = false;
        if ((flags & FLAG_DESCRIPTOR) != 0) {
            int length = in.length();
            if (length > 0 && value[in.at] == DESCRIPTOR_LAYOUT) {
                descriptor = readDescriptor(value, in.at, length);
            } else {
                descriptorUnknown = true; // a later layout: skipped by its length
            }
            in.at += length;
        }
        // flags of a later version, and bytes after the parts this reader knows, are ignored
        return new Value(descriptorId, sequence, correlation, causation, descriptor, false, descriptorUnknown);
    }

    /**
     * Reads only the correlation id of a format 2 value, without decoding the rest.
     *
     * @param value the bytes
     * @return the correlation id, or the record's own event id when it started its flow
     * @throws IllegalArgumentException when they are not a well-formed format 2 value
     */
    public static String correlationOf(byte[] value) {
        Value read = read(value);
        return read.correlationId() != null ? read.correlationId() : read.eventId();
    }

    /**
     * Reads only the event id of a format 2 value: its first two fields, nothing after them.
     *
     * @param value the bytes
     * @return the record's event id
     * @throws IllegalArgumentException when they are not a well-formed format 2 value
     */
    public static String eventIdOf(byte[] value) {
        if (!isCompact(value)) {
            throw new IllegalArgumentException("not a lineage format 2 value");
        }
        Reader in = new Reader(value, 0, value.length);
        long descriptorId = in.int64();
        return eventId(descriptorId, in.varint());
    }

    /**
     * @param descriptorId a descriptor id
     * @param sequence an event's number within its producer
     * @return the event id, {@code {16 hex digits of the descriptor id}-{sequence}}: globally unique
     */
    public static String eventId(long descriptorId, long sequence) {
        return hex(descriptorId) + '-' + Long.toUnsignedString(sequence);
    }

    /**
     * @param id a descriptor id
     * @return its 16 lower-case hex digits, the key of its record in the descriptor topic
     */
    public static String hex(long id) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (id & 0xF)];
            id >>>= 4;
        }
        return new String(out);
    }

    /**
     * Reads a descriptor id from its hex form.
     *
     * @param hex 16 hex digits
     * @return the id
     * @throws NumberFormatException when it is not 16 hex digits
     */
    public static long parseHex(String hex) {
        if (hex.length() != 16) {
            throw new NumberFormatException("a descriptor id has 16 hex digits, was '" + hex + "'");
        }
        return Long.parseUnsignedLong(hex, 16);
    }

    /**
     * Writes a descriptor.
     *
     * @param descriptor the descriptor
     * @return its bytes
     */
    public static byte[] writeDescriptor(LineageDescriptor descriptor) {
        String[] texts = {descriptor.application(), descriptor.applicationVersion(), descriptor.tenant(),
            descriptor.owner(), descriptor.type(), descriptor.subject(), descriptor.contractVersion(),
            descriptor.dataSchema(), descriptor.contentType()};
        byte[][] encoded = new byte[texts.length][];
        int size = 1 + varintSize(descriptor.schemaId() + 1L);
        for (int i = 0; i < texts.length; i++) {
            encoded[i] = texts[i].getBytes(StandardCharsets.UTF_8);
            size += varintSize(encoded[i].length) + encoded[i].length;
        }
        byte[] out = new byte[size];
        out[0] = DESCRIPTOR_LAYOUT;
        int at = 1;
        for (byte[] text : encoded) {
            at = putVarint(out, at, text.length);
            System.arraycopy(text, 0, out, at, text.length);
            at += text.length;
        }
        putVarint(out, at, descriptor.schemaId() + 1L);
        return out;
    }

    /**
     * Reads a descriptor.
     *
     * @param bytes the bytes
     * @param offset where it starts
     * @param length its length
     * @return the descriptor
     * @throws IllegalArgumentException when the bytes are not a descriptor
     */
    public static LineageDescriptor readDescriptor(byte[] bytes, int offset, int length) {
        if (length < 1 || offset + length > bytes.length || bytes[offset] != DESCRIPTOR_LAYOUT) {
            throw new IllegalArgumentException("not a lineage descriptor of layout " + DESCRIPTOR_LAYOUT);
        }
        Reader in = new Reader(bytes, offset + 1, offset + length);
        String[] texts = new String[9];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = in.text();
        }
        long schemaId = in.varint() - 1;
        if (schemaId < -1 || schemaId > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("lineage descriptor with schema id " + schemaId);
        }
        return new LineageDescriptor(texts[0], texts[1], texts[2], texts[3], texts[4], texts[5], texts[6],
                (int) schemaId, texts[7], texts[8]);
    }

    /**
     * Writes the {@code hw} header values of one producer. The bytes that are the same for every record (first byte,
     * descriptor id, inline descriptor) are prepared once. Thread safe.
     */
    public static final class Writer {
        private final long descriptorId;
        private final byte[] inlineDescriptor;
        private final String eventIdPrefix;
        private final byte[] eventIdPrefixBytes;
        /** The length of an event id's prefix: 16 hex digits and a dash. */
        private static final int EVENT_ID_PREFIX = 17;

        /**
         * @param descriptorId the producer's descriptor id
         * @param descriptor the producer's descriptor, written inline until it is published
         */
        public Writer(long descriptorId, LineageDescriptor descriptor) {
            this.descriptorId = descriptorId;
            byte[] bytes = writeDescriptor(descriptor);
            this.inlineDescriptor = new byte[varintSize(bytes.length) + bytes.length];
            System.arraycopy(bytes, 0, inlineDescriptor, putVarint(inlineDescriptor, 0, bytes.length), bytes.length);
            this.eventIdPrefix = hex(descriptorId) + '-';
            this.eventIdPrefixBytes = eventIdPrefix.getBytes(StandardCharsets.ISO_8859_1);
        }

        /**
         * @param sequence an event's number
         * @return its event id
         */
        public String eventId(long sequence) {
            if (sequence < 0) {
                return eventIdPrefix + Long.toUnsignedString(sequence);
            }
            if (sequence > Integer.MAX_VALUE) {
                return eventIdPrefix + sequence;
            }
            // one array and one string per record, the digits written in place with int arithmetic: this runs for
            // every record sent
            int value = (int) sequence;
            int digits = 1;
            for (int bound = 10; digits < 10 && value >= bound; bound *= 10) {
                digits++;
            }
            byte[] text = new byte[EVENT_ID_PREFIX + digits];
            System.arraycopy(eventIdPrefixBytes, 0, text, 0, EVENT_ID_PREFIX);
            for (int at = text.length - 1; at >= EVENT_ID_PREFIX; at--) {
                int next = value / 10;
                text[at] = (byte) ('0' + value - next * 10);
                value = next;
            }
            return new String(text, StandardCharsets.ISO_8859_1);
        }

        /** @return how many bytes the inline descriptor adds to a record */
        public int inlineBytes() {
            return inlineDescriptor.length;
        }

        /**
         * Writes one header value.
         *
         * @param sequence the event's number within the producer
         * @param correlationId the correlation id, or null for a record that starts a flow
         * @param causationId what caused it, or null
         * @param inline whether to carry the descriptor inline
         * @return the value
         */
        public byte[] write(long sequence, String correlationId, String causationId, boolean inline) {
            int flags = 0;
            int size = PREFIX + varintSize(sequence);
            long correlationDescriptor = 0;
            long correlationSequence = -1;
            byte[] correlationText = null;
            if (correlationId != null) {
                flags |= FLAG_CORRELATION;
                if (isEventId(correlationId)) {
                    correlationDescriptor = parseHex(correlationId.substring(0, 16));
                    correlationSequence = Long.parseUnsignedLong(correlationId, 17, correlationId.length(), 10);
                    size += 1 + 8 + varintSize(correlationSequence);
                } else {
                    correlationText = correlationId.getBytes(StandardCharsets.UTF_8);
                    size += 1 + varintSize(correlationText.length) + correlationText.length;
                }
            }
            byte[] causationText = null;
            if (causationId != null) {
                flags |= FLAG_CAUSATION;
                causationText = causationId.getBytes(StandardCharsets.UTF_8);
                size += varintSize(causationText.length) + causationText.length;
            }
            if (inline) {
                flags |= FLAG_DESCRIPTOR;
                size += inlineDescriptor.length;
            }
            if (flags != 0) {
                size++;
            }
            byte[] out = new byte[size];
            putInt64(out, 0, descriptorId);
            int at = putVarint(out, PREFIX, sequence);
            if (flags != 0) {
                out[at++] = (byte) (FORMAT << 4 | flags);
            }
            if (correlationId != null) {
                if (correlationText == null) {
                    out[at++] = KIND_EVENT;
                    putInt64(out, at, correlationDescriptor);
                    at = putVarint(out, at + 8, correlationSequence);
                } else {
                    out[at++] = KIND_TEXT;
                    at = putText(out, at, correlationText);
                }
            }
            if (causationText != null) {
                at = putText(out, at, causationText);
            }
            if (inline) {
                System.arraycopy(inlineDescriptor, 0, out, at, inlineDescriptor.length);
            }
            return out;
        }
    }

    /**
     * @param text any text
     * @return true when it has the exact form {@link #eventId(long, long)} writes, so that it can be written as
     *     bytes and read back as the same text
     */
    static boolean isEventId(String text) {
        int length = text.length();
        if (length < 18 || length > 37 || text.charAt(16) != '-') {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        if (text.charAt(17) == '0' && length > 18) {
            return false; // a leading zero would not read back the same
        }
        for (int i = 17; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        try {
            Long.parseUnsignedLong(text, 17, length, 10);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int putText(byte[] out, int at, byte[] text) {
        int next = putVarint(out, at, text.length);
        System.arraycopy(text, 0, out, next, text.length);
        return next + text.length;
    }

    private static void putInt64(byte[] out, int at, long value) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) value;
            value >>>= 8;
        }
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    static int putVarint(byte[] out, int at, long value) {
        while ((value & ~0x7FL) != 0) {
            out[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[at++] = (byte) value;
        return at;
    }

    /** Reads the parts of a value, refusing to read past its end. */
    private static final class Reader {
        private final byte[] bytes;
        private final int end;
        int at;

        Reader(byte[] bytes, int at, int end) {
            this.bytes = bytes;
            this.at = at;
            this.end = end;
        }

        int int8() {
            need(1);
            return bytes[at++] & 0xFF;
        }

        long int64() {
            need(8);
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = value << 8 | (bytes[at++] & 0xFF);
            }
            return value;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                need(1);
                byte b = bytes[at++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        int length() {
            long length = varint();
            if (length < 0 || length > end - at) {
                throw new IllegalArgumentException("a part of " + length + " bytes where " + (end - at) + " are left");
            }
            return (int) length;
        }

        String text() {
            int length = length();
            String text = new String(bytes, at, length, StandardCharsets.UTF_8);
            at += length;
            return text;
        }

        private void need(int count) {
            if (end - at < count) {
                throw new IllegalArgumentException("lineage value ends early");
            }
        }
    }
}
