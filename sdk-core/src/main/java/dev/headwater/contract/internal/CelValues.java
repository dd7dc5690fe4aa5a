package dev.headwater.contract.internal;

import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/** Converts Avro values into the values CEL expects (strings, longs, doubles, maps, lists). Internal: not for users. */
public final class CelValues {

    private CelValues() {
    }

    /**
     * Converts a record into a map from field name to CEL value.
     *
     * @param record the record
     * @return the map view
     */
    public static Map<String, Object> record(IndexedRecord record) {
        return new RecordView(record);
    }

    /**
     * Reads one field of a message the way {@code message.get(name)} does, but for a record's map view finds the
     * field's position once per schema instead of by name on every read.
     *
     * @param message the message: a record's view from {@link #record}, or any map
     * @param field the field
     * @return the CEL value, or null when absent
     */
    public static Object read(Map<String, Object> message, Field field) {
        return message instanceof RecordView view ? field.read(view.record) : message.get(field.name);
    }

    /**
     * A top-level field read by name, its position remembered for the last record schema it was read from. Thread
     * safe: the schema and position are published together.
     */
    public static final class Field {
        private final String name;
        private volatile Position last;

        /** @param name the field's name */
        public Field(String name) {
            this.name = name;
        }

        Object read(IndexedRecord record) {
            Schema schema = record.getSchema();
            Position position = last;
            if (position == null || position.schema != schema) {
                Schema.Field field = schema.getField(name);
                position = new Position(schema, field == null ? -1 : field.pos());
                last = position;
            }
            return position.index < 0 ? null : value(record.get(position.index));
        }

        private record Position(Schema schema, int index) {
        }
    }

    /**
     * A read-only map over a record that converts a field only when an expression reads it, so a rule touching two
     * fields does not pay for converting ten.
     */
    private static final class RecordView extends AbstractMap<String, Object> {
        private final IndexedRecord record;
        private Set<Entry<String, Object>> entries;

        RecordView(IndexedRecord record) {
            this.record = record;
        }

        @Override
        public Object get(Object key) {
            Schema.Field field = key instanceof String name ? record.getSchema().getField(name) : null;
            return field == null ? null : value(record.get(field.pos()));
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String name && record.getSchema().getField(name) != null;
        }

        @Override
        public int size() {
            return record.getSchema().getFields().size();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            if (entries == null) {
                Map<String, Object> copy = new HashMap<>();
                for (Schema.Field field : record.getSchema().getFields()) {
                    copy.put(field.name(), value(record.get(field.pos())));
                }
                entries = copy.entrySet();
            }
            return entries;
        }
    }

    /**
     * Converts one Avro value.
     *
     * @param value the value, may be null
     * @return the CEL value
     */
    public static Object value(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Long || value instanceof Double
                || value instanceof String) {
            return value;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof IndexedRecord record) {
            return record(record);
        }
        if (value instanceof ByteBuffer bytes) {
            return com.google.protobuf.ByteString.copyFrom(bytes.duplicate());
        }
        if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>(list.size());
            list.forEach(item -> converted.add(value(item)));
            return converted;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> converted = new HashMap<>();
            map.forEach((k, v) -> converted.put(k.toString(), value(v)));
            return converted;
        }
        if (value instanceof GenericContainer || value instanceof Enum<?>) {
            return value.toString();
        }
        return value.toString();
    }
}
