package dev.headwater.pipeline;

import dev.headwater.contract.ContractDefinitionException;
import dev.headwater.contract.DataContract;
import dev.headwater.tenant.TenantPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The contracts of a directory (such as {@code src/main/contracts}), as a repository keeps them: every {@code .yaml}
 * or {@code .yml} file is a contract, except {@code {name}.examples.yaml} (the examples of {@code {name}.yaml}) and the
 * files under {@code expectations/} (consumer expectations). Scanning loads every contract; the ones that do not load
 * are problems naming the file and line.
 */
public final class ContractDirectory {

    /** The subdirectory holding consumer expectations. */
    public static final String EXPECTATIONS = "expectations";

    private final Path directory;
    private final Map<Path, DataContract> contracts;
    private final List<Problem> loadProblems;

    private ContractDirectory(Path directory, Map<Path, DataContract> contracts, List<Problem> loadProblems) {
        this.directory = directory;
        this.contracts = Collections.unmodifiableMap(contracts);
        this.loadProblems = List.copyOf(loadProblems);
    }

    /**
     * Finds and loads the contracts of a directory and its subdirectories.
     *
     * @param directory the directory
     * @return the contracts and what did not load
     * @throws IllegalArgumentException when the directory does not exist
     */
    public static ContractDirectory scan(Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (Files.isRegularFile(directory)) {
            throw new IllegalArgumentException("contracts directory " + directory + " is a file, not a directory: "
                    + "give the directory that holds it (" + directory.toAbsolutePath().getParent() + ")");
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("contracts directory " + directory + " does not exist: create it, or "
                    + "point the contracts directory setting at the one holding your contract YAML files");
        }
        Map<Path, DataContract> contracts = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(ContractDirectory::isContractFile).sorted().toList()) {
                if (directory.relativize(file).startsWith(EXPECTATIONS)) {
                    continue;
                }
                try {
                    contracts.put(file, DataContract.load(file));
                } catch (ContractDefinitionException e) {
                    for (String problem : e.problems()) {
                        problems.add(located("load", file, problem));
                    }
                } catch (RuntimeException e) {
                    problems.add(new Problem("load", file.toString(), e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("contracts directory " + directory + " cannot be read", e);
        }
        return new ContractDirectory(directory, contracts, problems);
    }

    private static boolean isContractFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"))
                && !name.endsWith(".examples.yaml") && !name.endsWith(".examples.yml");
    }

    /** @return the directory */
    public Path directory() {
        return directory;
    }

    /** @return every contract that loaded, by file, in file name order */
    public Map<Path, DataContract> contracts() {
        return contracts;
    }

    /** @return the contracts that did not load, one problem per reason, each naming file and line */
    public List<Problem> loadProblems() {
        return loadProblems;
    }

    /**
     * @param contractFile a contract's file
     * @return its examples file, {@code {name}.examples.yaml} beside it, when it exists
     */
    public java.util.Optional<Path> examplesOf(Path contractFile) {
        String name = contractFile.getFileName().toString();
        String base = name.substring(0, name.lastIndexOf('.'));
        for (String extension : List.of(".examples.yaml", ".examples.yml")) {
            Path examples = contractFile.resolveSibling(base + extension);
            if (Files.isRegularFile(examples)) {
                return java.util.Optional.of(examples);
            }
        }
        return java.util.Optional.empty();
    }

    /** @return the consumer expectations under {@code expectations/}, none when it does not exist */
    public List<ConsumerExpectation> expectations() {
        Path expectations = directory.resolve(EXPECTATIONS);
        return Files.isDirectory(expectations) ? ConsumerExpectation.loadDirectory(expectations) : List.of();
    }

    /**
     * Lints every contract: it loads, its examples pass or break the rules they name, and (given a tenant policy) its
     * topics are inside the tenant's guardrails.
     *
     * @param policy the tenant's policy, or null to skip the guardrails
     * @return everything found, empty when all is well
     */
    public List<Problem> check(TenantPolicy policy) {
        List<Problem> problems = new ArrayList<>(loadProblems);
        contracts.forEach((file, contract) -> {
            examplesOf(file).ifPresent(examples -> problems.addAll(ContractChecks.examples(contract, examples)));
            if (policy != null) {
                problems.addAll(ContractChecks.guardrails(contract, policy));
            }
        });
        return problems;
    }

    /**
     * Checks every contract against consumer expectations.
     *
     * @param expectations the expectations, such as {@link #expectations()} or
     *     {@link ConsumerExpectation#fromRegistry}
     * @return everything found, each naming the consumer
     */
    public List<Problem> checkExpectations(List<ConsumerExpectation> expectations) {
        List<Problem> problems = new ArrayList<>();
        contracts.values().forEach(contract -> problems.addAll(ContractChecks.expectations(contract, expectations)));
        return problems;
    }

    /** Where a location is given as {@code file:line}. */
    private static final java.util.regex.Pattern AT_LINE = java.util.regex.Pattern.compile("^(\\S+?:\\d+): (.*)$",
            java.util.regex.Pattern.DOTALL);

    /**
     * A problem whose message starts with where it is ({@code file:line: ...}, as contract loading words them): that
     * part becomes the problem's {@code where}, line included, and the rest its message.
     */
    static Problem located(String check, Path file, String message) {
        String rest = message;
        String prefix = file + ": ";
        if (rest.startsWith(prefix)) {
            rest = rest.substring(prefix.length()); // "file: file:4: ..." as a ContractDefinitionException lists it
        }
        java.util.regex.Matcher at = AT_LINE.matcher(rest);
        if (at.matches()) {
            return new Problem(check, at.group(1), at.group(2));
        }
        return new Problem(check, file.toString(), rest);
    }
}
