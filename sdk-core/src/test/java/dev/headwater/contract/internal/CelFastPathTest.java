package dev.headwater.contract.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class CelFastPathTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"Order","fields":[
              {"name":"id","type":"string"},
              {"name":"customer","type":["null","string"],"default":null},
              {"name":"amount","type":"double"},
              {"name":"quantity","type":"int"},
              {"name":"createdAt","type":"long"},
              {"name":"express","type":"boolean"},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"attributes","type":{"type":"map","values":"string"}}]}""");

    /** Expressions the fast path plans: every operator it covers, with operands it must and must not decide. */
    private static final List<String> PLANNED = List.of(
            "!message.express || message.quantity <= 10",
            "message.amount < 1000.0 || size(message.customer) > 0",
            "message.amount >= 0.0 && message.amount <= 100.0",
            "message.quantity > 2 && message.quantity != 5",
            "message.createdAt < 1800000000000",
            "message.id == 'order-1' || message.id != 'x'",
            "message.customer == 'ann'",
            "message.customer.size() >= 2",
            "size(message.id) == 7",
            "size(message.tags) < 3 && size(message.attributes) == 0",
            "message.express == true",
            "!(message.quantity < 3)",
            "message.amount == 0.0",
            "message.quantity < 2.5",
            "message.amount > 1",
            "message.customer == null || size(message.customer) > 0",
            "message.quantity == message.createdAt",
            "message.id < 'm'");

    /** Expressions it leaves to CEL's interpreter entirely. */
    private static final List<String> NOT_PLANNED = List.of(
            "has(message.customer)",
            "message.id.startsWith('order')",
            "message.tags.exists(t, t == 'vip')",
            "message.quantity + 1 > 2",
            "message.id in ['a', 'b']",
            "message.amount > double(message.quantity)");

    @Test
    void whenItDecidesItGivesTheSameVerdictAsCelsInterpreter() throws Exception {
        Random random = new Random(42);
        List<GenericRecord> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            records.add(randomOrder(random));
        }
        Map<String, Integer> decided = new HashMap<>();
        for (String expr : PLANNED.subList(0, 12)) {
            assertThat(CelSupport.check(SCHEMA, expr, false)).as("%s type-checks", expr).isEmpty();
        }
        // the rest mix types or compare with null: contracts refuse them at load, the fast path must still be right
        for (String expr : PLANNED) {
            CelFastPath fast = CelSupport.fastPath(expr).orElseThrow(() -> new AssertionError("not planned: " + expr));
            CelRuntime.Program program = CelSupport.program(expr);
            for (GenericRecord record : records) {
                Map<String, Object> view = CelValues.record(record);
                Object verdict = fast.evaluate(view);
                Object cel;
                try {
                    cel = program.eval(Map.of(CelSupport.MESSAGE, view));
                } catch (Exception e) {
                    cel = e;
                }
                if (verdict != CelFastPath.UNDECIDED) {
                    decided.merge(expr, 1, Integer::sum);
                    assertThat(verdict).as("%s on %s", expr, record).isEqualTo(cel);
                }
            }
        }
        // the fast path must actually engage on the shapes it is for
        for (String expr : PLANNED.subList(0, 12)) {
            assertThat(decided.getOrDefault(expr, 0)).as("records decided by the fast path for %s", expr)
                    .isGreaterThan(records.size() / 2);
        }
    }

    @Test
    void leavesMixedTypesNullsAndNotANumberToCel() {
        GenericRecord order = randomOrder(new Random(1));
        order.put("customer", null);
        order.put("amount", Double.NaN);
        Map<String, Object> view = CelValues.record(order);
        for (String expr : List.of("message.quantity < 2.5", "message.amount > 1", "message.customer == 'ann'",
                "size(message.customer) > 0", "message.amount == 0.0", "message.amount < 1000.0")) {
            assertThat(CelSupport.fastPath(expr).orElseThrow().evaluate(view)).as(expr)
                    .isSameAs(CelFastPath.UNDECIDED);
        }
    }

    @Test
    void plansOnlyWhatItCovers() {
        for (String expr : NOT_PLANNED) {
            assertThat(CelSupport.fastPath(expr)).as(expr).isEmpty();
        }
    }

    private static GenericRecord randomOrder(Random random) {
        GenericRecord order = new GenericData.Record(SCHEMA);
        String[] ids = {"order-1", "order-2", "x", "m", "ü-é", "😀😀"};
        order.put("id", ids[random.nextInt(ids.length)]);
        String[] customers = {null, "", "ann", "bob", "ö", "😀"};
        order.put("customer", customers[random.nextInt(customers.length)]);
        double[] amounts = {0.0, -0.0, 0.5, 1.0, 99.99, 100.0, 999.0, 1000.0, 5000.0, -3.0};
        order.put("amount", amounts[random.nextInt(amounts.length)]);
        order.put("quantity", random.nextInt(8));
        order.put("createdAt", random.nextBoolean() ? 1_795_000_000_000L : (long) random.nextInt(8));
        order.put("express", random.nextBoolean());
        List<String> tags = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            tags.add("t" + i);
        }
        order.put("tags", tags);
        order.put("attributes", random.nextBoolean() ? Map.of() : Map.of("k", "v"));
        return order;
    }
}
