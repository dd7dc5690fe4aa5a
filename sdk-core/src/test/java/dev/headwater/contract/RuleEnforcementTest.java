package dev.headwater.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.registry.RegisteredSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleEnforcementTest {

    private static final String CONTRACT = """
            subject: orders-value
            version: 1.0.0
            owner: {team: team-orders}
            schema: |
              {"type":"record","name":"Order","fields":[{"name":"id","type":"string"},
               {"name":"amount","type":"double"}]}
            rules:
              - name: amountPositive
                field: amount
                min: 0.01
            """;

    private static DataContract parse(String yaml) {
        return DataContract.parse(yaml, "orders.yaml", Path.of("."));
    }

    private static DataContract withAmountRule(String enforcement) {
        return parse(CONTRACT + "    enforcement: " + enforcement + "\n");
    }

    @Test
    void aRuleIsObservedOrEnforcedEverywhereOrPerEnvironmentWithADefault() {
        assertThat(withAmountRule("observe").rules().get(0).enforcement()).isEqualTo(RuleEnforcement.OBSERVED);
        RuleEnforcement perEnvironment = withAmountRule("{prod: observe, test: enforce, default: observe}")
                .rules().get(0).enforcement();
        assertThat(perEnvironment.in("prod")).isEqualTo(Enforcement.OBSERVE);
        assertThat(perEnvironment.in("test")).isEqualTo(Enforcement.ENFORCE);
        assertThat(perEnvironment.in("dev")).isEqualTo(Enforcement.OBSERVE);
        assertThat(perEnvironment.in(null)).isEqualTo(Enforcement.OBSERVE);
        RuleEnforcement noDefault = withAmountRule("{prod: observe}").rules().get(0).enforcement();
        assertThat(noDefault.in("dev")).isEqualTo(Enforcement.ENFORCE);
        assertThat(parse(CONTRACT).rules().get(0).enforcement().isSet()).isFalse();
    }

    @Test
    void anUnknownEnforcementIsNamedWithTheRuleAndWhatIsAllowed() {
        assertThatThrownBy(() -> withAmountRule("warn"))
                .isInstanceOfSatisfying(ContractDefinitionException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("rule 'amountPositive'").contains("'warn'")
                                .contains("observe or enforce")));
        assertThatThrownBy(() -> withAmountRule("{prod: maybe}"))
                .isInstanceOfSatisfying(ContractDefinitionException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("in 'prod'").contains("observe or enforce")));
    }

    @Test
    void theObserveBlockSaysHowManyViolatingRecordsAreSampledPerPeriodAndWhere() {
        DataContract contract = parse(CONTRACT + "observe: {sample: 5, period: PT10M, topic: orders.observed}\n");
        assertThat(contract.observation()).isEqualTo(new ObservationSampling(5, Duration.ofMinutes(10),
                "orders.observed"));
        assertThat(parse(CONTRACT).observation()).isEqualTo(ObservationSampling.DEFAULT);
        assertThatThrownBy(() -> parse(CONTRACT + "observe: {samples: 5}\n"))
                .isInstanceOfSatisfying(ContractDefinitionException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).contains("samples").contains("period, sample, topic")));
    }

    @Test
    void enforcementAndSamplingTravelThroughTheSchemaRegistrysMetadata() {
        DataContract contract = parse(CONTRACT + "    enforcement: {default: observe, prod: enforce}\n"
                + "observe: {sample: 2, period: PT5M, topic: orders.observed}\n");
        DataContract back = RegistryMapping.fromRegistry(new RegisteredSchema("orders-value", 1, 3,
                RegistryMapping.toSchemaDefinition(contract)));
        assertThat(back.rules().get(0).enforcement()).isEqualTo(new RuleEnforcement(Enforcement.OBSERVE,
                Map.of("prod", Enforcement.ENFORCE)));
        assertThat(back.observation()).isEqualTo(contract.observation());
        assertThat(RegistryMapping.toSchemaDefinition(contract).ruleSet().path("domainRules").get(0)
                .path("params").path("headwater.enforcement").asText()).isEqualTo("default=observe,prod=enforce");
    }

    @Test
    void aRuleNewToALiveContractStartsObservedWhileRulesItHadKeepTheirsAndTheFirstVersionEnforces() {
        DataContract live = parse(CONTRACT + "    enforcement: observe\n");
        DataContract next = parse(CONTRACT.replace("1.0.0", "1.1.0") + """
                  - name: idShort
                    field: id
                    maxLength: 36
                  - name: idPresent
                    field: id
                    minLength: 1
                    enforcement: enforce
                """);
        DataContract settled = next.withRolloutFrom(live);
        assertThat(settled.rule("amountPositive").orElseThrow().enforcement()).isEqualTo(RuleEnforcement.OBSERVED);
        assertThat(settled.rule("idShort").orElseThrow().enforcement()).isEqualTo(RuleEnforcement.OBSERVED);
        assertThat(settled.rule("idPresent").orElseThrow().enforcement()).isEqualTo(RuleEnforcement.ENFORCED);
        DataContract first = next.withRolloutFrom(null);
        assertThat(first.rule("idShort").orElseThrow().enforcement()).isEqualTo(RuleEnforcement.ENFORCED);
        assertThat(settled.version()).isEqualTo("1.1.0");
        assertThat(settled.withRolloutFrom(null)).isSameAs(settled);
    }

    @Test
    void theTextFormReadsBackAndNamesWhatItCannotRead() {
        for (String text : new String[] {"observe", "enforce", "default=observe,prod=enforce", "test=observe"}) {
            assertThat(RuleEnforcement.parse(text).toText()).isEqualTo(text);
        }
        assertThat(RuleEnforcement.parse("")).isEqualTo(RuleEnforcement.UNSET);
        assertThatThrownBy(() -> RuleEnforcement.parse("prod=sometimes"))
                .hasMessageContaining("'sometimes' is not an enforcement");
    }
}
