package dev.headwater.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.registry.CompatibilityLevel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DataContractLoadingTest {

    private static final String SCHEMA = """
            schema: |
              {"type":"record","name":"Order","fields":[{"name":"id","type":"string"},
               {"name":"amount","type":"double"},{"name":"note","type":["null","string"],"default":null}]}
            """;

    private static final String HEADER = """
            subject: orders-value
            version: 1.0.0
            owner: {team: team-orders}
            """;

    private static DataContract parse(String yaml) {
        return DataContract.parse(yaml, "orders.yaml", Path.of("."));
    }

    private static void assertProblem(String yaml, String... expected) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOfSatisfying(ContractDefinitionException.class, e -> {
                    for (String text : expected) {
                        assertThat(e.problems()).as("problems").anySatisfy(p -> assertThat(p).contains(text));
                    }
                });
    }

    @Test
    void loadsEverythingAContractDeclares() {
        DataContract contract = Orders.contract();
        assertThat(contract.subject()).isEqualTo("retail.orders.placed.v1-value");
        assertThat(contract.topics()).containsExactly("retail.orders.placed.v1");
        assertThat(contract.version()).isEqualTo("1.2.0");
        assertThat(contract.owner()).isEqualTo(new Owner("team-orders", "orders@example.com"));
        assertThat(contract.domain()).isEqualTo("retail");
        assertThat(contract.tags()).containsExactly("orders", "core");
        assertThat(contract.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(contract.serviceLevels()).isEqualTo(new ServiceLevels(Duration.ofMinutes(5), 1200));
        assertThat(contract.deadLetterTopic()).isEqualTo("retail.orders.placed.v1.dlq");
        assertThat(contract.field("email")).contains(new FieldInfo("Customer's email address", "pii"));
        assertThat(contract.schema().getFullName()).isEqualTo("dev.headwater.samples.OrderPlaced");
        assertThat(contract.rules()).hasSize(10);
        assertThat(contract.rules().get(0).line()).isEqualTo(22);
    }

    @Test
    void aRuleSaysWhereItIsCheckedAndAnUnknownModeIsNamedWithItsLine() {
        DataContract contract = parse(HEADER + SCHEMA + """
                rules:
                  - name: idOnWrite
                    field: id
                    required: true
                    mode: write
                  - name: amountOnRead
                    field: amount
                    min: 0
                    mode: READ
                  - name: amountEverywhere
                    field: amount
                    max: 10
                """);
        assertThat(contract.rules()).extracting(ContractRule::mode)
                .containsExactly(RuleMode.WRITE, RuleMode.READ, RuleMode.WRITEREAD);

        assertProblem(HEADER + SCHEMA + """
                rules:
                  - name: idOnWrite
                    field: id
                    required: true
                    mode: PRODUCE
                """, "orders.yaml:11: rule 'idOnWrite': mode 'PRODUCE' is not WRITE, READ or WRITEREAD");
    }

    @Test
    void anUnknownKeyIsRefusedWithItsLine() {
        assertProblem(HEADER + "descripton: typo\n" + SCHEMA,
                "orders.yaml:4: unknown key 'descripton'; allowed here: [compatibility,");
        assertProblem(HEADER + SCHEMA + """
                rules:
                  - name: amountPositive
                    field: amount
                    minimum: 0
                """, "orders.yaml:10: unknown key 'rules[0].minimum'");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingBothLines() {
        assertProblem(HEADER + "version: 2.0.0\n" + SCHEMA,
                "orders.yaml:4: key 'version' is given twice, first at line 2");
        assertProblem(HEADER + SCHEMA + """
                rules:
                  - name: amountPositive
                    field: amount
                    min: 0
                    min: 1
                """, "orders.yaml:11: key 'min' is given twice, first at line 10");
    }

    @Test
    void aRegexThatDoesNotCompileIsNamed() {
        assertProblem(HEADER + SCHEMA + """
                rules:
                  - name: idPattern
                    field: id
                    regex: "^(ORD-[0-9]+$"
                """, "orders.yaml:8: rule 'idPattern': regex '^(ORD-[0-9]+$' does not compile: Unclosed group");
    }

    @Test
    void celThatDoesNotCompileOrTypeCheckIsNamed() {
        assertProblem(HEADER + SCHEMA + """
                rules:
                  - name: broken
                    expr: "message.amount >"
                  - name: wrongType
                    expr: "message.id > 3"
                  - name: unknownField
                    expr: "message.amountt > 0.0"
                  - name: notBoolean
                    expr: "message.amount"
                """,
                "orders.yaml:8: rule 'broken': CEL expression 'message.amount >' is invalid",
                "orders.yaml:10: rule 'wrongType': CEL expression 'message.id > 3' is invalid: ERROR: <input>:1:12: "
                        + "found no matching overload for '_>_' applied to '(string, int)'",
                "orders.yaml:12: rule 'unknownField'", "undefined field 'amountt'",
                "orders.yaml:14: rule 'notBoolean'", "expected type 'bool' but found 'double'");
    }

    @Test
    void aRuleOnAFieldThatDoesNotExistListsTheFields() {
        assertProblem(HEADER + SCHEMA + """
                rules:
                  - name: currencyKnown
                    field: currency
                    in: [EUR]
                """, "orders.yaml:8: rule 'currencyKnown': field 'currency' does not exist in schema Order "
                + "(fields: [id, amount, note])");
    }

    @Test
    void aRangeOnAStringIsRefusedWithWhatToUseInstead() {
        assertProblem(HEADER + SCHEMA + """
                rules:
                  - name: idRange
                    field: id
                    min: 1
                """, "orders.yaml:8: rule 'idRange': min/max need a numeric field, but 'id' is \"string\"; "
                + "use minLength/maxLength for strings");
    }

    @Test
    void everyProblemIsReportedInOneGo() {
        assertThatThrownBy(() -> parse("""
                version: 1.0.0
                owner: {team: team-orders, phone: 123}
                deadLetterTopic: ""
                """ + SCHEMA + """
                rules:
                  - name: a
                    field: amount
                    max: lots
                  - name: b
                    field: note
                    maxLength: 10
                    onFailure: DLQ
                  - name: b
                    field: amount
                    format: colour
                """))
                .isInstanceOfSatisfying(ContractDefinitionException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("'subject' is required"))
                        .anySatisfy(p -> assertThat(p).contains("orders.yaml:2: unknown key 'owner.phone'"))
                        .anySatisfy(p -> assertThat(p).contains("rule 'a': max 'lots' is not a number"))
                        .anySatisfy(p -> assertThat(p).contains("onFailure is DLQ but the contract has no "
                                + "'deadLetterTopic'"))
                        .anySatisfy(p -> assertThat(p).contains("rule 'b': the name is used by another rule"))
                        .anySatisfy(p -> assertThat(p).contains("format 'colour' is unknown"))
                        .anySatisfy(p -> assertThat(p).contains("minLength/maxLength/regex/format need a string "
                                + "field, but 'amount' is \"double\"")));
    }

    @Test
    void invalidYamlAndInvalidSchemasAreNamedWithTheirLine() {
        assertProblem(HEADER + "tags: [a, b\n", "orders.yaml:", "not valid YAML");
        assertProblem(HEADER + "schema: '{\"type\":\"record\",\"name\":\"X\"}'\n",
                "orders.yaml:4: the Avro schema is invalid");
        assertProblem(HEADER, "a schema is required");
        assertProblem(HEADER + "schemaFile: missing.avsc\n", "orders.yaml:4: schemaFile 'missing.avsc' cannot be read");
    }

    @Test
    void aFieldDeclaredTwiceInTheSchemaIsNamedWithTheLinesDeclaringIt() {
        assertProblem(HEADER + """
                schema: |
                  {"type":"record","name":"Order","fields":[
                   {"name":"id","type":"string"},
                   {"name":"amount","type":"double"},
                   {"name":"id","type":"string"}]}
                """, "orders.yaml:4: the Avro schema is invalid: field 'id' is declared twice in record Order "
                + "(schema lines 6, 8)");
    }

    @Test
    void aVersionThatIsNotASingleValueIsNotAlsoSaidToBeMissing() {
        assertThatThrownBy(() -> parse("""
                subject: orders-value
                version: [1]
                owner: {team: team-orders}
                """ + SCHEMA)).isInstanceOfSatisfying(ContractDefinitionException.class, e -> {
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'version' must be a single value"));
                    assertThat(e.problems()).noneSatisfy(p -> assertThat(p).contains("'version' is required"));
                });
    }

    @Test
    void aFieldEntryMustNameASchemaFieldAndAKnownClassification() {
        assertProblem(HEADER + SCHEMA + """
                fields:
                  phone: {doc: "nope", classification: pii}
                  id: {classification: secret}
                """, "fields.phone: no such field in schema Order",
                "fields.id.classification: 'secret' is not one of");
    }

    @Test
    void loadsFromTheClasspathAndFromAUrlWithItsSchemaFileBesideIt() throws Exception {
        DataContract fromClasspath = DataContract.load("classpath:contracts/orders.yaml");
        assertThat(fromClasspath.schema().getName()).isEqualTo("OrderPlaced");

        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/contracts/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/contracts/".length());
            try (var in = getClass().getResourceAsStream("/contracts/" + name)) {
                byte[] body = in == null ? new byte[0] : in.readAllBytes();
                exchange.sendResponseHeaders(in == null ? 404 : 200, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            }
            exchange.close();
        });
        server.start();
        try {
            DataContract fromUrl = DataContract.load("http://127.0.0.1:" + server.getAddress().getPort()
                    + "/contracts/orders.yaml");
            assertThat(fromUrl.schema()).isEqualTo(fromClasspath.schema());
            assertThat(fromUrl.rules()).hasSameSizeAs(fromClasspath.rules());
        } finally {
            server.stop(0);
        }
        assertThatThrownBy(() -> DataContract.load("classpath:contracts/no-such.yaml"))
                .isInstanceOf(ContractDefinitionException.class)
                .hasMessageContaining("classpath:contracts/no-such.yaml")
                .hasMessageContaining("no resource");
    }
}
