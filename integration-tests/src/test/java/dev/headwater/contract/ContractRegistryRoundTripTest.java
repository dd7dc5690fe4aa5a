package dev.headwater.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.pipeline.ContractEvolution;
import dev.headwater.pipeline.EvolutionReport;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaDefinition;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class ContractRegistryRoundTripTest {

    static final Path ORDERS = Path.of("../sdk-core/src/test/resources/contracts/orders.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaRegistryClient client;

    @BeforeEach
    void client(EmbeddedSchemaRegistry registry) {
        client = SchemaRegistryClient.builder().urls(registry.url()).build();
    }

    @Test
    void aContractWrittenToTheRegistryReadsBackUnchanged() {
        DataContract contract = DataContract.load(ORDERS);
        String subject = "orders-" + UUID.randomUUID() + "-value";

        client.register(subject, contract.toSchemaDefinition(), false);
        DataContract back = DataContract.fromRegistry(client.latest(subject));

        assertThat(back.rules()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("line")
                .containsExactlyElementsOf(contract.rules());
        assertThat(back.owner()).isEqualTo(contract.owner());
        assertThat(back.version()).isEqualTo(contract.version());
        assertThat(back.domain()).isEqualTo(contract.domain());
        assertThat(back.description()).isEqualTo(contract.description());
        assertThat(back.topics()).isEqualTo(contract.topics());
        assertThat(back.tags()).isEqualTo(contract.tags());
        assertThat(back.fields()).isEqualTo(contract.fields());
        assertThat(back.serviceLevels()).isEqualTo(contract.serviceLevels());
        assertThat(back.deadLetterTopic()).isEqualTo(contract.deadLetterTopic());
        assertThat(back.compatibility()).isEqualTo(contract.compatibility());
        assertThat(back.schema()).isEqualTo(contract.schema());
    }

    @Test
    void theRegistryHoldsTheRulesInConfluentsDataContractFormat() {
        SchemaDefinition written = DataContract.load(ORDERS).toSchemaDefinition();

        assertThat(written.metadata().path("properties").path("owner").asText()).isEqualTo("team-orders");
        assertThat(written.metadata().path("properties").path("slo.freshness").asText()).isEqualTo("PT5M");
        assertThat(written.metadata().path("sensitive")).extracting(n -> n.asText()).containsExactly("amount", "email");
        assertThat(written.metadata().path("tags").path("dev.headwater.samples.OrderPlaced.email").get(0).asText())
                .isEqualTo("PII");
        var amount = written.ruleSet().path("domainRules").get(1);
        assertThat(amount.path("kind").asText()).isEqualTo("CONDITION");
        assertThat(amount.path("type").asText()).isEqualTo("CEL");
        assertThat(amount.path("expr").asText()).isEqualTo("message.amount >= 0.01 && message.amount <= 100000.0");
        var currency = written.ruleSet().path("domainRules").get(2);
        assertThat(currency.path("onFailure").asText()).isEqualTo("DLQ");
        assertThat(currency.path("params").path("dlq.topic").asText()).isEqualTo("retail.orders.placed.v1.dlq");
        var express = written.ruleSet().path("domainRules").get(8);
        assertThat(express.path("expr").asText()).isEqualTo("!message.express || message.quantity <= 10");
    }

    @Test
    void whereEachRuleIsCheckedTravelsAsConfluentsRuleMode() throws Exception {
        DataContract contract = DataContract.load(ORDERS);
        List<ContractRule> sided = new java.util.ArrayList<>(contract.rules());
        sided.set(0, ContractRule.field("idIsUuid", "id").required().format("uuid").mode(RuleMode.WRITE).build());
        sided.set(1, ContractRule.field("amountInRange", "amount").min(0.01).max(100_000).mode(RuleMode.READ)
                .build());
        DataContract written = DataContract.builder().subject(contract.subject()).version(contract.version())
                .owner(contract.owner()).schema(contract.schema()).deadLetterTopic(contract.deadLetterTopic())
                .rules(sided).build();
        String subject = "orders-" + UUID.randomUUID() + "-value";

        SchemaDefinition definition = written.toSchemaDefinition();
        assertThat(definition.ruleSet().path("domainRules")).extracting(n -> n.path("mode").asText())
                .startsWith("WRITE", "READ", "WRITEREAD");
        client.register(subject, definition, false);
        assertThat(DataContract.fromRegistry(client.latest(subject)).rules()).extracting(ContractRule::mode)
                .startsWith(RuleMode.WRITE, RuleMode.READ, RuleMode.WRITEREAD);

        // a condition with a migration mode is never checked on a record written or read
        String migrating = "orders-" + UUID.randomUUID() + "-value";
        client.register(migrating, SchemaDefinition.avro(contract.schema().toString()).withRuleSet(JSON.readTree("""
                {"domainRules":[
                  {"name":"onUpgrade","kind":"CONDITION","mode":"UPGRADE","type":"CEL","expr":"true"},
                  {"name":"onRead","kind":"CONDITION","mode":"READ","type":"CEL","expr":"true"}]}""")), false);
        assertThat(DataContract.fromRegistry(client.latest(migrating)).rules()).extracting(ContractRule::name)
                .containsExactly("onRead");
    }

    @Test
    void aContractAuthoredInTheRegistryInConfluentsFormatIsEnforced() throws Exception {
        String subject = "payments-" + UUID.randomUUID() + "-value";
        String schema = """
                {"type":"record","name":"PaymentRequested","namespace":"com.acme","fields":[
                  {"name":"orderId","type":"string"},{"name":"amount","type":"double"},
                  {"name":"fee","type":"double"},{"name":"currency","type":"string"}]}""";
        SchemaDefinition authored = SchemaDefinition.avro(schema)
                .withMetadata(JSON.readTree("""
                        {"properties":{"owner":"team-payments","owner_email":"payments@acme.com"},
                         "sensitive":["orderId"]}"""))
                .withRuleSet(JSON.readTree("""
                        {"domainRules":[
                          {"name":"checkCurrency","kind":"CONDITION","mode":"WRITE","type":"CEL",
                           "expr":"message.currency in ['EUR','USD']","onFailure":"DLQ",
                           "params":{"dlq.topic":"payments.dlq"}},
                          {"name":"moneyIsPositive","kind":"CONDITION","mode":"WRITE","type":"CEL_FIELD",
                           "expr":"typeName == 'DOUBLE' ; value > 0.0","onFailure":"ERROR"},
                          {"name":"encrypt","kind":"TRANSFORM","type":"ENCRYPT","tags":["PII"]}]}"""));
        client.register(subject, authored, false);

        RegisteredSchema registered = client.latest(subject);
        DataContract contract = DataContract.fromRegistry(registered);
        assertThat(contract.owner()).isEqualTo(new Owner("team-payments", "payments@acme.com"));
        assertThat(contract.deadLetterTopic()).isEqualTo("payments.dlq");
        assertThat(contract.field("orderId").orElseThrow().sensitive()).isTrue();
        assertThat(contract.rules()).extracting(ContractRule::name).containsExactly("checkCurrency", "moneyIsPositive");

        GenericRecord payment = new GenericData.Record(contract.schema());
        payment.put("orderId", "o-1");
        payment.put("amount", -3.0);
        payment.put("fee", 0.0);
        payment.put("currency", "GBP");
        assertThat(contract.validator().validate(payment))
                .extracting(Violation::rule, Violation::field, Violation::onFailure)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("checkCurrency", "", OnFailure.DLQ),
                        org.assertj.core.groups.Tuple.tuple("moneyIsPositive", "amount", OnFailure.ERROR),
                        org.assertj.core.groups.Tuple.tuple("moneyIsPositive", "fee", OnFailure.ERROR));
    }

    @Test
    void evolutionAgainstTheRegistryIncludesTheRegistrysOwnVerdict(@org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        String subject = "orders-" + UUID.randomUUID() + "-value";
        String yaml = java.nio.file.Files.readString(ORDERS).replace("retail.orders.placed.v1-value", subject);
        DataContract current = DataContract.parse(yaml, "orders.yaml", ORDERS.toAbsolutePath().getParent());
        client.register(subject, current.toSchemaDefinition(), false);

        assertThat(ContractEvolution.compareWithRegistry(client, current).hasBreakingChanges()).isFalse();

        java.nio.file.Files.writeString(work.resolve("orders.avsc"), java.nio.file.Files.readString(
                ORDERS.resolveSibling("orders.avsc")).replace("{\"name\":\"express\",\"type\":\"boolean\"}",
                "{\"name\":\"express\",\"type\":\"boolean\"},{\"name\":\"shop\",\"type\":\"string\"}"));
        DataContract next = DataContract.parse(yaml.replace("version: 1.2.0", "version: 1.3.0"), "orders.yaml", work);
        EvolutionReport report = ContractEvolution.compareWithRegistry(client, next);

        assertThat(report.from()).isEqualTo("1.2.0");
        assertThat(report.breakingChanges()).anySatisfy(c -> assertThat(c.description()).startsWith("registry: ")
                .contains("shop"));
        assertThat(ContractEvolution.compareWithRegistry(client, DataContract.parse(yaml.replace(subject,
                subject + "-new"), "orders.yaml", ORDERS.toAbsolutePath().getParent())).changes()).isEmpty();
    }
}
