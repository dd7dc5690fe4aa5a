package dev.headwater.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.EvolutionReport.Change;
import dev.headwater.pipeline.EvolutionReport.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractEvolutionTest {

    private static final Path DIR = Path.of("src/test/resources/contracts");

    @TempDir
    Path work;

    private DataContract variant(String yamlFrom, String yamlTo, String avscFrom, String avscTo) throws IOException {
        String yaml = Files.readString(DIR.resolve("orders.yaml")).replace(yamlFrom, yamlTo);
        String avsc = Files.readString(DIR.resolve("orders.avsc")).replace(avscFrom, avscTo);
        Files.writeString(work.resolve("orders.avsc"), avsc);
        return DataContract.parse(yaml, "orders-next.yaml", work);
    }

    @Test
    void anIdenticalVersionHasNoChanges() throws IOException {
        EvolutionReport report = ContractEvolution.compare(orders(), variant("", "", "", ""));
        assertThat(report.changes()).isEmpty();
        assertThat(report.hasBreakingChanges()).isFalse();
    }

    @Test
    void removingAFieldWithoutAnAliasIsBreakingAndRenamingWithOneIsNot() throws IOException {
        DataContract withoutChannel = DataContract.parse(Files.readString(DIR.resolve("orders.yaml"))
                .replace("  - name: channelKnown\n    field: channel\n    in: [web, mobile, store]\n", ""),
                "orders-next.yaml", write("{\"name\":\"channel\",\"type\":\"string\"},\n", ""));
        EvolutionReport report = ContractEvolution.compare(orders(), withoutChannel);
        assertThat(report.breakingChanges()).extracting(Change::kind, Change::where)
                .contains(org.assertj.core.groups.Tuple.tuple(Kind.FIELD_REMOVED, "channel"));

        DataContract renamed = DataContract.parse(Files.readString(DIR.resolve("orders.yaml"))
                .replace("field: channel", "field: salesChannel"), "orders-next.yaml",
                write("{\"name\":\"channel\",\"type\":\"string\"}",
                        "{\"name\":\"salesChannel\",\"type\":\"string\",\"aliases\":[\"channel\"]}"));
        EvolutionReport renaming = ContractEvolution.compare(orders(), renamed);
        assertThat(renaming.changes()).extracting(Change::kind).contains(Kind.FIELD_RENAMED);
        assertThat(renaming.changes()).filteredOn(c -> c.kind() == Kind.FIELD_RENAMED)
                .allSatisfy(c -> assertThat(c.breaking()).isFalse());
    }

    @Test
    void tighteningARuleIsBreakingAndLooseningOneIsNot() throws IOException {
        DataContract tighter = variant("    min: 1\n    max: 100", "    min: 2\n    max: 50", "", "");
        EvolutionReport report = ContractEvolution.compare(orders(), tighter);
        assertThat(report.breakingChanges()).extracting(Change::kind, Change::where).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.RULE_TIGHTENED, "quantityInRange"),
                org.assertj.core.groups.Tuple.tuple(Kind.RULE_TIGHTENED, "quantityInRange"));

        EvolutionReport looser = ContractEvolution.compare(tighter, orders());
        assertThat(looser.changes()).extracting(Change::kind).containsOnly(Kind.RULE_LOOSENED);
        assertThat(looser.hasBreakingChanges()).isFalse();

        DataContract fewerChannels = variant("in: [web, mobile, store]", "in: [web, mobile]", "", "");
        assertThat(ContractEvolution.compare(orders(), fewerChannels).breakingChanges())
                .singleElement().satisfies(c -> assertThat(c.description()).contains("[store] no longer allowed"));
    }

    @Test
    void movingARuleBetweenWriteAndReadIsListedAndNotBreaking() throws IOException {
        DataContract writeOnly = variant("    format: uuid\n", "    format: uuid\n    mode: WRITE\n", "", "");
        EvolutionReport report = ContractEvolution.compare(orders(), writeOnly);
        assertThat(report.changes()).singleElement().satisfies(c -> {
            assertThat(c.where()).isEqualTo("idIsUuid");
            assertThat(c.description()).isEqualTo("checked on WRITEREAD -> WRITE");
            assertThat(c.breaking()).isFalse();
        });
    }

    @Test
    void anAddedRuleSaidToBeEnforcedIsBreakingBecauseExistingDataMayFailIt() throws IOException {
        DataContract more = variant("rules:\n", "rules:\n  - name: customerPresent\n    field: customer\n"
                + "    minLength: 1\n    enforcement: enforce\n", "", "");
        assertThat(ContractEvolution.compare(orders(), more).breakingChanges())
                .extracting(Change::kind).containsExactly(Kind.RULE_ADDED);
    }

    @Test
    void anAddedRuleThatSaysNothingStartsObservedAndIsListedAsNotBreaking() throws IOException {
        DataContract more = variant("rules:\n", "rules:\n  - name: customerPresent\n    field: customer\n"
                + "    minLength: 1\n", "", "");
        EvolutionReport report = ContractEvolution.compare(orders(), more);
        assertThat(report.hasBreakingChanges()).isFalse();
        assertThat(report.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Kind.RULE_ADDED);
            assertThat(c.description()).contains("observed").contains("rollout report");
        });
    }

    @Test
    void promotingARuleFromObserveToEnforceIsAChangeToReviewNamingTheEnvironments() throws IOException {
        DataContract observed = variant("    min: 1\n    max: 100\n",
                "    min: 1\n    max: 100\n    enforcement: observe\n", "", "");
        DataContract promotedInProd = variant("    min: 1\n    max: 100\n",
                "    min: 1\n    max: 100\n    enforcement: {default: observe, prod: enforce}\n", "", "");
        EvolutionReport report = ContractEvolution.compare(observed, promotedInProd);
        assertThat(report.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Kind.RULE_ENFORCED);
            assertThat(c.where()).isEqualTo("quantityInRange");
            assertThat(c.description()).contains("promoted from observe to enforce in prod")
                    .contains("refused").contains("headwater rules rollout");
        });
        assertThat(ContractEvolution.compare(promotedInProd, observed).changes()).extracting(Change::kind)
                .containsExactly(Kind.RULE_OBSERVED);
    }

    @Test
    void tighteningAnObservedRuleIsNotBreakingSinceNothingIsRefused() throws IOException {
        DataContract observed = variant("    min: 1\n    max: 100\n",
                "    min: 1\n    max: 100\n    enforcement: observe\n", "", "");
        DataContract tighter = variant("    min: 1\n    max: 100\n",
                "    min: 1\n    max: 50\n    enforcement: observe\n", "", "");
        EvolutionReport report = ContractEvolution.compare(observed, tighter);
        assertThat(report.hasBreakingChanges()).isFalse();
        assertThat(report.changes()).extracting(Change::kind).containsExactly(Kind.RULE_TIGHTENED);
    }

    @Test
    void anEnumSymbolRemovedIsBreaking() throws IOException {
        String channelEnum = "{\"name\":\"channel\",\"type\":{\"type\":\"enum\",\"name\":\"Channel\","
                + "\"symbols\":[\"web\",\"mobile\",\"store\"]}}";
        DataContract before = variant("", "", "{\"name\":\"channel\",\"type\":\"string\"}", channelEnum);
        DataContract after = variant("in: [web, mobile, store]", "in: [web, mobile]",
                "{\"name\":\"channel\",\"type\":\"string\"}", channelEnum.replace(",\"store\"", ""));
        assertThat(ContractEvolution.compare(before, after).breakingChanges()).extracting(Change::kind)
                .contains(Kind.ENUM_VALUE_REMOVED, Kind.SCHEMA_INCOMPATIBLE);
    }

    @Test
    void aNewFieldWithoutADefaultBreaksBackwardCompatibility() throws IOException {
        DataContract next = variant("", "", "{\"name\":\"express\",\"type\":\"boolean\"}",
                "{\"name\":\"express\",\"type\":\"boolean\"},{\"name\":\"shop\",\"type\":\"string\"}");
        EvolutionReport report = ContractEvolution.compare(orders(), next);
        assertThat(report.breakingChanges()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Kind.SCHEMA_INCOMPATIBLE);
            assertThat(c.description()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("shop");
        });
        assertThat(report.changes()).extracting(Change::kind).contains(Kind.FIELD_ADDED);
    }

    @Test
    void loosenedServiceLevelsAndCompatibilityAreBreaking() throws IOException {
        DataContract looser = DataContract.parse(Files.readString(DIR.resolve("orders.yaml"))
                .replace("freshness: PT5M", "freshness: PT1H").replace("compatibility: BACKWARD",
                        "compatibility: NONE"), "orders-next.yaml", DIR.toAbsolutePath());
        EvolutionReport report = ContractEvolution.compare(orders(), looser);
        assertThat(report.breakingChanges()).extracting(Change::kind)
                .containsExactlyInAnyOrder(Kind.SLO_LOOSENED, Kind.COMPATIBILITY_LOOSENED);
        assertThat(report.toString()).contains("BREAKING SLO_LOOSENED slo.freshness: PT5M -> PT1H");
    }

    @Test
    void turningAFieldsProtectionOffOrChangingItIsBreakingAndProtectingOneIsNot() throws IOException {
        String text = Files.readString(DIR.resolve("orders.yaml"));
        DataContract encrypted = DataContract.parse(text.replace("classification: pii}",
                "classification: pii, protect: encrypt}"), "orders-encrypted.yaml", DIR.toAbsolutePath());
        DataContract tokenized = DataContract.parse(text.replace("classification: pii}",
                "classification: pii, protect: token}"), "orders-token.yaml", DIR.toAbsolutePath());

        EvolutionReport protect = ContractEvolution.compare(orders(), encrypted);
        assertThat(protect.changes()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Kind.PROTECTION_ADDED);
            assertThat(c.where()).isEqualTo("email");
            assertThat(c.breaking()).isFalse();
        });
        EvolutionReport off = ContractEvolution.compare(encrypted, orders());
        assertThat(off.breakingChanges()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Kind.PROTECTION_LOOSENED);
            assertThat(c.description()).isEqualTo("protection encrypt -> none: its values would be written in clear");
        });
        assertThat(ContractEvolution.compare(encrypted, tokenized).breakingChanges()).extracting(Change::kind)
                .containsExactly(Kind.PROTECTION_LOOSENED);

        DataContract erasable = DataContract.parse(text.replace("classification: pii}",
                "classification: pii, protect: encrypt}").replace("subject: ", "erasureSubject: customer\nsubject: "),
                "orders-erasable.yaml", DIR.toAbsolutePath());
        assertThat(ContractEvolution.compare(encrypted, erasable).changes()).singleElement()
                .satisfies(c -> assertThat(c.breaking()).isFalse());
        assertThat(ContractEvolution.compare(erasable, encrypted).breakingChanges()).singleElement()
                .satisfies(c -> {
                    assertThat(c.kind()).isEqualTo(Kind.ERASURE_SUBJECT_CHANGED);
                    assertThat(c.description()).startsWith("erasure subject 'customer' -> none");
                });
    }

    private Path write(String from, String to) throws IOException {
        Files.writeString(work.resolve("orders.avsc"), Files.readString(DIR.resolve("orders.avsc")).replace(from, to));
        return work;
    }

    private static DataContract orders() {
        return DataContract.load(DIR.resolve("orders.yaml"));
    }
}
