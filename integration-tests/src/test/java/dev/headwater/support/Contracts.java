package dev.headwater.support;

import dev.headwater.contract.DataContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The orders contract of sdk-core's tests, bound to topics of a test's own. */
public final class Contracts {

    public static final Path ORDERS = Path.of("../sdk-core/src/test/resources/contracts/orders.yaml");

    private Contracts() {
    }

    /** The orders contract for a topic: subject {topic}-value, dead-letter topic {topic}.dlq. */
    public static DataContract orders(String topic) {
        try {
            String yaml = Files.readString(ORDERS).replace("retail.orders.placed.v1", topic);
            return DataContract.parse(yaml, "orders.yaml", ORDERS.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An order that passes every rule. */
    public static GenericRecord validOrder(DataContract contract, String id) {
        GenericRecord order = new GenericData.Record(contract.schema());
        order.put("id", id);
        order.put("customer", "customer-42");
        order.put("amount", 129.95);
        order.put("currency", "EUR");
        order.put("quantity", 3);
        order.put("sku", "SKU-ABC-123");
        order.put("email", "jane.doe@example.com");
        order.put("createdAt", System.currentTimeMillis() - 1000);
        order.put("channel", "web");
        order.put("express", false);
        return order;
    }
}
