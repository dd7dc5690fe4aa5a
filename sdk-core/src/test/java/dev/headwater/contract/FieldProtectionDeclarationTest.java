package dev.headwater.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwater.registry.RegisteredSchema;
import dev.headwater.registry.SchemaDefinition;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How a contract says which fields are protected and how, and what it refuses. */
class FieldProtectionDeclarationTest {

    private static final String CONTRACT = """
            subject: customers-value
            version: 1.0.0
            owner: {team: team-customers}
            schema: |
              {"type":"record","name":"Customer","fields":[{"name":"id","type":"string"},
               {"name":"email","type":"string"},{"name":"phone","type":["null","string"],"default":null},
               {"name":"card","type":["null","bytes"],"default":null},{"name":"amount","type":"double"},
               {"name":"country","type":"string"}]}
            """;

    private static DataContract parse(String yaml) {
        return DataContract.parse(yaml, "customers.yaml", Path.of("."));
    }

    private static void assertProblem(String yaml, String... expected) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOfSatisfying(ContractDefinitionException.class, e -> {
            for (String text : expected) {
                assertThat(e.problems()).as("problems").anySatisfy(p -> assertThat(p).contains(text));
            }
        });
    }

    @Test
    void aClassificationsProtectionAppliesToItsFieldsAndAFieldsOwnSettingWins() {
        DataContract contract = parse(CONTRACT + """
                protection: {pii: encrypt, restricted: token}
                fields:
                  email: {classification: pii, mask: "***"}
                  phone: {classification: pii}
                  card: {classification: confidential, protect: encrypt}
                  id: {classification: pii, protect: token, mask: "anonymous"}
                  country: {classification: pii, protect: none}
                  amount: {classification: confidential}
                """);

        assertThat(contract.field("email").orElseThrow().protection()).isEqualTo(Protection.ENCRYPT);
        assertThat(contract.field("email").orElseThrow().mask()).isEqualTo("***");
        assertThat(contract.field("phone").orElseThrow().protection()).as("nullable: consumers without access read null")
                .isEqualTo(Protection.ENCRYPT);
        assertThat(contract.field("phone").orElseThrow().mask()).isNull();
        assertThat(contract.field("card").orElseThrow().protection()).isEqualTo(Protection.ENCRYPT);
        assertThat(contract.field("id").orElseThrow().protection()).isEqualTo(Protection.TOKEN);
        assertThat(contract.field("country").orElseThrow().protectedField()).isFalse();
        assertThat(contract.field("amount").orElseThrow().protectedField()).as("confidential is not protected here")
                .isFalse();
    }

    @Test
    void whatAProtectedFieldCannotCarryIsRefusedNamingTheFieldAndWhatToDo() {
        assertProblem(CONTRACT + """
                fields:
                  amount: {classification: confidential, protect: encrypt, mask: "0"}
                  card: {classification: confidential, protect: token}
                  email: {classification: pii, protect: encrypt}
                  country: {classification: public, mask: "--"}
                """,
                "customers.yaml: fields.amount: protection encrypt needs a string or bytes field",
                "customers.yaml: fields.card: protection token needs a string field (the token is text), was "
                        + "[\"null\",\"bytes\"]; use encrypt",
                "customers.yaml: fields.email: consumers without access to a protected field read its mask, or "
                        + "null: give it a mask",
                "customers.yaml: fields.country.mask: the field is not protected");
        assertProblem(CONTRACT + """
                protection: {pii: shred, secret: encrypt}
                fields:
                  email: {classification: pii, protect: hide, mask: "***"}
                """,
                "customers.yaml:9: 'protection.pii' is 'shred', not one of [NONE, ENCRYPT, TOKEN]",
                "customers.yaml:9: unknown key 'protection.secret'",
                "customers.yaml:11: 'fields.email.protect' is 'hide', not one of [NONE, ENCRYPT, TOKEN]");
        assertThatThrownBy(() -> parse(CONTRACT + """
                fields:
                  email: {classification: pii, protect: hide, mask: "***"}
                """)).isInstanceOfSatisfying(ContractDefinitionException.class, e -> assertThat(e.problems())
                .as("said once, not also as a mask out of place").singleElement().asString().contains("'hide'"));
    }

    @Test
    void theRegistryMetadataCarriesEachFieldsProtectionAndMaskAndTheErasureSubject() {
        DataContract contract = parse(CONTRACT + """
                erasureSubject: id
                fields:
                  email: {classification: pii, protect: encrypt, mask: "***"}
                  id: {classification: internal, protect: token, mask: "anonymous"}
                  country: {classification: public}
                """);
        SchemaDefinition definition = RegistryMapping.toSchemaDefinition(contract);
        JsonNode properties = definition.metadata().path("properties");
        assertThat(properties.path("field.email.protection").asText()).isEqualTo("encrypt");
        assertThat(properties.path("field.email.mask").asText()).isEqualTo("***");
        assertThat(properties.path("field.id.protection").asText()).isEqualTo("token");
        assertThat(properties.has("field.country.protection")).as("in clear: nothing said").isFalse();
        assertThat(properties.path("erasure.subject").asText()).isEqualTo("id");

        DataContract back = RegistryMapping.fromRegistry(new RegisteredSchema("customers-value", 1, 7, definition));
        assertThat(back.fields()).isEqualTo(contract.fields());
        assertThat(back.erasureSubject()).isEqualTo("id");
    }

    @Test
    void anErasureSubjectMustBeAStringFieldOfAContractThatEncryptsSomething() {
        DataContract contract = parse(CONTRACT + """
                erasureSubject: id
                fields:
                  email: {classification: pii, protect: encrypt, mask: "***"}
                """);
        assertThat(contract.erasureSubject()).isEqualTo("id");
        assertThat(parse(CONTRACT).erasureSubject()).isEmpty();
        assertProblem(CONTRACT + """
                erasureSubject: amount
                fields:
                  email: {classification: pii, protect: encrypt, mask: "***"}
                """, "customers.yaml: erasureSubject: 'amount' must be a string field of the schema");
        assertProblem(CONTRACT + """
                erasureSubject: id
                """, "customers.yaml: erasureSubject: 'id' is named but no field is encrypted");
    }
}
