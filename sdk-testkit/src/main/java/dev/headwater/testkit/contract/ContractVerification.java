package dev.headwater.testkit.contract;

import dev.headwater.contract.ContractDefinitionException;
import dev.headwater.contract.ContractEvolution;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.EvolutionReport;
import dev.headwater.contract.Violation;
import dev.headwater.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Contract tests that run in a plain unit test, without a broker: the contract loads; its valid examples pass and its
 * invalid examples fail with the expected violations; the new version is compatible with the previous one (from a
 * file, from git, or from a registry); every consumer expectation still holds. {@link #verify()} checks everything
 * asked for and fails once, with one line per problem telling the developer what to change.
 *
 * <pre>{@code
 * @Test
 * void ordersContractKeepsItsPromises() {
 *     ContractVerification.of(Path.of("contracts/orders.yaml"))
 *             .examples(Path.of("contracts/orders.examples.yaml"))
 *             .compatibleWithGit("origin/main")
 *             .expectations(Path.of("contracts/expectations"))
 *             .verify();
 * }
 * }</pre>
 *
 * <p>Examples files hold {@code valid:} records and {@code invalid:} entries of {@code record:} and {@code violates:}
 * (the rule names expected to fail), records written as plain YAML maps.
 */
public final class ContractVerification {

    private final Path file;
    private final DataContract contract;
    private final List<String> problems = new ArrayList<>();

    private ContractVerification(Path file, DataContract contract) {
        this.file = file;
        this.contract = contract;
    }

    /**
     * Loads the contract under test.
     *
     * @param contractFile the contract's YAML file
     * @return the verification
     * @throws AssertionError listing every problem when the contract does not load
     */
    public static ContractVerification of(Path contractFile) {
        try {
            return new ContractVerification(contractFile, DataContract.load(contractFile));
        } catch (ContractDefinitionException e) {
            throw new AssertionError("Contract " + contractFile + " does not load; fix these:\n  "
                    + String.join("\n  ", e.problems()), e);
        }
    }

    /** @return the contract under test */
    public DataContract contract() {
        return contract;
    }

    /**
     * Checks the contract's examples: each valid record passes every rule, each invalid one breaks exactly the rules
     * it names.
     *
     * @param examplesFile the examples YAML file
     * @return this verification
     */
    @SuppressWarnings("unchecked")
    public ContractVerification examples(Path examplesFile) {
        Map<String, Object> examples;
        try {
            examples = (Map<String, Object>) new Yaml(new LoaderOptions()).load(Files.readString(examplesFile));
        } catch (IOException e) {
            problems.add("examples " + examplesFile + " cannot be read: " + e.getMessage());
            return this;
        }
        List<Object> valid = (List<Object>) examples.getOrDefault("valid", List.of());
        for (int i = 0; i < valid.size(); i++) {
            String where = examplesFile + " valid[" + i + "]";
            GenericRecord record = record(where, valid.get(i));
            if (record != null) {
                List<Violation> violations = contract.validator().validate(record);
                if (!violations.isEmpty()) {
                    problems.add(where + " should pass but breaks: " + violations + " — fix the example or the rule");
                }
            }
        }
        List<Object> invalid = (List<Object>) examples.getOrDefault("invalid", List.of());
        for (int i = 0; i < invalid.size(); i++) {
            String where = examplesFile + " invalid[" + i + "]";
            Map<String, Object> entry = (Map<String, Object>) invalid.get(i);
            GenericRecord record = record(where, entry.get("record"));
            if (record == null) {
                continue;
            }
            Set<String> expected = new HashSet<>((List<String>) entry.getOrDefault("violates", List.of()));
            Set<String> actual = new HashSet<>();
            contract.validator().validate(record).forEach(v -> actual.add(v.rule()));
            if (!actual.equals(expected)) {
                Set<String> missing = new HashSet<>(expected);
                missing.removeAll(actual);
                Set<String> unexpected = new HashSet<>(actual);
                unexpected.removeAll(expected);
                problems.add(where + " should break " + expected.stream().sorted().toList() + " but breaks "
                        + actual.stream().sorted().toList() + (missing.isEmpty() ? "" : "; rules that let it through: "
                        + missing.stream().sorted().toList()) + (unexpected.isEmpty() ? ""
                        : "; rules that also refuse it: " + unexpected.stream().sorted().toList()));
            }
        }
        return this;
    }

    /**
     * Checks the contract against its previous version in a file.
     *
     * @param previousContractFile the previous version's YAML
     * @return this verification
     */
    public ContractVerification compatibleWith(Path previousContractFile) {
        try {
            return compatibleWith(DataContract.load(previousContractFile), previousContractFile.toString());
        } catch (ContractDefinitionException e) {
            problems.add("previous version " + previousContractFile + " does not load: " + e.getMessage());
            return this;
        }
    }

    /**
     * Checks the contract against its version at a git revision of the repository (such as {@code origin/main}), read
     * with {@code git show}. The schema file, when the contract names one, is read at the same revision.
     *
     * @param revision the revision
     * @return this verification
     */
    public ContractVerification compatibleWithGit(String revision) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            String yaml = git(directory, revision + ":./" + file.getFileName());
            Path snapshot = Files.createTempDirectory("headwater-contract-");
            Files.writeString(snapshot.resolve(file.getFileName()), yaml);
            for (String line : yaml.split("\n")) {
                if (line.startsWith("schemaFile:")) {
                    String schemaFile = line.substring("schemaFile:".length()).strip();
                    Files.writeString(snapshot.resolve(schemaFile), git(directory, revision + ":./" + schemaFile));
                }
            }
            return compatibleWith(DataContract.load(snapshot.resolve(file.getFileName())), file + "@" + revision);
        } catch (IOException | RuntimeException e) {
            problems.add("the version of " + file + " at git revision " + revision + " cannot be read: "
                    + e.getMessage());
            return this;
        }
    }

    /**
     * Checks the contract against what a registry holds under its subject, with the registry's own verdict too.
     *
     * @param registry the registry
     * @return this verification
     */
    public ContractVerification compatibleWithRegistry(SchemaRegistryClient registry) {
        report(ContractEvolution.compareWithRegistry(registry, contract), "the registry's " + contract.subject());
        return this;
    }

    /**
     * Checks that every consumer expectation of a directory still holds.
     *
     * @param directory a directory of expectation files
     * @return this verification
     */
    public ContractVerification expectations(Path directory) {
        return expectations(ConsumerExpectation.loadDirectory(directory));
    }

    /**
     * Checks that every given consumer expectation still holds.
     *
     * @param expectations the expectations, such as {@link ConsumerExpectation#fromRegistry}
     * @return this verification
     */
    public ContractVerification expectations(List<ConsumerExpectation> expectations) {
        for (ConsumerExpectation expectation : expectations) {
            problems.addAll(expectation.check(contract));
        }
        return this;
    }

    /**
     * Fails when anything checked failed.
     *
     * @throws AssertionError listing every problem, each saying what to change
     */
    public void verify() {
        if (!problems.isEmpty()) {
            throw new AssertionError("Contract " + file + " (" + contract.subject() + " v" + contract.version()
                    + ") fails " + problems.size() + " check(s):\n  " + String.join("\n  ", problems));
        }
    }

    private ContractVerification compatibleWith(DataContract previous, String source) {
        report(ContractEvolution.compare(previous, contract), source);
        return this;
    }

    private void report(EvolutionReport report, String source) {
        for (EvolutionReport.Change change : report.breakingChanges()) {
            problems.add("breaking change against " + source + " (v" + report.from() + "): " + change.kind() + " "
                    + change.where() + ": " + change.description() + " — make it compatible, or publish a new major "
                    + "version on a new topic");
        }
    }

    @SuppressWarnings("unchecked")
    private GenericRecord record(String where, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(where + " must be a mapping of field names to values");
            return null;
        }
        try {
            return Records.of(contract.schema(), (Map<String, ?>) map);
        } catch (RuntimeException e) {
            problems.add(where + " does not fit the schema: " + e.getMessage());
            return null;
        }
    }

    private static String git(Path directory, String object) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("git", "show", object).directory(directory.toFile())
                .redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("git show " + object + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running git", e);
        }
        return output;
    }
}
