package dev.headwater.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.contract.DataContract;
import dev.headwater.tenant.TenantPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository's contracts directory, linted as a pipeline lints it: no broker, no registry. */
class ContractDirectoryTest {

    private static final Path CONTRACTS = Path.of("src/test/resources/contracts");

    @TempDir
    Path work;

    @BeforeEach
    void copyTheContracts() throws IOException {
        try (Stream<Path> files = Files.walk(CONTRACTS)) {
            for (Path file : files.toList()) {
                Path target = work.resolve(CONTRACTS.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    @Test
    void findsContractsLeavingExamplesAndExpectationsAside() {
        ContractDirectory directory = ContractDirectory.scan(work);

        assertThat(directory.contracts().keySet()).containsExactly(work.resolve("orders.yaml"));
        assertThat(directory.examplesOf(work.resolve("orders.yaml"))).contains(work.resolve("orders.examples.yaml"));
        assertThat(directory.expectations()).extracting(ConsumerExpectation::consumer)
                .containsExactly("team-payments");
        assertThat(directory.check(policy())).isEmpty();
        assertThat(directory.checkExpectations(directory.expectations())).isEmpty();
    }

    @Test
    void aContractThatDoesNotLoadIsAProblemNamingFileAndLine() throws IOException {
        Files.writeString(work.resolve("broken.yaml"), "subject: retail.broken.v1-value\nversion: 1.0.0\n"
                + "owner: {team: t, contact: t@example.com}\nschema: '{\"type\":\"record\",\"name\":\"B\",\"fields\":"
                + "[{\"name\":\"a\",\"type\":\"string\"}]}'\nrules:\n  - {name: r, field: nope, required: true}\n");

        List<Problem> problems = ContractDirectory.scan(work).check(null);

        assertThat(problems).isNotEmpty().allSatisfy(p -> {
            assertThat(p.check()).isEqualTo("load");
            assertThat(p.where()).matches(".*broken\\.yaml(:\\d+)?");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.where()).as("the line is part of where, as Problem documents").endsWith("broken.yaml:6");
            assertThat(p.message()).contains("nope").doesNotContain("broken.yaml");
        });
    }

    @Test
    void anExamplesFileWhoseValidIsNotAListIsAProblemNamingTheFile() throws IOException {
        Files.writeString(work.resolve("orders.examples.yaml"), "valid: {id: 1}\ninvalid: []\n");

        List<Problem> problems = ContractDirectory.scan(work).check(null);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.check()).isEqualTo("examples");
            assertThat(p.where()).endsWith("orders.examples.yaml valid");
            assertThat(p.message()).contains("'valid' must be a list of records, not a mapping");
        });
    }

    @Test
    void aFileThatIsNotUtf8IsNamedWithItsLineAndAFileGivenAsTheDirectoryIsSaidToBeAFile() throws IOException {
        Path orders = work.resolve("orders.yaml");
        byte[] text = Files.readAllBytes(orders);
        java.io.ByteArrayOutputStream broken = new java.io.ByteArrayOutputStream();
        broken.write(text);
        broken.write("# caf\u00e9 in Latin-1\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.write(orders, broken.toByteArray());
        long line = new String(text, java.nio.charset.StandardCharsets.UTF_8).lines().count() + 1;

        List<Problem> problems = ContractDirectory.scan(work).check(null);

        assertThat(problems).anySatisfy(p -> assertThat(p.toString()).contains("orders.yaml:" + line
                + ": is not UTF-8 text").contains("0xE9").doesNotContain("Input length"));
        assertThatThrownBy(() -> ContractDirectory.scan(orders)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a file, not a directory");
    }

    @Test
    void examplesThatNoLongerBehaveAndTopicsOutsideTheTenantAreProblems() throws IOException {
        Path orders = work.resolve("orders.yaml");
        Files.writeString(orders, Files.readString(orders).replace("min: 0.01", "min: -10")
                .replace("deadLetterTopic: retail.orders.placed.v1.dlq", "deadLetterTopic: finance.dead.letters.v1"));

        List<Problem> problems = ContractDirectory.scan(work).check(policy());

        assertThat(problems).extracting(Problem::check).containsExactlyInAnyOrder("examples", "guardrails");
        assertThat(problems).filteredOn(p -> p.check().equals("examples")).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains("orders.examples.yaml invalid[0]")
                        .contains("rules that let it through: [amountInRange]"));
        assertThat(problems).filteredOn(p -> p.check().equals("guardrails")).singleElement()
                .satisfies(p -> assertThat(p.where()).isEqualTo("finance.dead.letters.v1"));
    }

    @Test
    void aBreakingChangeFailsUnlessTheMajorVersionWentUpOrItIsAllowed() throws IOException {
        DataContract previous = DataContract.load(work.resolve("orders.yaml"));
        Path next = work.resolve("orders.yaml");
        String text = Files.readString(next);
        Files.writeString(next, text.replace("    max: 100\n", "    max: 50\n"));
        DataContract tightened = DataContract.load(next);

        ContractChecks.Compatibility breaking = ContractChecks.compatibility(previous, tightened, "main", false);
        assertThat(breaking.report().hasBreakingChanges()).isTrue();
        assertThat(breaking.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("breaking change against main (v1.2.0): RULE_TIGHTENED quantityInRange"));
        assertThat(ContractChecks.compatibility(previous, tightened, "main", true).problems()).isEmpty();

        Files.writeString(next, text.replace("    max: 100\n", "    max: 50\n").replace("version: 1.2.0",
                "version: 2.0.0"));
        ContractChecks.Compatibility newMajor = ContractChecks.compatibility(previous, DataContract.load(next), "main",
                false);
        assertThat(newMajor.report().hasBreakingChanges()).isTrue();
        assertThat(newMajor.problems()).as("a new major version may break").isEmpty();
    }

    @Test
    void aMissingDirectorySaysWhatToDo() {
        assertThatThrownBy(() -> ContractDirectory.scan(work.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    private static TenantPolicy policy() {
        return TenantPolicy.load(Path.of("src/test/resources/tenant-retail.yaml"), null);
    }
}
