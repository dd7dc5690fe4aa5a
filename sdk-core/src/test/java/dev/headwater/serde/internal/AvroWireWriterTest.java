package dev.headwater.serde.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class AvroWireWriterTest {

    private static final Schema SCHEMA = SchemaBuilder.record("Order").fields()
            .requiredString("id").requiredString("currency").requiredDouble("amount").endRecord();

    private static GenericRecord order(String id, String currency) {
        GenericRecord order = new GenericData.Record(SCHEMA);
        order.put("id", id);
        order.put("currency", currency);
        order.put("amount", 12.5);
        return order;
    }

    @Test
    void aDatumThatFailsHalfWayLeavesNothingBehindForTheNextOne() throws Exception {
        AvroWireWriter writer = new AvroWireWriter(7, "orders-value", SCHEMA);
        byte[] expected = new AvroWireWriter(7, "orders-value", SCHEMA).write(order("o-1", "EUR"));

        // the id is written before the missing currency is found
        assertThatThrownBy(() -> writer.write(order("a-long-order-id-written-before-the-failure", null)))
                .isInstanceOf(RuntimeException.class);
        byte[] next = writer.write(order("o-1", "EUR"));

        assertThat(next).isEqualTo(expected);
        assertThat(next[0]).as("magic byte").isZero();
        assertThat(next[4]).as("the id's last byte").isEqualTo((byte) 7);
    }
}
