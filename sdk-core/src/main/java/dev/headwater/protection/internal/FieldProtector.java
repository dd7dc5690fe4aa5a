package dev.headwater.protection.internal;

import dev.headwater.contract.AvroFields;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.Protection;
import dev.headwater.protection.DataKey;
import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.ProtectionException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Applies one contract's field protection to records: {@link #protect} on the write pipeline (a copy of the record with
 * each {@code encrypt} field sealed and each {@code token} field tokenized, the data key's reference in the
 * {@value FieldProtection#KEY_HEADER} header), {@link #reveal} on the read pipeline (each sealed field opened in place,
 * or set to the contract's mask when this application may not read it). A sealed string field holds the ciphertext as
 * unpadded base64url text, a sealed bytes field the ciphertext itself, so the record stays valid under its registered
 * schema. Thread safe. Internal: not for users.
 */
public final class FieldProtector {

    /** Told of every field a reader could not open and sees masked. */
    @FunctionalInterface
    public interface Masked {
        /**
         * @param field the field's name
         * @param reason why it could not be opened
         */
        void masked(String field, ProtectionException.Reason reason);
    }

    private static final Base64.Encoder TEXT = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder FROM_TEXT = Base64.getUrlDecoder();

    private final String subject;
    private final Schema schema;
    private final List<Field> fields;
    private final FieldProtection keys;
    /** The position of the contract's erasure subject field, or -1. */
    private final int erasureSubject;

    private FieldProtector(String subject, Schema schema, List<Field> fields, FieldProtection keys,
            int erasureSubject) {
        this.subject = subject;
        this.schema = schema;
        this.fields = fields;
        this.keys = keys;
        this.erasureSubject = erasureSubject;
    }

    /**
     * @param contract the contract
     * @param keys the keys
     * @return the contract's protector, or null when it protects no field
     */
    public static FieldProtector of(DataContract contract, FieldProtection keys) {
        Objects.requireNonNull(keys, "keys");
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<String, FieldInfo> entry : contract.fields().entrySet()) {
            FieldInfo info = entry.getValue();
            if (info.protectedField()) {
                Schema.Field field = contract.schema().getField(entry.getKey());
                boolean bytes = AvroFields.valueType(field).getType() == Schema.Type.BYTES;
                fields.add(new Field(field.pos(), field.name(), info.protection(), bytes, info.mask(),
                        associatedData(contract.subject(), field.name())));
            }
        }
        int erasureSubject = contract.erasureSubject().isEmpty() ? -1
                : contract.schema().getField(contract.erasureSubject()).pos();
        return fields.isEmpty() ? null : new FieldProtector(contract.subject(), contract.schema(), List.copyOf(fields),
                keys, erasureSubject);
    }

    /**
     * What a sealed value of a field is bound to: the contract's subject and the field's name, so that a ciphertext
     * moved to another field or another data product does not open.
     *
     * @param subject the contract's subject
     * @param field the field's name
     * @return the associated data
     */
    public static byte[] associatedData(String subject, String field) {
        return (subject + '\u0000' + field).getBytes(StandardCharsets.UTF_8);
    }

    /** @return the names of the protected fields with their protection, for messages */
    public List<String> describe() {
        return fields.stream().map(f -> f.name + " (" + f.protection.id() + ")").toList();
    }

    /**
     * The record as it is written: a copy of the value with each protected field sealed or tokenized; the value
     * itself is not changed. Sets the {@value FieldProtection#KEY_HEADER} header when a field was sealed.
     *
     * @param value the clear value (a generic or generated record of the contract's schema)
     * @param headers the record's headers
     * @return the record to serialize
     * @throws ProtectionException when a value cannot be sealed (no key, the key service is down)
     */
    public Object protect(Object value, Headers headers) {
        if (!(value instanceof IndexedRecord clear)) {
            throw new IllegalArgumentException("Contract " + subject + " protects " + describe() + ", which needs an "
                    + "Avro record value, was " + value.getClass().getName());
        }
        GenericData.Record out = new GenericData.Record(schema);
        for (int i = 0; i < schema.getFields().size(); i++) {
            out.put(i, clear.get(i));
        }
        DataKey key = null;
        for (Field field : fields) {
            Object v = clear.get(field.position);
            if (v == null) {
                continue;
            }
            if (field.protection == Protection.TOKEN) {
                out.put(field.position, keys.token(v.toString(), field.associatedData));
                continue;
            }
            if (key == null) {
                key = dataKey(clear);
            }
            byte[] sealed = key.seal(bytesOf(v), field.associatedData);
            out.put(field.position, field.bytes ? ByteBuffer.wrap(sealed) : TEXT.encodeToString(sealed));
        }
        headers.remove(FieldProtection.KEY_HEADER);
        if (key != null) {
            headers.add(FieldProtection.KEY_HEADER, key.reference());
        }
        return out;
    }

    /** The subject's own key when the contract names an erasure subject and the record has one; else the producer's. */
    private DataKey dataKey(IndexedRecord clear) {
        Object subjectValue = erasureSubject < 0 ? null : clear.get(erasureSubject);
        return subjectValue == null ? keys.dataKey() : keys.subjectKey(keys.subjectId(subjectValue.toString()));
    }

    private static byte[] bytesOf(Object value) {
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return bytes;
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Opens each sealed field of a value read, in place; a field this application may not read (or that cannot be
     * opened for good) is set to the contract's mask and reported. Tokens stay as they are.
     *
     * @param value the value as decoded
     * @param headers the record's headers
     * @param masked told of each field masked
     * @return the names of the fields masked; empty when every one was opened
     * @throws ProtectionException only when the key service did not answer ({@code KEY_UNAVAILABLE}): read the
     *     record again later
     */
    public Set<String> reveal(Object value, Headers headers, Masked masked) {
        if (!(value instanceof IndexedRecord record)) {
            return Set.of();
        }
        Set<String> maskedFields = Set.of();
        Header header = headers.lastHeader(FieldProtection.KEY_HEADER);
        byte[] reference = header == null ? null : header.value();
        for (Field field : fields) {
            Object v = field.protection == Protection.ENCRYPT ? record.get(field.position) : null;
            if (v == null) {
                continue;
            }
            try {
                if (reference == null) {
                    throw new ProtectionException(ProtectionException.Reason.UNREADABLE, "The record has no "
                            + FieldProtection.KEY_HEADER + " header: its field " + field.name + " was not sealed by "
                            + "a governed producer", null);
                }
                byte[] clear = keys.open(reference, sealedBytes(field, v), field.associatedData);
                record.put(field.position, field.bytes ? ByteBuffer.wrap(clear)
                        : new String(clear, StandardCharsets.UTF_8));
            } catch (ProtectionException e) {
                if (e.isTransient()) {
                    throw e;
                }
                record.put(field.position, field.mask());
                masked.masked(field.name, e.reason());
                if (maskedFields.isEmpty()) {
                    maskedFields = new HashSet<>();
                }
                maskedFields.add(field.name);
            }
        }
        return maskedFields;
    }

    private static byte[] sealedBytes(Field field, Object value) {
        if (field.bytes) {
            return bytesOf(value);
        }
        try {
            return FROM_TEXT.decode(value.toString());
        } catch (IllegalArgumentException e) {
            throw new ProtectionException(ProtectionException.Reason.UNREADABLE, "Field " + field.name + " does not "
                    + "hold a sealed value (not base64url text)", null);
        }
    }

    /** One protected field of the schema. */
    private record Field(int position, String name, Protection protection, boolean bytes, String maskText,
            byte[] associatedData) {
        Object mask() {
            if (maskText == null) {
                return null;
            }
            return bytes ? ByteBuffer.wrap(maskText.getBytes(StandardCharsets.UTF_8)) : maskText;
        }
    }
}
