package dev.headwater.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds Avro records from plain values (as written in YAML or JSON examples): maps for records, lists for arrays,
 * strings for enums, numbers widened or narrowed to the field's type, fields left out taking their default.
 */
public final class Records {

    private Records() {
    }

    /**
     * Builds a record.
     *
     * @param schema a record schema
     * @param values field name to plain value
     * @return the record
     * @throws IllegalArgumentException naming the field whose value does not fit
     */
    public static GenericRecord of(Schema schema, Map<String, ?> values) {
        for (String name : values.keySet()) {
            if (schema.getField(name) == null) {
                throw new IllegalArgumentException("example has field '" + name + "', which schema "
                        + schema.getFullName() + " does not have");
            }
        }
        GenericRecord record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Object value = values.containsKey(field.name()) ? values.get(field.name())
                    : field.hasDefaultValue() ? GenericData.get().getDefaultValue(field) : null;
            try {
                record.put(field.pos(), convert(field.schema(), value));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("example field '" + field.name() + "': " + e.getMessage(), e);
            }
        }
        return record;
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        return switch (schema.getType()) {
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        yield convert(branch, value);
                    }
                }
                yield null;
            }
            case INT -> ((Number) value).intValue();
            case LONG -> ((Number) value).longValue();
            case FLOAT -> ((Number) value).floatValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case BOOLEAN -> (Boolean) value;
            case STRING -> value.toString();
            case ENUM -> new GenericData.EnumSymbol(schema, value.toString());
            case BYTES -> ByteBuffer.wrap(value.toString().getBytes(StandardCharsets.UTF_8));
            case RECORD -> of(schema, (Map<String, ?>) value);
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(convert(schema.getElementType(), item));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                Map<String, Object> map = new HashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> map.put(k.toString(), convert(schema.getValueType(), v)));
                yield map;
            }
            default -> value;
        };
    }
}
