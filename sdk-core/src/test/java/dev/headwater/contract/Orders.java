package dev.headwater.contract;

import java.nio.file.Path;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The test contract in src/test/resources/contracts and records that pass or break it. */
final class Orders {

    static final Path CONTRACT = Path.of("src/test/resources/contracts/orders.yaml");

    private Orders() {
    }

    static DataContract contract() {
        return DataContract.load(CONTRACT);
    }

    static GenericRecord valid(DataContract contract) {
        GenericRecord order = new GenericData.Record(contract.schema());
        order.put("id", "5b0e8f2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b");
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
