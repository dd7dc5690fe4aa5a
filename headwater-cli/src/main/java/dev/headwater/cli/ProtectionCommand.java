package dev.headwater.cli;

import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.ContractDirectory;
import dev.headwater.protection.tink.CryptoShredding;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import dev.headwater.protection.tink.TinkProtectionProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code headwater protection ...}: the local key store of protected fields, and crypto-shredding. */
@Command(name = "protection", mixinStandardHelpOptions = true,
        description = "Make a master key, create or rotate a local key store of the fields contracts protect, "
                + "shred a subject (destroy its key, reporting the records that became unreadable), and check that "
                + "no protected value is in clear on the contracts' topics.",
        subcommands = {ProtectionCommand.MasterKey.class, ProtectionCommand.Create.class,
                ProtectionCommand.Rotate.class, ProtectionCommand.Shred.class, ProtectionCommand.Check.class})
final class ProtectionCommand {

    private ProtectionCommand() {
    }

    /** @return the contracts of the directory that the command is about */
    private static List<DataContract> contracts(Options.Contracts contracts,
            java.util.function.Predicate<DataContract> about) {
        return ContractDirectory.scan(contracts.directory).contracts().values().stream().filter(about).toList();
    }

    /** The key store file and the variable holding its master key. */
    static final class KeyStoreOptions {
        @Option(names = "--keystore", required = true, paramLabel = "FILE", description = "the key store file")
        Path file;
        @Option(names = "--master-key-env", paramLabel = "VARIABLE",
                defaultValue = TinkProtectionProvider.DEFAULT_MASTER_KEY_ENV,
                description = "the environment variable holding the master key (default: ${DEFAULT-VALUE}); never "
                        + "given on the command line")
        String variable;

        String masterKey() {
            String key = System.getenv(variable);
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("Environment variable " + variable + " is not set: it must hold "
                        + "the key store's master key (headwater protection master-key makes one)");
            }
            return key;
        }
    }

    /** {@code headwater protection master-key}. */
    @Command(name = "master-key", mixinStandardHelpOptions = true,
            description = "Print a new random master key (32 bytes, base64) on standard output, for your secret "
                    + "store; nothing else is written or logged.")
    static final class MasterKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(LocalKeyStore.newMasterKey());
            return 0;
        }
    }

    /** {@code headwater protection create}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a local key store: a key-encryption key and a token key, encrypted by the master key.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        KeyStoreOptions keyStore;
        @Mixin
        Options.Output output;

        @Override
        public Integer call() {
            LocalKeyStore store = LocalKeyStore.create(keyStore.file, keyStore.masterKey());
            Report report = new Report("protection create");
            report.line("created key store " + keyStore.file + " (key-encryption key " + store.currentKeyId() + ")");
            report.detail("keyEncryptionKey", store.currentKeyId());
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater protection rotate}. */
    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new key-encryption key and make it primary: producers take data keys wrapped by it "
                    + "within a second; every record written before stays readable.")
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        KeyStoreOptions keyStore;
        @Mixin
        Options.Output output;

        @Override
        public Integer call() {
            LocalKeyStore store = LocalKeyStore.open(keyStore.file, keyStore.masterKey());
            String id = store.rotate();
            Report report = new Report("protection rotate");
            report.line("rotated key store " + keyStore.file + ": key-encryption key " + id + " is primary, "
                    + store.keyEncryptionKeyCount() + " kept");
            report.detail("keyEncryptionKey", id);
            report.detail("keyEncryptionKeys", store.keyEncryptionKeyCount());
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater protection shred}. */
    @Command(name = "shred", mixinStandardHelpOptions = true,
            description = "Crypto-shred a subject: destroy its key in the key store, so that every record about it "
                    + "(on every topic of the contracts that name an erasureSubject) can never be read again, and "
                    + "report how many records became unreadable, per topic.")
    static final class Shred implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        KeyStoreOptions keyStore;
        @Mixin
        Options.Contracts contracts;
        @Mixin
        Options.Kafka kafka;
        @Mixin
        Options.Output output;
        @Option(names = "--subject", required = true, paramLabel = "VALUE",
                description = "the subject's value in the erasureSubject field, such as a customer id")
        String subject;

        @Override
        public Integer call() {
            List<String> topics = new ArrayList<>();
            contracts(contracts, contract -> !contract.erasureSubject().isEmpty())
                    .forEach(contract -> topics.addAll(contract.topics()));
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("No contract in " + contracts.directory + " names an "
                        + "erasureSubject: there is nothing to shred");
            }
            TinkFieldProtection keys = TinkFieldProtection.of(LocalKeyStore.open(keyStore.file,
                    keyStore.masterKey()));
            CryptoShredding.Report shredded = CryptoShredding.shred(keys, subject, topics, kafka.settings());
            Report report = new Report("protection shred");
            report.line(shredded.describe().strip());
            report.line(shredded.total() + " records unreadable in all");
            report.detail("subjectId", shredded.subjectId());
            report.detail("keyDestroyed", shredded.keyDestroyed());
            report.detail("unreadable", shredded.unreadable());
            return report.print(output.format, spec.commandLine().getOut());
        }
    }

    /** {@code headwater protection check}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Read every record of the topics of the contracts that protect fields and report each "
                    + "encrypted field that is not sealed and each tokenized field that is not a token (exit 1); "
                    + "needs no key.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Options.Contracts contracts;
        @Mixin
        Options.Kafka kafka;
        @Mixin
        Options.Registry registry;
        @Mixin
        Options.Output output;

        @Override
        public Integer call() {
            Report report = new Report("protection check");
            List<dev.headwater.pipeline.Problem> problems = new ArrayList<>();
            java.util.Map<String, Integer> checked = new java.util.LinkedHashMap<>();
            var client = registry.client();
            for (DataContract contract : contracts(contracts,
                    c -> c.fields().values().stream().anyMatch(f -> f.protectedField()))) {
                for (String topic : contract.topics()) {
                    try {
                        int records = dev.headwater.testkit.contract.ProtectedFields.assertNoneInClear(
                                kafka.settings(), client, contract, topic, List.of());
                        checked.put(topic, records);
                        report.line(topic + ": " + records + " records, every protected field sealed or tokenized");
                    } catch (AssertionError e) {
                        problems.add(new dev.headwater.pipeline.Problem("protection", topic, e.getMessage()));
                    }
                }
            }
            report.problems(problems);
            report.detail("checked", checked);
            return report.print(output.format, spec.commandLine().getOut());
        }
    }
}
