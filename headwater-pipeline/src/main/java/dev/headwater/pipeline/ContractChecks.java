package dev.headwater.pipeline;

import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.tenant.GuardrailViolationException;
import dev.headwater.tenant.TenantPolicy;
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
 * The checks a contract goes through before it is registered, each returning what it found wrong (empty when all is
 * well): its examples pass or break the rules they name, it is compatible with its previous version (a file, a git
 * revision or the registry's latest), every consumer expectation still holds, and its topics are inside the tenant's
 * guardrails. The testkit's {@code ContractVerification}, the Maven plugin and the command-line tool all run these.
 * Stateless.
 */
public final class ContractChecks {

    private ContractChecks() {
    }

    /**
     * The outcome of a compatibility check.
     *
     * @param against what the contract was compared with, such as {@code the registry's orders-value} or
     *     {@code orders.yaml@origin/main}
     * @param report every change found, breaking or not
     * @param problems the breaking changes that fail the check (none when allowed)
     */
    public record Compatibility(String against, EvolutionReport report, List<Problem> problems) {
        /** Copies the list. */
        public Compatibility {
            problems = List.copyOf(problems);
        }
    }

    /**
     * Checks a contract's examples: each {@code valid:} record passes every rule, each {@code invalid:} entry's
     * {@code record:} breaks exactly the rules its {@code violates:} names.
     *
     * @param contract the contract
     * @param examplesFile the examples YAML file
     * @return what is wrong, each naming the example
     */
    @SuppressWarnings("unchecked")
    public static List<Problem> examples(DataContract contract, Path examplesFile) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Object> examples;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Object root = new Yaml(options).load(dev.headwater.yaml.Utf8Text.read(examplesFile));
            if (!(root instanceof Map<?, ?> map)) {
                return List.of(new Problem("examples", examplesFile.toString(), "must be a mapping with valid: and "
                        + "invalid: lists"));
            }
            examples = (Map<String, Object>) map;
        } catch (IOException | RuntimeException e) {
            return List.of(new Problem("examples", examplesFile.toString(), "cannot be read: " + e.getMessage()));
        }
        List<Object> valid = list(examples, "valid", examplesFile, problems);
        List<Object> invalid = list(examples, "invalid", examplesFile, problems);
        for (int i = 0; i < valid.size(); i++) {
            String where = examplesFile + " valid[" + i + "]";
            GenericRecord record = record(contract, where, valid.get(i), problems);
            if (record != null) {
                List<Violation> violations = contract.validator().validate(record);
                if (!violations.isEmpty()) {
                    problems.add(new Problem("examples", where, "should pass but breaks: " + violations
                            + " — fix the example or the rule"));
                }
            }
        }
        for (int i = 0; i < invalid.size(); i++) {
            String where = examplesFile + " invalid[" + i + "]";
            if (!(invalid.get(i) instanceof Map<?, ?> entry)) {
                problems.add(new Problem("examples", where, "must be a mapping with record: and violates:"));
                continue;
            }
            GenericRecord record = record(contract, where, entry.get("record"), problems);
            if (record == null) {
                continue;
            }
            Object named = entry.get("violates");
            Set<String> expected = new HashSet<>();
            if (named instanceof List<?> list) {
                list.forEach(rule -> expected.add(String.valueOf(rule)));
            }
            Set<String> actual = new HashSet<>();
            contract.validator().validate(record).forEach(v -> actual.add(v.rule()));
            if (!actual.equals(expected)) {
                Set<String> missing = new HashSet<>(expected);
                missing.removeAll(actual);
                Set<String> unexpected = new HashSet<>(actual);
                unexpected.removeAll(expected);
                problems.add(new Problem("examples", where, "should break " + expected.stream().sorted().toList()
                        + " but breaks " + actual.stream().sorted().toList() + (missing.isEmpty() ? ""
                        : "; rules that let it through: " + missing.stream().sorted().toList())
                        + (unexpected.isEmpty() ? "" : "; rules that also refuse it: "
                        + unexpected.stream().sorted().toList())));
            }
        }
        return problems;
    }

    /** The list under a key of an examples file, or a problem naming the file and key when it is not a list. */
    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> examples, String key, Path file, List<Problem> problems) {
        Object value = examples.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        problems.add(new Problem("examples", file + " " + key, "'" + key + "' must be a list of "
                + (key.equals("valid") ? "records" : "entries with record: and violates:") + ", not "
                + (value instanceof Map ? "a mapping" : "'" + value + "'")));
        return List.of();
    }

    /**
     * Compares a contract with its previous version. Breaking changes fail the check unless the contract's major
     * version went up (a new major version is a new product, published on a new topic) or they are allowed.
     *
     * @param previous the previous version
     * @param contract the new version
     * @param against a name for the previous version, for messages
     * @param allowBreaking true to report breaking changes without failing
     * @return the report and the problems
     */
    public static Compatibility compatibility(DataContract previous, DataContract contract, String against,
            boolean allowBreaking) {
        return judge(ContractEvolution.compare(previous, contract), contract, against, allowBreaking);
    }

    /**
     * Compares a contract with the registry's latest version of its subject, with the registry's own verdict too. A
     * subject the registry does not know yet is compatible.
     *
     * @param registry the registry
     * @param contract the new version
     * @param allowBreaking true to report breaking changes without failing
     * @return the report and the problems
     * @throws dev.headwater.registry.SchemaRegistryException when the registry cannot be asked
     */
    public static Compatibility compatibilityWithRegistry(SchemaRegistryClient registry, DataContract contract,
            boolean allowBreaking) {
        return judge(ContractEvolution.compareWithRegistry(registry, contract), contract,
                "the registry's " + contract.subject(), allowBreaking);
    }

    /**
     * Reads a contract as it was at a git revision of its repository (such as {@code origin/main}), with its schema
     * file when it names one, through {@code git show}.
     *
     * @param contractFile the contract's file in a git working tree
     * @param revision the revision
     * @return the contract at that revision
     * @throws IOException when git cannot show it (not a repository, unknown revision, file absent there)
     */
    public static DataContract atGitRevision(Path contractFile, String revision) throws IOException {
        Path directory = contractFile.toAbsolutePath().getParent();
        String yaml = git(directory, revision + ":./" + contractFile.getFileName());
        Path snapshot = Files.createTempDirectory("headwater-contract-");
        Files.writeString(snapshot.resolve(contractFile.getFileName()), yaml);
        for (String line : yaml.split("\n")) {
            if (line.startsWith("schemaFile:")) {
                String schemaFile = line.substring("schemaFile:".length()).strip();
                Files.writeString(snapshot.resolve(schemaFile), git(directory, revision + ":./" + schemaFile));
            }
        }
        return DataContract.load(snapshot.resolve(contractFile.getFileName()));
    }

    /**
     * Checks that every consumer expectation of the contract's subject still holds.
     *
     * @param contract the contract
     * @param expectations expectations; those of other subjects are skipped
     * @return what is wrong, each naming the consumer and what it relies on
     */
    public static List<Problem> expectations(DataContract contract, List<ConsumerExpectation> expectations) {
        List<Problem> problems = new ArrayList<>();
        for (ConsumerExpectation expectation : expectations) {
            if (!expectation.contract().equals(contract.subject())) {
                continue;
            }
            for (String broken : expectation.check(contract)) {
                problems.add(new Problem("expectations", expectation.source(), broken));
            }
        }
        return problems;
    }

    /**
     * Checks that a contract's topics and dead-letter topic are inside a tenant's guardrails.
     *
     * @param contract the contract
     * @param policy the tenant's policy
     * @return what is wrong, each naming the topic and rule
     */
    public static List<Problem> guardrails(DataContract contract, TenantPolicy policy) {
        List<Problem> problems = new ArrayList<>();
        List<String> topics = new ArrayList<>(contract.topics());
        if (!contract.deadLetterTopic().isEmpty()) {
            topics.add(contract.deadLetterTopic());
        }
        for (String topic : topics) {
            try {
                policy.checkWrite(topic);
            } catch (GuardrailViolationException e) {
                problems.add(new Problem("guardrails", topic, e.getMessage()));
            }
        }
        return problems;
    }

    private static Compatibility judge(EvolutionReport report, DataContract contract, String against,
            boolean allowBreaking) {
        List<Problem> problems = new ArrayList<>();
        boolean newMajor = major(contract.version()) > major(report.from());
        if (!allowBreaking && !newMajor) {
            for (EvolutionReport.Change change : report.breakingChanges()) {
                problems.add(new Problem("compatibility", contract.subject(), "breaking change against " + against
                        + " (v" + report.from() + "): " + change.kind() + " " + change.where() + ": "
                        + change.description() + " — make it compatible, or publish a new major version on a new "
                        + "topic"));
            }
        }
        return new Compatibility(against, report, problems);
    }

    private static int major(String version) {
        try {
            return Integer.parseInt(version.split("\\.", 2)[0].replaceAll("[^0-9]", ""));
        } catch (RuntimeException e) {
            return -1; // "(none)" or no number: nothing to compare with
        }
    }

    @SuppressWarnings("unchecked")
    private static GenericRecord record(DataContract contract, String where, Object value, List<Problem> problems) {
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(new Problem("examples", where, "must be a mapping of field names to values"));
            return null;
        }
        try {
            return Records.of(contract.schema(), (Map<String, ?>) map);
        } catch (RuntimeException e) {
            problems.add(new Problem("examples", where, "does not fit the schema: " + e.getMessage()));
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
