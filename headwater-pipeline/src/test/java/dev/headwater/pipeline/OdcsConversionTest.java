package dev.headwater.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.headwater.contract.ContractDefinitionException;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Violation;
import dev.headwater.fixtures.Vendored;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/** ODCS v3 export and import: validated against ODCS's published JSON schema, round trip on the samples' contracts. */
class OdcsConversionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every contract the samples ship, and this module's test contract (schema file, every kind of rule). */
    static Stream<Path> contracts() throws IOException {
        Path samples = Path.of("..", "samples");
        try (Stream<Path> files = Files.walk(samples)) {
            List<Path> found = files
                    .filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> file.getParent().getFileName().toString().equals("contracts"))
                    .filter(file -> !file.toString().contains("target"))
                    .filter(file -> !file.getFileName().toString().endsWith(".examples.yaml"))
                    .sorted()
                    .toList();
            assertThat(found).as("the samples' contracts").hasSizeGreaterThanOrEqualTo(5);
            return Stream.concat(found.stream(), Stream.of(Path.of("src/test/resources/contracts/orders.yaml")));
        }
    }

    @ParameterizedTest
    @MethodSource("contracts")
    void aContractSurvivesTheRoundTripThroughOdcs(Path file) {
        DataContract original = DataContract.load(file);
        OdcsExport export = OdcsExport.of(original);

        assertThat(violations(export.toJsonTree())).as("ODCS schema violations").isEmpty();
        JsonNode fromYaml = JSON.valueToTree(new Yaml().load(export.toYaml()));
        assertThat(violations(fromYaml)).as("the YAML form too").isEmpty();

        OdcsImport imported = OdcsImport.read(export.toYaml(), file.getFileName() + ".odcs.yaml");
        assertThat(imported.notRepresented()).isEmpty();
        assertSame(original, imported.contract());
        assertSame(original, DataContract.parse(imported.contractYaml(), "again.yaml", null));
        assertSame(original, OdcsImport.read(export.toJson(), "as.json").contract());
    }

    @Test
    void expressionRulesModesAndNestedTypesSurviveTheRoundTrip() {
        DataContract original = DataContract.parse("""
                subject: retail.shipments.v1-value
                topics: [retail.shipments.v1, retail.shipments.replay.v1]
                version: 3.0.1
                deadLetterTopic: retail.shipments.v1.dlq
                owner: {team: team-shipping, contact: "https://wiki.example.com/shipping"}
                slo: {freshness: PT0.5S, expectedRecordsPerMinute: 30}
                schema: |
                  {"type":"record","name":"Shipment","namespace":"dev.headwater.test","doc":"A parcel sent",
                   "fields":[
                    {"name":"id","type":{"type":"string","logicalType":"uuid"}},
                    {"name":"weight","type":["null","float"],"default":null},
                    {"name":"sentAt","type":{"type":"long","logicalType":"timestamp-millis"}},
                    {"name":"address","type":{"type":"record","name":"Address","fields":[
                      {"name":"city","type":"string","doc":"City"},{"name":"zip","type":["null","string"]}]}},
                    {"name":"items","type":{"type":"array","items":"string"}},
                    {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","SENT"]}},
                    {"name":"note","type":"string"}]}
                rules:
                  - {name: idRequired, field: id, required: true}
                  - {name: noteShort, field: note, maxLength: 200, mode: WRITE, onFailure: DLQ, enforcement: observe}
                  - name: heavyHasItems
                    expr: "message.weight == null || size(message.items) > 0"
                    enforcement: {default: observe, prod: enforce}
                  - {name: sentRecently, field: sentAt, notInFuture: true, mode: READ}
                """, "shipments.yaml", null);

        OdcsExport export = OdcsExport.of(original);
        assertThat(violations(export.toJsonTree())).isEmpty();
        OdcsImport imported = OdcsImport.read(export.toYaml(), "shipments.odcs.yaml");

        assertThat(imported.notRepresented()).isEmpty();
        assertSame(original, imported.contract());
        assertThat(imported.contract().owner().contact()).isEqualTo("https://wiki.example.com/shipping");
        assertThat(imported.contract().serviceLevels().freshness()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aFieldsProtectionAndTheErasureSubjectSurviveTheRoundTripAsCustomProperties() {
        DataContract original = DataContract.parse("""
                subject: crm.customers.v1-value
                erasureSubject: id
                version: 1.0.0
                owner: {team: team-crm}
                schema: |
                  {"type":"record","name":"Customer","fields":[{"name":"id","type":"string"},
                   {"name":"email","type":"string"},{"name":"phone","type":["null","string"],"default":null}]}
                protection: {pii: encrypt}
                fields:
                  id: {classification: internal, protect: token, mask: "anonymous"}
                  email: {classification: pii, mask: "***"}
                  phone: {classification: pii}
                """, "customers.yaml", null);

        OdcsExport export = OdcsExport.of(original);
        assertThat(violations(export.toJsonTree())).as("ODCS schema violations").isEmpty();
        JsonNode email = export.toJsonTree().path("schema").get(0).path("properties").get(1);
        assertThat(email.path("customProperties").toString())
                .isEqualTo("[{\"property\":\"headwaterProtection\",\"value\":\"encrypt\"},"
                        + "{\"property\":\"headwaterMask\",\"value\":\"***\"}]");
        OdcsImport imported = OdcsImport.read(export.toYaml(), "customers.odcs.yaml");
        assertThat(imported.notRepresented()).isEmpty();
        assertThat(imported.contract().fields()).isEqualTo(original.fields());
        assertThat(imported.contract().field("phone").orElseThrow().protection())
                .isEqualTo(dev.headwater.contract.Protection.ENCRYPT);
        assertThat(imported.contract().erasureSubject()).isEqualTo("id");
    }

    @Test
    void theExportPutsEachPartWhereOdcsToolsLookForIt() {
        DataContract orders = DataContract.load(Path.of("src/test/resources/contracts/orders.yaml"));
        JsonNode odcs = OdcsExport.of(orders).toJsonTree();

        assertThat(odcs.path("apiVersion").asText()).isEqualTo("v3.1.0");
        assertThat(odcs.path("id").asText()).isEqualTo("retail.orders.placed.v1-value");
        assertThat(odcs.path("team").path("name").asText()).isEqualTo("team-orders");
        assertThat(odcs.path("support").get(0).path("url").asText()).isEqualTo("mailto:orders@example.com");
        assertThat(odcs.path("description").path("purpose").asText()).startsWith("An order placed");
        assertThat(odcs.path("slaProperties").get(0).path("property").asText()).isEqualTo("latency");
        assertThat(odcs.path("slaProperties").get(0).path("value").asLong()).isEqualTo(300);
        assertThat(odcs.path("slaProperties").get(0).path("unit").asText()).isEqualTo("s");

        JsonNode topic = odcs.path("schema").get(0);
        assertThat(topic.path("physicalName").asText()).isEqualTo("retail.orders.placed.v1");
        assertThat(topic.path("physicalType").asText()).isEqualTo("topic");
        JsonNode email = property(topic, "email");
        assertThat(email.path("classification").asText()).isEqualTo("pii");
        assertThat(email.path("description").asText()).isEqualTo("Customer's email address");
        assertThat(email.path("logicalType").asText()).isEqualTo("string");
        assertThat(email.path("criticalDataElement").asBoolean()).isTrue();

        JsonNode channel = property(topic, "channel").path("quality").get(0);
        assertThat(channel.path("metric").asText()).isEqualTo("invalidValues");
        assertThat(channel.path("mustBe").asInt()).isZero();
        assertThat(channel.path("arguments").path("validValues").toString()).isEqualTo("[\"web\",\"mobile\",\"store\"]");
        JsonNode sku = property(topic, "sku").path("quality").get(0);
        assertThat(sku.path("arguments").path("pattern").asText()).isEqualTo("^SKU-[A-Z]{3}-[0-9]{3}$");
        JsonNode amount = property(topic, "amount").path("quality").get(0);
        assertThat(amount.path("type").asText()).isEqualTo("custom");
        assertThat(amount.path("engine").asText()).isEqualTo("headwater");
        assertThat(amount.path("implementation").path("min").asDouble()).isEqualTo(0.01);
        JsonNode currency = property(topic, "currency").path("quality").get(0);
        assertThat(currency.path("customProperties").get(0).path("property").asText())
                .isEqualTo("headwaterOnFailure");
        assertThat(currency.path("customProperties").get(0).path("value").asText()).isEqualTo("DLQ");
    }

    @Test
    void anOdcsDocumentFromElsewhereBecomesAContractWithWhatItCannotHoldListed() {
        String document = """
                apiVersion: v3.0.2
                kind: DataContract
                id: 6f1c1f7e-0d7b-4f7e-9a51-2d0d1b0f6a11
                name: Payments requested
                version: 2.0.0
                status: active
                domain: finance
                tags: [payments]
                description:
                  purpose: Payments requested for orders.
                  limitations: Amounts in the order's currency.
                team:
                  name: team-payments
                  members:
                    - {username: ana@example.com, role: owner}
                support:
                  - {channel: payments-email, tool: email, url: "mailto:payments@example.com"}
                  - {channel: "#payments", tool: slack, url: "https://example.slack.com/payments"}
                servers:
                  - {server: production, type: kafka, host: "broker-1:9092", format: avro}
                slaProperties:
                  - {property: latency, value: 10, unit: min}
                  - {property: retention, value: 7, unit: d}
                schema:
                  - name: payment_requested
                    physicalName: finance.payments.requested.v1
                    physicalType: topic
                    logicalType: object
                    properties:
                      - name: paymentId
                        logicalType: string
                        logicalTypeOptions: {format: uuid}
                        required: true
                        primaryKey: true
                        description: Payment id
                        classification: internal
                      - name: amount
                        logicalType: number
                        logicalTypeOptions: {minimum: 0.01, exclusiveMaximum: 1000000}
                        required: true
                        classification: confidential
                        quality:
                          - {name: amountNotOutlier, type: sql, query: "SELECT COUNT(*) FROM t WHERE amount > 10000",
                             mustBeLessThan: 10}
                      - name: currency
                        logicalType: string
                        required: true
                        quality:
                          - {name: currencyKnown, metric: invalidValues, arguments: {validValues: [EUR, USD]},
                             mustBe: 0, description: "Currencies we settle"}
                          - {metric: invalidValues, arguments: {validValues: [EUR]}, mustBeLessThan: 5, unit: percent}
                      - name: payer
                        logicalType: string
                        classification: sensitive
                        quality:
                          - {metric: nullValues, mustBe: 0, severity: warning}
                      - name: requestedOn
                        logicalType: date
                        required: true
                      - name: attempts
                        logicalType: integer
                        logicalTypeOptions: {format: i32, minimum: 0, maximum: 5}
                    quality:
                      - {type: custom, engine: soda, implementation: "duplicate_count(paymentId) = 0"}
                      - {metric: rowCount, mustBeGreaterThan: 0}
                """;
        assertThat(violations(JSON.valueToTree(new Yaml().load(document))))
                .as("the test document is itself valid ODCS").isEmpty();

        OdcsImport imported = OdcsImport.read(document, "payments.odcs.yaml");
        DataContract contract = imported.contract();

        assertThat(contract.subject()).isEqualTo("finance.payments.requested.v1-value");
        assertThat(contract.topics()).containsExactly("finance.payments.requested.v1");
        assertThat(contract.version()).isEqualTo("2.0.0");
        assertThat(contract.owner().team()).isEqualTo("team-payments");
        assertThat(contract.owner().contact()).isEqualTo("payments@example.com");
        assertThat(contract.domain()).isEqualTo("finance");
        assertThat(contract.description()).isEqualTo("Payments requested for orders.\n\n"
                + "Limitations: Amounts in the order's currency.");
        assertThat(contract.serviceLevels().freshness()).isEqualTo(Duration.ofMinutes(10));

        Schema schema = contract.schema();
        assertThat(schema.getName()).isEqualTo("PaymentRequested");
        assertThat(schema.getField("paymentId").schema().getLogicalType().getName()).isEqualTo("uuid");
        assertThat(schema.getField("amount").schema().getType()).isEqualTo(Schema.Type.DOUBLE);
        assertThat(schema.getField("requestedOn").schema().getLogicalType().getName()).isEqualTo("date");
        assertThat(schema.getField("attempts").schema().toString()).isEqualTo("[\"null\",\"int\"]");
        assertThat(schema.getField("payer").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(contract.fields().get("amount").classification()).isEqualTo("confidential");
        assertThat(contract.fields().get("paymentId").doc()).isEqualTo("Payment id");
        assertThat(contract.fields().get("payer").classification()).isEqualTo("internal");

        assertThat(contract.rules()).extracting(ContractRule::name)
                .containsExactly("amountLimits", "currencyKnown", "payerNullValues", "attemptsLimits");
        ContractRule currencyKnown = contract.rules().get(1);
        assertThat(currencyKnown.allowed()).containsExactly("EUR", "USD");
        assertThat(currencyKnown.doc()).isEqualTo("Currencies we settle");
        assertThat(contract.rules().get(2).required()).isTrue();
        assertThat(contract.rules().get(2).onFailure()).isEqualTo(OnFailure.DLQ);
        assertThat(contract.rules().get(3).max()).isEqualTo(5.0);

        assertThat(imported.notRepresented()).anySatisfy(item -> assertThat(item).startsWith("servers:"))
                .anySatisfy(item -> assertThat(item).startsWith("slaProperties[1] (retention)"))
                .anySatisfy(item -> assertThat(item).startsWith("support[1] (#payments)"))
                .anySatisfy(item -> assertThat(item).startsWith("team.members"))
                .anySatisfy(item -> assertThat(item).startsWith("id: '6f1c1f7e"))
                .anySatisfy(item -> assertThat(item).startsWith("name: 'Payments requested'"))
                .anySatisfy(item -> assertThat(item).contains("amountNotOutlier").contains("SQL check"))
                .anySatisfy(item -> assertThat(item).contains("logicalTypeOptions.exclusiveMaximum"))
                .anySatisfy(item -> assertThat(item).contains("(currency).quality[1]")
                        .contains("mustBeLessThan 5 percent"))
                .anySatisfy(item -> assertThat(item).contains("(payer).classification").contains("'sensitive'"))
                .anySatisfy(item -> assertThat(item).contains("(payer).quality[0].severity"))
                .anySatisfy(item -> assertThat(item).contains("(paymentId).primaryKey"))
                .anySatisfy(item -> assertThat(item).contains("schema[0].quality[0]").contains("'soda'"))
                .anySatisfy(item -> assertThat(item).contains("schema[0].quality[1]").contains("rowCount"));
        assertThat(imported.notRepresented()).anySatisfy(item -> assertThat(item)
                .startsWith("deadLetterTopic: the document names none").contains("'finance.payments.requested.v1.dlq'"));
        assertThat(imported.notRepresented()).anySatisfy(item -> assertThat(item)
                .startsWith("support[0] (payments-email): its url is the owner's contact")
                .contains("channel 'payments-email' not kept"));
        assertThat(imported.notRepresented()).hasSize(16);
        assertThat(imported.contractYaml()).contains("# Not represented here")
                .contains("#   - servers: 1 entry");

        GenericRecord record = new GenericData.Record(schema);
        record.put("paymentId", "5a0e2e7a-4c5d-4a59-8d1e-1f5b0d3f2c11");
        record.put("amount", 12.5);
        record.put("currency", "GBP");
        record.put("payer", "p-1");
        record.put("requestedOn", 20_000);
        record.put("attempts", 9);
        assertThat(contract.validator().validate(record)).extracting(Violation::rule)
                .containsExactly("currencyKnown", "attemptsLimits");
    }

    @Test
    void aDocumentWithoutWhatAContractNeedsIsRefusedNamingEachKey() {
        assertThatThrownBy(() -> OdcsImport.read("""
                apiVersion: v2.2.2
                kind: DataContract
                id: x
                status: active
                schema:
                  - name: t
                    properties:
                      - {name: order-id, logicalType: string}
                """, "old.odcs.yaml"))
                .isInstanceOf(ContractDefinitionException.class)
                .satisfies(e -> assertThat(((ContractDefinitionException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("apiVersion").contains("upgrade v2 documents"))
                        .anySatisfy(p -> assertThat(p).contains("version is missing"))
                        .anySatisfy(p -> assertThat(p).contains("schema[0].properties[0].name")
                                .contains("'order-id' is not a valid Avro field name")));

        assertThatThrownBy(() -> OdcsImport.read("apiVersion: v3.1.0\nkind: DataContract\nversion: 1.0.0\n"
                + "team: {name: t}\n", "empty.odcs.yaml"))
                .isInstanceOf(ContractDefinitionException.class)
                .hasMessageContaining("schema is missing or empty");
    }

    /** The official examples of ODCS (vendored, with their source): every one is read as the standard allows. */
    @Test
    void everyOfficialOdcsExampleImportsUnlessItDescribesNoRecord() throws IOException {
        Path examples = Vendored.require("odcs/examples");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(examples)) {
            files = walk.filter(f -> f.toString().endsWith(".odcs.yaml")).sorted().toList();
        }
        assertThat(files).as("the official examples").hasSizeGreaterThanOrEqualTo(18);
        List<String> imported = new java.util.ArrayList<>();
        for (Path file : files) {
            try {
                OdcsImport result = OdcsImport.read(file);
                imported.add(file.getFileName().toString());
                if (!Files.readString(file).contains("team:")) {
                    assertThat(result.contract().owner().team()).as(file.toString()).isEqualTo("unowned");
                    assertThat(result.notRepresented()).as(file.toString())
                            .anySatisfy(item -> assertThat(item).startsWith("team: the document names no owning team"));
                }
            } catch (ContractDefinitionException refused) {
                // only a document that describes no record (no schema, or a schema object without properties whose
                // schema lives elsewhere) cannot become a contract; it is told so, naming the key
                assertThat(refused.problems()).as(file.toString()).allSatisfy(problem -> assertThat(problem)
                        .containsAnyOf("schema is missing or empty", "schema[0].properties is missing or empty"));
            }
        }
        assertThat(imported).as("imported examples").hasSizeGreaterThanOrEqualTo(12);
    }

    private static String odcs(String schema) {
        return """
                apiVersion: v3.1.0
                kind: DataContract
                id: orders
                version: 1.0.0
                status: active
                schema:
                """ + schema.indent(2);
    }

    @Test
    void twoNestedObjectsOfOneNameOrOneNamedLikeTheRecordStayDistinctRecords() {
        OdcsImport imported = OdcsImport.read(odcs("""
                - name: order
                  physicalName: retail.orders.v1
                  properties:
                    - name: billing
                      logicalType: object
                      properties:
                        - {name: address, logicalType: object, properties: [{name: street, logicalType: string}]}
                    - name: shipping
                      logicalType: object
                      properties:
                        - {name: address, logicalType: object, properties: [{name: city, logicalType: string}]}
                    - name: order
                      logicalType: object
                      properties: [{name: note, logicalType: string}]
                """), "nested.odcs.yaml");

        Schema schema = imported.contract().schema();
        Schema billing = schema.getField("billing").schema().getTypes().get(1).getField("address").schema()
                .getTypes().get(1);
        Schema shipping = schema.getField("shipping").schema().getTypes().get(1).getField("address").schema()
                .getTypes().get(1);
        assertThat(billing.getField("street")).isNotNull();
        assertThat(shipping.getField("city")).as("its own fields, not the first address's").isNotNull();
        assertThat(shipping.getFullName()).isNotEqualTo(billing.getFullName());
        Schema inner = schema.getField("order").schema().getTypes().get(1);
        assertThat(inner.getFullName()).as("not the record itself: no recursive type").isNotEqualTo(schema.getFullName());
        assertThat(inner.getField("note")).isNotNull();
        assertThat(imported.notRepresented()).anySatisfy(item -> assertThat(item).contains("an object named like "
                + "another record"));
    }

    @Test
    void aToleranceInPercentIsListedAndNeverBecomesNoneMayFail() {
        OdcsImport imported = OdcsImport.read(odcs("""
                - name: order
                  physicalName: retail.orders.v1
                  properties:
                    - name: currency
                      logicalType: string
                      quality:
                        - {metric: nullValues, mustBeLessThan: 1, unit: percent}
                        - {metric: nullValues, mustBeLessThan: 1, unit: rows}
                """), "tolerance.odcs.yaml");

        assertThat(imported.contract().rules()).as("only the count that must be 0").hasSize(1);
        assertThat(imported.contract().rules().get(0).required()).isTrue();
        assertThat(imported.notRepresented()).anySatisfy(item -> assertThat(item).contains("(currency).quality[0]")
                .contains("allows some failing records").contains("mustBeLessThan 1 percent"));
    }

    @Test
    void entriesThatAreNotMappingsDuplicatePropertiesAndDuplicateKeysAreRefusedNamingWhere() {
        assertThatThrownBy(() -> OdcsImport.read(odcs("- just a name"), "scalar.odcs.yaml"))
                .isInstanceOf(ContractDefinitionException.class)
                .hasMessageContaining("schema[0] is the value 'just a name', not a mapping");
        assertThatThrownBy(() -> OdcsImport.read(odcs("""
                - name: order
                  physicalName: retail.orders.v1
                  properties:
                    - [id, string]
                    - {name: amount, logicalType: number}
                    - {name: amount, logicalType: number}
                """), "entries.odcs.yaml"))
                .isInstanceOf(ContractDefinitionException.class)
                .satisfies(e -> assertThat(((ContractDefinitionException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("schema[0].properties[0] is a list, not a mapping"))
                        .anySatisfy(p -> assertThat(p).contains("schema[0].properties[2].name 'amount' is given "
                                + "twice (also schema[0].properties[1])")));
        assertThatThrownBy(() -> OdcsImport.read(odcs("""
                - name: order
                  name: orders
                  physicalName: retail.orders.v1
                  properties: [{name: id, logicalType: string}]
                """), "keys.odcs.yaml"))
                .isInstanceOf(ContractDefinitionException.class)
                .hasMessageContaining("keys.odcs.yaml: not valid YAML or JSON").hasMessageContaining("duplicate key");
    }

    @Test
    void physicalNamesDimensionsIdsLengthsAndWidthsAreKeptOrListed() {
        OdcsImport imported = OdcsImport.read(odcs("""
                - name: order
                  id: order-object
                  physicalName: retail.orders.v1
                  properties:
                    - {name: orderId, physicalName: order_id, id: prop-1, logicalType: string, required: true}
                    - {name: customerCode, logicalType: string, physicalType: varchar(18), required: true}
                    - name: age
                      logicalType: integer
                      physicalType: int
                      logicalTypeOptions: {minimum: 18, exclusiveMaximum: 100, format: i64}
                    - {name: amount, logicalType: number, physicalType: double, logicalTypeOptions: {format: f32}}
                    - name: status
                      logicalType: string
                      quality:
                        - {id: q-1, metric: nullValues, mustBe: 0, dimension: completeness}
                        - {metric: invalidValues, arguments: {validValues: [NEW, PAID]}, mustBe: 0,
                           dimension: accuracy, tags: [finance, daily]}
                """), "details.odcs.yaml");

        Schema schema = imported.contract().schema();
        assertThat(schema.getField("order_id")).as("named as records carry it").isNotNull();
        assertThat(schema.getField("order_id").aliases()).containsExactly("orderId");
        assertThat(schema.getField("age").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.LONG);
        assertThat(schema.getField("amount").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.DOUBLE);
        ContractRule length = imported.contract().rules().stream()
                .filter(r -> r.field().equals("customerCode")).findFirst().orElseThrow();
        assertThat(length.maxLength()).isEqualTo(18);
        ContractRule age = imported.contract().rules().stream()
                .filter(r -> r.field().equals("age")).findFirst().orElseThrow();
        assertThat(age.min()).isEqualTo(18.0);
        assertThat(age.max()).as("exclusive 100 of an integer").isEqualTo(99.0);
        assertThat(imported.notRepresented())
                .anySatisfy(item -> assertThat(item).contains("(orderId)").contains("physicalName 'order_id'"))
                .anySatisfy(item -> assertThat(item).contains("(age)").contains("disagree on the width"))
                .anySatisfy(item -> assertThat(item).contains("(amount)").contains("disagree on the width"))
                .anySatisfy(item -> assertThat(item).startsWith("schema[0].id: 'order-object'"))
                .anySatisfy(item -> assertThat(item).contains("(orderId).id: 'prop-1'"))
                .anySatisfy(item -> assertThat(item).contains("quality[0] (q-1).id"))
                .anySatisfy(item -> assertThat(item).contains("quality[1].dimension: 'accuracy'"))
                .anySatisfy(item -> assertThat(item).contains("quality[1].tags: [\"finance\",\"daily\"]"))
                .noneSatisfy(item -> assertThat(item).contains("''"))
                .noneSatisfy(item -> assertThat(item).contains("quality[0] (q-1).dimension"));
    }

    @Test
    void aBrokenDocumentIsCaughtByTheSchemaSoTheChecksAboveCanFail() {
        com.fasterxml.jackson.databind.node.ObjectNode document = OdcsExport.of(
                DataContract.load(Path.of("src/test/resources/contracts/orders.yaml"))).toJsonTree();
        ((com.fasterxml.jackson.databind.node.ObjectNode) document.path("schema").get(0).path("properties").get(0))
                .put("logicalType", "text");
        assertThat(violations(document)).isNotEmpty();
    }

    private static void assertSame(DataContract expected, DataContract actual) {
        assertThat(actual.subject()).isEqualTo(expected.subject());
        assertThat(actual.topics()).isEqualTo(expected.topics());
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(actual.owner()).isEqualTo(expected.owner());
        assertThat(actual.domain()).isEqualTo(expected.domain());
        assertThat(actual.description()).isEqualTo(expected.description());
        assertThat(actual.tags()).isEqualTo(expected.tags());
        assertThat(actual.compatibility()).isEqualTo(expected.compatibility());
        assertThat(actual.deadLetterTopic()).isEqualTo(expected.deadLetterTopic());
        assertThat(actual.serviceLevels()).isEqualTo(expected.serviceLevels());
        assertThat(actual.schema()).isEqualTo(expected.schema());
        assertThat(actual.fields()).isEqualTo(expected.fields());
        // rules come back grouped by the field they check (ODCS keeps checks on their property)
        assertThat(actual.rules().stream().map(OdcsConversionTest::withoutLine).toList())
                .containsExactlyInAnyOrderElementsOf(expected.rules().stream().map(OdcsConversionTest::withoutLine)
                        .toList());
    }

    private static ContractRule withoutLine(ContractRule rule) {
        return new ContractRule(rule.name(), rule.field(), rule.doc(), rule.onFailure(), rule.required(), rule.min(),
                rule.max(), rule.minLength(), rule.maxLength(), rule.regex(), rule.allowed(), rule.format(),
                rule.notInFuture(), rule.expr(), rule.exprType(), 0, rule.mode(), rule.enforcement());
    }

    private static JsonNode property(JsonNode schemaObject, String name) {
        for (JsonNode property : schemaObject.path("properties")) {
            if (property.path("name").asText().equals(name)) {
                return property;
            }
        }
        throw new AssertionError("no property " + name);
    }

    private static Set<ValidationMessage> violations(JsonNode document) {
        try (InputStream in = java.nio.file.Files.newInputStream(Vendored.require("odcs/odcs-json-schema-v3.1.0.json"))) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909)
                    .getSchema(JSON.readTree(in));
            return schema.validate(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
