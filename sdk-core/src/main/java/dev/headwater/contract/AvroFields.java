package dev.headwater.contract;

import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Answers questions about the fields of a contract's record schema, the way the rule engine sees them: a nullable union
 * is its value type, numbers of any width are numeric, timestamps are longs with a logical type. For tools that
 * describe contracts (exports, evolution reports). Thread safe; no state.
 */
public final class AvroFields {

    private AvroFields() {
    }

    /**
     * Returns a field's type with a {@code ["null", T]} union unwrapped to T.
     *
     * @param field the field
     * @return its value type
     */
    public static Schema valueType(Schema.Field field) {
        return valueType(field.schema());
    }

    /**
     * Returns a type with a {@code ["null", T]} union unwrapped to T.
     *
     * @param type a field's or an array's item type
     * @return the value type
     */
    public static Schema valueType(Schema type) {
        if (type.getType() == Schema.Type.UNION) {
            List<Schema> branches = type.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
            if (branches.size() == 1) {
                return branches.get(0);
            }
        }
        return type;
    }

    /** @return true when the field accepts null */
    public static boolean nullable(Schema.Field field) {
        return nullable(field.schema());
    }

    /** @return true when the type accepts null */
    public static boolean nullable(Schema type) {
        return type.getType() == Schema.Type.NULL || (type.getType() == Schema.Type.UNION
                && type.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }

    /** @return true for int, long, float and double */
    public static boolean numeric(Schema type) {
        return switch (type.getType()) {
            case INT, LONG, FLOAT, DOUBLE -> true;
            default -> false;
        };
    }

    /** @return true for string */
    public static boolean string(Schema type) {
        return type.getType() == Schema.Type.STRING;
    }

    /** @return true for a long timestamp (any timestamp logical type, or a plain long taken as epoch millis) */
    public static boolean timestamp(Schema type) {
        return type.getType() == Schema.Type.LONG || (type.getType() == Schema.Type.STRING);
    }

    /** @return true when a long timestamp is in microseconds */
    public static boolean micros(Schema type) {
        return type.getLogicalType() instanceof LogicalTypes.TimestampMicros
                || type.getLogicalType() instanceof LogicalTypes.LocalTimestampMicros;
    }

    /** @return a short name of the type for messages, such as {@code string} or {@code ["null","long"]} */
    public static String describe(Schema.Field field) {
        return field.schema().toString();
    }
}
