package dev.headwater.cli;

import dev.headwater.testkit.LocalStack;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code headwater stack}: an in-process Kafka cluster and schema registry, until Ctrl-C or SIGTERM. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Run a local Kafka cluster (KRaft, in this JVM) and schema registry for development, with the "
                + "topics and schemas of the given contracts, until Ctrl-C or SIGTERM. Not for production.")
final class StackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--kafka-port", defaultValue = "9092", description = "the first broker's port (default: "
            + "${DEFAULT-VALUE}; 0 for a free one)")
    int kafkaPort;
    @Option(names = "--registry-port", defaultValue = "8081", description = "the registry's port (default: "
            + "${DEFAULT-VALUE}; 0 for a free one)")
    int registryPort;
    @Option(names = "--brokers", defaultValue = "1", description = "how many brokers (default: ${DEFAULT-VALUE})")
    int brokers;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "keep topics and schemas here between runs "
            + "(default: a temporary directory, deleted on exit)")
    Path dataDirectory;
    @Option(names = "--contract", paramLabel = "FILE", description = "a contract whose topics are created and schema "
            + "registered (repeatable)")
    List<Path> contracts = new ArrayList<>();
    @Option(names = "--tenant-policy", paramLabel = "FILE", description = "a tenant policy whose defaults the "
            + "contracts' topics get (repeatable)")
    List<Path> tenantPolicies = new ArrayList<>();
    @Option(names = "--environment", paramLabel = "ENV", description = "the tenant policies' overrides to apply")
    String environment;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                spec.commandLine().getOut().write(b);
            }

            @Override
            public void flush() {
                spec.commandLine().getOut().flush();
            }
        }, true, StandardCharsets.UTF_8);
        LocalStack stack = LocalStack.start(new LocalStack.Options(kafkaPort, registryPort, brokers, dataDirectory,
                tenantPolicies, contracts, environment), out);
        out.println("headwater stack: ready; bootstrap.servers=" + stack.bootstrapServers() + " schema.registry.url="
                + stack.registryUrl());
        out.println("  export HEADWATER_BOOTSTRAP_SERVERS=" + stack.bootstrapServers() + " SCHEMA_REGISTRY_URL="
                + stack.registryUrl());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("headwater stack: stopping");
            stack.close();
            out.println("headwater stack: stopped");
            out.flush();
            stopped.countDown();
        }, "headwater-stack-shutdown"));
        stopped.await();
        return 0;
    }
}
