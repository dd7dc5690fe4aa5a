package dev.headwater.test;

import dev.headwater.support.Schemas;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** A SpecificRecord shaped like the classes Avro's code generator writes, for {@link Schemas#ORDER_V1}. */
public class OrderPlaced extends SpecificRecordBase {

    public static final Schema SCHEMA$ = Schemas.parse(Schemas.ORDER_V1);

    private CharSequence id;
    private double amount;
    private CharSequence currency;

    public OrderPlaced() {
    }

    public OrderPlaced(CharSequence id, double amount, CharSequence currency) {
        this.id = id;
        this.amount = amount;
        this.currency = currency;
    }

    public static Schema getClassSchema() {
        return SCHEMA$;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA$;
    }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> id;
            case 1 -> amount;
            case 2 -> currency;
            default -> throw new IndexOutOfBoundsException("Invalid index: " + field);
        };
    }

    @Override
    public void put(int field, Object value) {
        switch (field) {
            case 0 -> id = (CharSequence) value;
            case 1 -> amount = (Double) value;
            case 2 -> currency = (CharSequence) value;
            default -> throw new IndexOutOfBoundsException("Invalid index: " + field);
        }
    }

    public CharSequence id() {
        return id;
    }

    public double amount() {
        return amount;
    }

    public CharSequence currency() {
        return currency;
    }
}
