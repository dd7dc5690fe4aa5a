package dev.headwater.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class ContractValidatorTest {

    private final DataContract contract = Orders.contract();

    @Test
    void aValidRecordHasNoViolations() {
        assertThat(contract.validator().validate(Orders.valid(contract))).isEmpty();
    }

    @Test
    void reportsEveryViolationNotJustTheFirst() {
        GenericRecord order = Orders.valid(contract);
        order.put("id", "not-a-uuid");
        order.put("amount", -5.0);
        order.put("currency", "EURO");
        order.put("sku", "sku-abc");
        order.put("channel", "fax");

        List<Violation> violations = contract.validator().validate(order);

        assertThat(violations).extracting(Violation::rule).containsExactly(
                "idIsUuid", "amountInRange", "currencyIsIso", "skuPattern", "channelKnown");
        assertThat(violations).extracting(Violation::message).containsExactly(
                "id must be a UUID (8-4-4-4-12 hex digits)",
                "amount must be at least 0.01",
                "currency must be an ISO 4217 currency code, such as EUR",
                "sku must match ^SKU-[A-Z]{3}-[0-9]{3}$",
                "channel must be one of [web, mobile, store]");
        assertThat(violations.get(2).onFailure()).isEqualTo(OnFailure.DLQ);
        assertThat(violations.get(0).value()).isEqualTo("not-a-uuid");
        assertThat(violations.get(4).field()).isEqualTo("channel");
    }

    @Test
    void aValueOfAnotherTypeUnderTheFieldsNameIsAViolationNeverAnException() {
        // a record written under another registered schema: same record and field names, other types
        Schema foreign = new Schema.Parser().parse(contract.schema().toString()
                .replace("{\"name\":\"amount\",\"type\":\"double\"", "{\"name\":\"amount\",\"type\":\"string\"")
                .replace("{\"name\":\"currency\",\"type\":\"string\"", "{\"name\":\"currency\",\"type\":\"int\""));
        assertThat(foreign.getField("amount").schema().getType()).isEqualTo(Schema.Type.STRING);
        GenericRecord order = new GenericData.Record(foreign);
        for (Schema.Field field : foreign.getFields()) {
            order.put(field.name(), Orders.valid(contract).get(field.name()));
        }
        order.put("amount", "12.50");
        order.put("currency", 978);

        List<Violation> violations = contract.validator().validate(order);

        assertThat(violations).extracting(Violation::rule).contains("amountInRange", "currencyIsIso");
        assertThat(violations).extracting(Violation::message)
                .contains("amount must be a number (the contract's type is double), was text",
                        "currency must be text (the contract's type is string), was a number");
    }

    @Test
    void redactsValuesOfSensitiveFields() {
        GenericRecord order = Orders.valid(contract);
        order.put("amount", 250_000.0);
        order.put("email", "not an email");

        List<Violation> violations = contract.validator().validate(order);

        assertThat(violations).extracting(Violation::rule).containsExactly("amountInRange", "emailFormat");
        assertThat(violations).extracting(Violation::value).containsOnly(Violation.REDACTED);
        assertThat(violations.toString()).doesNotContain("not an email").doesNotContain("250000");
    }

    @Test
    void requiredRefusesNullAndOptionalFieldsMayBeNull() {
        GenericRecord order = Orders.valid(contract);
        order.put("id", null);
        order.put("email", null);

        assertThat(contract.validator().validate(order)).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("id is required but was null"));
    }

    @Test
    void celRulesSeeTheWholeRecord() {
        GenericRecord order = Orders.valid(contract);
        order.put("express", true);
        order.put("quantity", 50);
        order.put("amount", 5000.0);
        order.put("customer", "");

        assertThat(contract.validator().validate(order)).extracting(Violation::rule)
                .containsExactly("expressOrdersAreSmall", "bigOrdersNeedACustomer");
        assertThat(contract.validator().validate(order).get(0).message())
                .isEqualTo("expression '!message.express || message.quantity <= 10' is false");
    }

    @Test
    void timestampsInTheFutureAreRefusedAgainstTheGivenClock() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
        ContractValidator validator = ContractValidator.compile(contract, clock);
        GenericRecord order = Orders.valid(contract);
        order.put("createdAt", Instant.parse("2026-11-26T12:00:01Z").toEpochMilli());
        assertThat(validator.validate(order)).extracting(Violation::message)
                .containsExactly("createdAt must not be in the future");
        order.put("createdAt", Instant.parse("2026-11-26T12:00:00Z").toEpochMilli());
        assertThat(validator.validate(order)).isEmpty();
    }

    @Test
    void celFieldRulesApplyToEveryMatchingField() {
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"Prices","fields":[{"name":"net","type":"double"},
                 {"name":"gross","type":"double"},{"name":"label","type":"string"}]}""");
        DataContract prices = DataContract.builder().subject("prices-value").version("1").schema(schema)
                .owner(new Owner("team-pricing", ""))
                .rules(List.of(ContractRule.cel("pricesPositive", "typeName == 'DOUBLE' ; value > 0.0")
                        .exprType("CEL_FIELD").build()))
                .build();
        GenericRecord record = new GenericData.Record(schema);
        record.put("net", -1.0);
        record.put("gross", -2.0);
        record.put("label", "x");

        assertThat(prices.validator().validate(record)).extracting(Violation::field).containsExactly("net", "gross");
    }

    @Test
    void producersCheckWriteRulesAndConsumersReadRulesAndBothCheckWriteReadRules() {
        DataContract sided = DataContract.builder().subject("s-value").version("1").schema(contract.schema())
                .owner(new Owner("team", "")).rules(List.of(
                        ContractRule.field("onWrite", "quantity").max(1).mode(RuleMode.WRITE).build(),
                        ContractRule.field("onRead", "quantity").max(2).mode(RuleMode.READ).build(),
                        ContractRule.cel("onBoth", "message.quantity <= 3").build()))
                .build();
        GenericRecord order = Orders.valid(contract);
        order.put("quantity", 50);

        assertThat(sided.writeValidator().validate(order)).extracting(Violation::rule)
                .containsExactly("onWrite", "onBoth");
        assertThat(sided.readValidator().validate(order)).extracting(Violation::rule)
                .containsExactly("onRead", "onBoth");
        assertThat(sided.validator().validate(order)).extracting(Violation::rule)
                .containsExactly("onWrite", "onRead", "onBoth");
        assertThat(sided.rules()).extracting(ContractRule::mode)
                .containsExactly(RuleMode.WRITE, RuleMode.READ, RuleMode.WRITEREAD);
    }

    @Test
    void aContractWithoutRulesReturnsNothingAndAcceptsAnyValue() {
        DataContract bare = DataContract.builder().subject("s-value").version("1").schema(contract.schema())
                .owner(new Owner("team", "")).build();
        assertThat(bare.validator().hasRules()).isFalse();
        assertThat(bare.validator().validate(Orders.valid(contract))).isEmpty();
    }

    @Test
    void aValueThatIsNotARecordIsOneViolation() {
        assertThat(contract.validator().validate("just a string")).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("not an Avro record"));
    }
}
