package dev.headwater.testkit.contract;

import dev.headwater.contract.ContractDefinitionException;
import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ConsumerExpectation;
import dev.headwater.pipeline.ContractChecks;
import dev.headwater.pipeline.Problem;
import dev.headwater.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


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
    public ContractVerification examples(Path examplesFile) {
        add(ContractChecks.examples(contract, examplesFile));
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
            return compatibleWith(ContractChecks.atGitRevision(file, revision), file + "@" + revision);
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
        add(ContractChecks.compatibilityWithRegistry(registry, contract, false).problems());
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
        add(ContractChecks.expectations(contract, expectations));
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
        add(ContractChecks.compatibility(previous, contract, source, false).problems());
        return this;
    }

    private void add(List<Problem> found) {
        // the expectation's own message names the consumer and its file
        found.forEach(p -> problems.add(p.check().equals("expectations") ? p.message() : p.toString()));
    }
}
