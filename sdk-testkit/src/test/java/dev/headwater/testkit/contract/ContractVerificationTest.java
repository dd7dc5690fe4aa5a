package dev.headwater.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.pipeline.ConsumerExpectation;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractVerificationTest {

    private static final Path DIR = Path.of("src/test/resources/contracts");

    @TempDir
    Path work;

    private Path copy(String from, String to) throws IOException {
        for (String name : List.of("orders.yaml", "orders.avsc", "orders.examples.yaml")) {
            Files.writeString(work.resolve(name), Files.readString(DIR.resolve(name)));
        }
        Path contract = work.resolve("orders.yaml");
        Files.writeString(contract, Files.readString(contract).replace(from, to));
        return contract;
    }

    @Test
    void aContractThatKeepsEveryPromisePasses() {
        assertThatCode(() -> ContractVerification.of(DIR.resolve("orders.yaml"))
                .examples(DIR.resolve("orders.examples.yaml"))
                .compatibleWith(DIR.resolve("orders.yaml"))
                .expectations(DIR.resolve("expectations"))
                .verify()).doesNotThrowAnyException();
    }

    @Test
    void aContractThatDoesNotLoadFailsWithEveryProblemToFix() throws IOException {
        Path broken = copy("    min: 1\n", "    min: one\n");
        assertThatThrownBy(() -> ContractVerification.of(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Contract " + broken + " does not load; fix these:")
                .hasMessageContaining("rule 'quantityInRange': min 'one' is not a number");
    }

    @Test
    void examplesThatDoNotBehaveAsDeclaredNameTheRulesToLookAt() throws IOException {
        Path contract = copy("    min: 0.01\n    max: 100000\n", "    min: -10\n    max: 100000\n");
        assertThatThrownBy(() -> ContractVerification.of(contract).examples(work.resolve("orders.examples.yaml"))
                .verify())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fails 1 check(s)")
                .hasMessageContaining("orders.examples.yaml invalid[0]: should break [amountInRange, idIsUuid] but "
                        + "breaks [idIsUuid]; rules that let it through: [amountInRange]");
    }

    @Test
    void aBreakingChangeAgainstThePreviousVersionIsReportedWithWhatToDo() throws IOException {
        Path next = copy("    max: 100\n", "    max: 50\n");
        assertThatThrownBy(() -> ContractVerification.of(next).compatibleWith(DIR.resolve("orders.yaml")).verify())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("breaking change against " + DIR.resolve("orders.yaml") + " (v1.2.0): "
                        + "RULE_TIGHTENED quantityInRange: max 100.0 -> 50.0: existing data may fail it — make it "
                        + "compatible, or publish a new major version on a new topic");
    }

    @Test
    void comparesWithTheVersionAtAGitRevision() throws Exception {
        copy("", "");
        git("init", "-q");
        git("add", ".");
        git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "v1");
        Path contract = work.resolve("orders.yaml");
        Files.writeString(work.resolve("orders.avsc"), Files.readString(work.resolve("orders.avsc"))
                .replace("  {\"name\":\"channel\",\"type\":\"string\"},\n", ""));
        Files.writeString(contract, Files.readString(contract)
                .replace("  - name: channelKnown\n    field: channel\n    in: [web, mobile, store]\n", ""));

        assertThatThrownBy(() -> ContractVerification.of(contract).compatibleWithGit("HEAD").verify())
                .hasMessageContaining("breaking change against " + contract + "@HEAD (v1.2.0): FIELD_REMOVED channel");
        assertThatThrownBy(() -> ContractVerification.of(contract).compatibleWithGit("no-such-revision").verify())
                .hasMessageContaining("at git revision no-such-revision cannot be read");
    }

    @Test
    void aChangeThatBreaksAConsumerNamesTheConsumerTheFieldAndWhatToChange() throws IOException {
        Path next = copy("in: [web, mobile, store]", "in: [web, mobile, store, kiosk]");
        Files.writeString(work.resolve("orders.yaml"), Files.readString(next)
                .replace("    min: 0.01\n    max: 100000\n", "    max: 100000\n"));
        assertThatThrownBy(() -> ContractVerification.of(next).expectations(DIR.resolve("expectations")).verify())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fails 2 check(s)")
                .hasMessageContaining("consumer team-payments (" + DIR.resolve("expectations").resolve("payments.yaml")
                        + ") relies on 'amount' >= 0.01, but no rule of the contract guarantees it (rules on the "
                        + "field: [amountInRange]): add 'min: 0.01' or higher")
                .hasMessageContaining("handles 'channel' values [web, mobile, store, phone] only, but the contract "
                        + "allows [web, mobile, store, kiosk]: keep the allowed values within the consumer's set, or "
                        + "agree a change with team-payments");
    }

    @Test
    void aRemovedFieldBreaksTheConsumerThatReadsIt() throws IOException {
        ConsumerExpectation expectation = ConsumerExpectation.parse("""
                consumer: team-shipping
                contract: retail.orders.placed.v1-value
                reads: [{field: address}]
                """, "shipping.yaml");
        assertThat(expectation.check(ContractVerification.of(DIR.resolve("orders.yaml")).contract()))
                .containsExactly("consumer team-shipping (shipping.yaml) reads field 'address', which contract "
                        + "retail.orders.placed.v1-value v1.2.0 no longer has: keep the field, or rename it with "
                        + "'address' as an alias");
    }

    @Test
    void expectationsPublishedToTheRegistryAreCheckedToo() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
            ConsumerExpectation.parse("""
                    consumer: team-fraud
                    contract: retail.orders.placed.v1-value
                    reads: [{field: quantity, max: 10}]
                    """, "fraud.yaml").publish(client);

            List<ConsumerExpectation> published = ConsumerExpectation.fromRegistry(client,
                    "retail.orders.placed.v1-value");
            assertThat(published).extracting(ConsumerExpectation::consumer).containsExactly("team-fraud");
            assertThatThrownBy(() -> ContractVerification.of(DIR.resolve("orders.yaml")).expectations(published)
                    .verify()).hasMessageContaining("consumer team-fraud (registry subject "
                    + "retail.orders.placed.v1-value-expectation-team-fraud) relies on 'quantity' <= 10.0");
        }
    }

    @Test
    void invalidExpectationFilesAreRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> ConsumerExpectation.parse("consumer: x\ncontract: y\nreads: [{field: a, "
                + "maximum: 3}]\n", "bad.yaml"))
                .hasMessageContaining("bad.yaml: each entry of 'reads' has 'field' and optionally type, required, "
                        + "min, max, in");
    }

    private void git(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
