package dev.headwater.registry;

import static dev.headwater.support.Schemas.ORDER_V1;
import static dev.headwater.support.Schemas.ORDER_V2;
import static dev.headwater.support.Schemas.ORDER_V3_NO_DEFAULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class SchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaRegistryClient client;
    private String subject;

    @BeforeEach
    void newClientAndSubject(EmbeddedSchemaRegistry registry) {
        client = SchemaRegistryClient.builder().urls(registry.url()).build();
        subject = "retail.orders." + UUID.randomUUID() + "-value";
    }

    @Test
    void theSameSchemaUnderTwoSubjectsGetsTheSameGlobalId() {
        int first = client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        int second = client.register(subject + "-copy", SchemaDefinition.avro(ORDER_V1), false);
        assertThat(second).isEqualTo(first);
        assertThat(client.version(subject + "-copy", 1).id()).isEqualTo(first);
    }

    @Test
    void registeringAgainIsIdempotent(EmbeddedSchemaRegistry registry) {
        int first = client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        SchemaRegistryClient uncached = SchemaRegistryClient.builder().urls(registry.url()).build();
        int again = uncached.register(subject, SchemaDefinition.avro(ORDER_V1.replace(" ", "")), true);
        assertThat(again).isEqualTo(first);
        assertThat(uncached.versions(subject)).containsExactly(1);
    }

    @Test
    void versionsLatestAndLookupDescribeTheSubject() {
        int v1 = client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        int v2 = client.register(subject, SchemaDefinition.avro(ORDER_V2), false);

        assertThat(v2).isNotEqualTo(v1);
        assertThat(client.versions(subject)).containsExactly(1, 2);
        RegisteredSchema latest = client.latest(subject);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(v2);
        assertThat(latest.subject()).isEqualTo(subject);
        assertThat(client.version(subject, 1).id()).isEqualTo(v1);
        assertThat(client.lookup(subject, SchemaDefinition.avro(ORDER_V1), false).version()).isEqualTo(1);
        assertThat(client.schemaById(v1).schema()).contains("OrderPlaced");
        assertThat(client.subjects(false)).contains(subject);
    }

    @Test
    void metadataAndRuleSetRoundTripUnchanged(EmbeddedSchemaRegistry registry) throws Exception {
        JsonNode metadata = JSON.readTree("""
                {"tags":{"currency":["PII_FREE"]},"properties":{"owner":"team-orders","domain":"retail",
                 "slo.freshness":"PT5M"},"sensitive":["customer_email"]}""");
        JsonNode ruleSet = JSON.readTree("""
                {"domainRules":[{"name":"amountPositive","kind":"CONDITION","mode":"WRITE","type":"CEL",
                 "expr":"message.amount > 0.0","onFailure":"DLQ","params":{"dlq.topic":"retail.orders.dlq"}}]}""");
        SchemaDefinition contract = SchemaDefinition.avro(ORDER_V1).withMetadata(metadata).withRuleSet(ruleSet);

        int id = client.register(subject, contract, false);
        SchemaRegistryClient fresh = SchemaRegistryClient.builder().urls(registry.url()).build();

        assertThat(fresh.schemaById(id).metadata()).isEqualTo(metadata);
        assertThat(fresh.schemaById(id).ruleSet()).isEqualTo(ruleSet);
        assertThat(fresh.latest(subject).definition().metadata()).isEqualTo(metadata);
        assertThat(fresh.version(subject, 1).definition().ruleSet()).isEqualTo(ruleSet);
        assertThat(fresh.lookup(subject, contract, false).id()).isEqualTo(id);
        assertThat(fresh.register(subject + "-plain", SchemaDefinition.avro(ORDER_V1), false))
                .as("the same schema without the contract fields is another schema").isNotEqualTo(id);
    }

    @Test
    void latestWithMetadataFindsTheVersionWhosePropertiesMatch() throws Exception {
        client.setCompatibility(subject, CompatibilityLevel.NONE);
        client.register(subject, SchemaDefinition.avro(ORDER_V1)
                .withMetadata(JSON.readTree("{\"properties\":{\"major\":\"1\"}}")), false);
        client.register(subject, SchemaDefinition.avro(ORDER_V2)
                .withMetadata(JSON.readTree("{\"properties\":{\"major\":\"2\"}}")), false);

        assertThat(client.latestWithMetadata(subject, Map.of("major", "1")).version()).isEqualTo(1);
        assertThat(client.latestWithMetadata(subject, Map.of("major", "2")).version()).isEqualTo(2);
        assertThatThrownBy(() -> client.latestWithMetadata(subject, Map.of("major", "3")))
                .isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40402));
    }

    @Test
    void backwardRefusesASchemaThatCannotReadOlderDataAndListsTheReasons() {
        client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        String breaking = ORDER_V1.replace("{\"name\":\"currency\",\"type\":\"string\"}",
                "{\"name\":\"currency\",\"type\":\"string\"},{\"name\":\"customer\",\"type\":\"string\"}");

        CompatibilityResult verdict = client.testCompatibility(subject, SchemaDefinition.avro(breaking));
        assertThat(verdict.compatible()).isFalse();
        assertThat(verdict.messages()).anySatisfy(m -> assertThat(m).contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("customer"));
        assertThatThrownBy(() -> client.register(subject, SchemaDefinition.avro(breaking), false))
                .isInstanceOfSatisfying(IncompatibleSchemaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.reasons()).anySatisfy(r -> assertThat(r).contains("customer"));
                    assertThat(e.getMessage()).contains(subject);
                });
        assertThat(client.testCompatibility(subject, 1, SchemaDefinition.avro(ORDER_V2)).compatible()).isTrue();
    }

    @Test
    void transitiveLevelsCheckEveryVersionNotOnlyTheLatest() {
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        client.register(subject, SchemaDefinition.avro(ORDER_V2), false);
        assertThat(client.testCompatibility(subject, SchemaDefinition.avro(ORDER_V3_NO_DEFAULT)).compatible())
                .as("BACKWARD: V3 reads V2 data").isTrue();

        client.setCompatibility(subject, CompatibilityLevel.BACKWARD_TRANSITIVE);
        CompatibilityResult transitive = client.testCompatibility(subject,
                SchemaDefinition.avro(ORDER_V3_NO_DEFAULT));
        assertThat(transitive.compatible()).as("BACKWARD_TRANSITIVE: V3 cannot read V1 data").isFalse();
        assertThat(transitive.messages()).anySatisfy(m -> assertThat(m).contains("channel")
                .contains("oldSchemaVersion: 1"));
    }

    @Test
    void forwardAndFullCheckThatOlderReadersReadNewData() {
        client.setCompatibility(subject, CompatibilityLevel.FORWARD);
        client.register(subject, SchemaDefinition.avro(ORDER_V2), false);
        String dropsChannelWithDefault = ORDER_V1;
        assertThat(client.testCompatibility(subject, SchemaDefinition.avro(dropsChannelWithDefault)).compatible())
                .as("FORWARD: V2 readers fill the missing channel from its default").isTrue();
        String dropsId = ORDER_V2.replace("{\"name\":\"id\",\"type\":\"string\"},", "");
        assertThat(client.testCompatibility(subject, SchemaDefinition.avro(dropsId)).compatible())
                .as("FORWARD: V2 readers need id, which has no default").isFalse();

        client.setCompatibility(subject, CompatibilityLevel.FULL);
        assertThat(client.testCompatibility(subject, SchemaDefinition.avro(ORDER_V3_NO_DEFAULT)).compatible())
                .as("FULL: both directions hold between V2 and V3").isTrue();
        String addsRequired = ORDER_V2.replace("{\"name\":\"id\",\"type\":\"string\"},",
                "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"shop\",\"type\":\"string\"},");
        assertThat(client.testCompatibility(subject, SchemaDefinition.avro(addsRequired)).compatible())
                .as("FULL: a new field without default breaks backward").isFalse();
        client.setCompatibility(subject, CompatibilityLevel.NONE);
        assertThat(client.testCompatibility(subject, SchemaDefinition.avro(addsRequired)).compatible()).isTrue();
    }

    @Test
    void compatibilityIsGlobalUnlessTheSubjectHasItsOwn() {
        CompatibilityLevel global = client.compatibility();
        assertThat(client.compatibility(subject)).isEqualTo(global);
        client.setCompatibility(subject, CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        client.deleteCompatibility(subject);
        assertThat(client.compatibility(subject)).isEqualTo(global);
        try {
            client.setCompatibility(CompatibilityLevel.FORWARD);
            assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FORWARD);
            assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.FORWARD);
        } finally {
            client.setCompatibility(global);
        }
    }

    @Test
    void softDeleteHidesASubjectAndHardDeleteNeedsItFirst() {
        int id = client.register(subject, SchemaDefinition.avro(ORDER_V1), false);

        assertThatThrownBy(() -> client.deleteSubject(subject, true))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_SOFT_DELETED));
        assertThat(client.deleteSubject(subject, false)).containsExactly(1);
        assertThat(client.subjects(false)).doesNotContain(subject);
        assertThat(client.subjects(true)).contains(subject);
        assertThatThrownBy(() -> client.versions(subject))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        assertThat(client.schemaById(id).schema()).as("ids outlive a soft delete").contains("OrderPlaced");

        assertThat(client.deleteSubject(subject, true)).containsExactly(1);
        assertThat(client.subjects(true)).doesNotContain(subject);
    }

    @Test
    void versionsAreSoftThenHardDeleted(EmbeddedSchemaRegistry registry) {
        client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        // a schema no other test registers, so that its id is used by this subject alone
        String onlyHere = ORDER_V2.replace("\"default\":\"web\"", "\"default\":\"" + UUID.randomUUID() + "\"");
        int v2 = client.register(subject, SchemaDefinition.avro(onlyHere), false);

        assertThatThrownBy(() -> client.deleteVersion(subject, 2, true))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.VERSION_NOT_SOFT_DELETED));
        assertThat(client.deleteVersion(subject, 2, false)).isEqualTo(2);
        assertThat(client.versions(subject)).containsExactly(1);
        assertThat(client.latest(subject).version()).isEqualTo(1);
        assertThat(client.deleteVersion(subject, 2, true)).isEqualTo(2);

        SchemaRegistryClient fresh = SchemaRegistryClient.builder().urls(registry.url()).build();
        assertThatThrownBy(() -> fresh.schemaById(v2))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void schemaReferencesAreRegisteredAndReturned() {
        String addressSubject = subject + "-address";
        client.register(addressSubject, SchemaDefinition.avro("""
                {"type":"record","name":"Address","namespace":"dev.headwater.test",
                 "fields":[{"name":"city","type":"string"}]}"""), false);
        SchemaDefinition customer = SchemaDefinition.avro("""
                {"type":"record","name":"Customer","namespace":"dev.headwater.test",
                 "fields":[{"name":"name","type":"string"},{"name":"address","type":"dev.headwater.test.Address"}]}""")
                .withReferences(List.of(new SchemaReference("dev.headwater.test.Address", addressSubject, 1)));

        int id = client.register(subject, customer, false);

        SchemaDefinition fetched = client.version(subject, 1).definition();
        assertThat(fetched.references()).containsExactly(
                new SchemaReference("dev.headwater.test.Address", addressSubject, 1));
        assertThat(client.schemaById(id).references()).hasSize(1);
    }

    @Test
    void errorsCarryTheRegistryCodeStatusAndUrl(EmbeddedSchemaRegistry registry) {
        assertThatThrownBy(() -> client.latest(subject))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.url()).startsWith(registry.url()).contains("/versions/latest");
                    assertThat(e.getMessage()).contains("40401").contains(subject);
                });
        client.register(subject, SchemaDefinition.avro(ORDER_V1), false);
        assertThatThrownBy(() -> client.version(subject, 7))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.VERSION_NOT_FOUND));
        assertThatThrownBy(() -> client.register(subject, SchemaDefinition.avro("{\"type\":\"record\"}"), false))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_SCHEMA);
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.registryMessage()).startsWith("Invalid schema");
                });
        assertThatThrownBy(() -> client.lookup(subject, SchemaDefinition.avro(ORDER_V2), false))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }
}
