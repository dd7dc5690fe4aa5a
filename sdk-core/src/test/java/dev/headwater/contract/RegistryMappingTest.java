package dev.headwater.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.runtime.CelRuntime;
import dev.headwater.contract.internal.CelSupport;
import dev.headwater.contract.internal.CelValues;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class RegistryMappingTest {

    private final DataContract contract = DataContract.load(Path.of("src/test/resources/contracts/orders.yaml"));

    @Test
    void theCelWrittenForOtherToolsGivesTheSameVerdictAsTheFastPath() throws Exception {
        List<GenericRecord> records = List.of(order("5b0e8f2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b", 10.0, "EUR", 3,
                "SKU-ABC-123", "a@b.io", "web"), order("nope", -1.0, "EURO", 0, "sku", "no-at", "fax"),
                order("5b0e8f2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b", 100000.0, "USD", 100, "SKU-XYZ-999", "x@y.z", "store"));
        for (ContractRule rule : contract.rules()) {
            if (rule.isExpression() || rule.notInFuture()) {
                continue;
            }
            String cel = RegistryMapping.celOf(rule, contract.schema());
            assertThat(CelSupport.check(contract.schema(), cel, false)).as("%s type-checks", cel).isEmpty();
            CelRuntime.Program program = CelSupport.program(cel);
            for (GenericRecord record : records) {
                boolean fastPathPasses = contract.validator().validate(record).stream()
                        .noneMatch(v -> v.rule().equals(rule.name()));
                Object celPasses = program.eval(Map.of("message", CelValues.record(record)));
                assertThat(celPasses).as("rule %s (%s) on %s", rule.name(), cel, record).isEqualTo(fastPathPasses);
            }
        }
    }

    private GenericRecord order(String id, double amount, String currency, int quantity, String sku, String email,
            String channel) {
        GenericRecord order = new GenericData.Record(contract.schema());
        order.put("id", id);
        order.put("customer", "c");
        order.put("amount", amount);
        order.put("currency", currency);
        order.put("quantity", quantity);
        order.put("sku", sku);
        order.put("email", email);
        order.put("createdAt", 0L);
        order.put("channel", channel);
        order.put("express", false);
        return order;
    }
}
