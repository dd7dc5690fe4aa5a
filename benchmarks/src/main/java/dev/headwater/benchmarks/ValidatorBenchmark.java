package dev.headwater.benchmarks;

import dev.headwater.contract.ContractRule;
import dev.headwater.contract.ContractValidator;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Owner;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The rule engine on a 10-field record: 8 field constraints on the fast path, 2 CEL rules, both together, and a contract
 * without rules. Target: the 8 constraints in at most 1 µs per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ValidatorBenchmark {

    static final List<ContractRule> FIELD_RULES = List.of(
            ContractRule.field("idPresent", "id").required().minLength(5).build(),
            ContractRule.field("amountRange", "amount").min(0.01).max(100_000).build(),
            ContractRule.field("currencyIso", "currency").format("iso4217").build(),
            ContractRule.field("quantityRange", "quantity").min(1).max(100).build(),
            ContractRule.field("skuPattern", "sku").regex("^SKU-[A-Z]{3}-[0-9]{3}$").build(),
            ContractRule.field("emailFormat", "email").format("email").build(),
            ContractRule.field("createdNotInFuture", "createdAt").notInFuture().build(),
            ContractRule.field("channelKnown", "channel").allowed(List.of("web", "mobile", "store")).build());

    static final List<ContractRule> CEL_RULES = List.of(
            ContractRule.cel("expressIsSmall", "!message.express || message.quantity <= 10").build(),
            ContractRule.cel("bigNeedsCustomer", "message.amount < 1000.0 || size(message.customer) > 0")
                    .onFailure(OnFailure.ERROR).build());

    /** Two rules outside the fast path's subset, so CEL's interpreter evaluates them. */
    static final List<ContractRule> INTERPRETED_CEL_RULES = List.of(
            ContractRule.cel("skuPrefix", "message.sku.startsWith('SKU-') || message.quantity == 0").build(),
            ContractRule.cel("knownCurrency", "message.currency in ['EUR', 'USD', 'GBP']").build());

    private ContractValidator interpreted;
    private ContractValidator fieldsOnly;
    private ContractValidator celOnly;
    private ContractValidator all;
    private ContractValidator none;
    private GenericRecord record;
    private byte[] avroBytes;
    private GenericDatumReader<GenericRecord> reader;

    @Setup
    public void setUp() {
        Schema schema = new Schema.Parser().parse(SerdeBenchmark.SCHEMA);
        record = SerdeBenchmark.order(schema);
        fieldsOnly = validator(schema, FIELD_RULES);
        celOnly = validator(schema, CEL_RULES);
        interpreted = validator(schema, INTERPRETED_CEL_RULES);
        List<ContractRule> both = new ArrayList<>(FIELD_RULES);
        both.addAll(CEL_RULES);
        all = validator(schema, both);
        none = validator(schema, List.of());
        avroBytes = ThroughputHarness.plainSerializer(schema).serialize("bench.orders.v1", record);
        reader = new GenericDatumReader<>(schema);
        if (!all.validate(record).isEmpty() || !interpreted.validate(record).isEmpty()) {
            throw new IllegalStateException("the benchmark record must be valid: " + all.validate(record));
        }
    }

    static ContractValidator validator(Schema schema, List<ContractRule> rules) {
        DataContract contract = DataContract.builder().subject("bench.orders.v1-value").version("1").schema(schema)
                .owner(new Owner("team-bench", "")).rules(rules).build();
        return ContractValidator.compile(contract, Clock.systemUTC());
    }

    @Benchmark
    public Object eightFieldConstraints() {
        return fieldsOnly.validate(record);
    }

    @Benchmark
    public Object twoCelRules() {
        return celOnly.validate(record);
    }

    @Benchmark
    public Object twoInterpretedCelRules() {
        return interpreted.validate(record);
    }

    @Benchmark
    public Object eightConstraintsAndTwoCelRules() {
        return all.validate(record);
    }

    /** Reading the record from Avro bytes, as a consumer does: its strings are Avro {@code Utf8}, not Java strings. */
    @Benchmark
    public Object decodeOnly() throws IOException {
        return decode();
    }

    /** The 8 constraints on a record just read from Avro bytes; minus {@link #decodeOnly()}: the cost in a consumer. */
    @Benchmark
    public Object decodeAndEightFieldConstraints() throws IOException {
        return fieldsOnly.validate(decode());
    }

    private GenericRecord decode() throws IOException {
        return reader.read(null, DecoderFactory.get().binaryDecoder(avroBytes, null));
    }

    @Benchmark
    public Object noRules() {
        return none.validate(record);
    }
}
