package dev.headwater.testkit;

import dev.headwater.HeadwaterException;
import dev.headwater.contract.DataContract;
import dev.headwater.pipeline.TenantProvisioner;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.tenant.TenantPolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A local streaming stack without Docker: Kafka (1 or N in-process brokers) and a schema registry on 127.0.0.1, on the
 * conventional ports 9092 and 8081 unless told otherwise, for developing against from several programs at once.
 * Optionally provisions the topics of tenant policies and contracts (and registers the contracts), and keeps its data
 * in a directory that survives a restart. Runs until Ctrl-C or SIGTERM, then shuts down cleanly.
 *
 * <pre>
 * ./mvnw -q -pl sdk-testkit -am verify -DskipTests -Prun-stack -Dstack.args="--data-dir .headwater"
 * </pre>
 *
 * <p>Options: {@code --kafka-port 9092}, {@code --registry-port 8081}, {@code --brokers 1}, {@code --data-dir DIR}
 * (persistent; temporary otherwise), {@code --tenant-policy FILE} and {@code --contract FILE} (repeatable),
 * {@code --environment ENV} (for tenant policy overrides).
 */
public final class LocalStack implements AutoCloseable {

    private final EmbeddedKafkaCluster kafka;
    private final EmbeddedSchemaRegistry registry;

    private LocalStack(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /**
     * The stack's settings.
     *
     * @param kafkaPort the first broker's port
     * @param registryPort the registry's port
     * @param brokers the number of brokers
     * @param dataDirectory where data persists, or null for a temporary directory
     * @param tenantPolicies tenant policy files whose contracts' topics are provisioned
     * @param contracts contract files whose topics are created and schemas registered
     * @param environment the environment for tenant policy overrides, or null
     */
    public record Options(int kafkaPort, int registryPort, int brokers, Path dataDirectory, List<Path> tenantPolicies,
            List<Path> contracts, String environment) {

        /** Copies the lists. */
        public Options {
            tenantPolicies = List.copyOf(tenantPolicies);
            contracts = List.copyOf(contracts);
        }

        /**
         * Parses command-line options.
         *
         * @param args the arguments
         * @return the options
         * @throws IllegalArgumentException naming the bad argument
         */
        public static Options parse(String[] args) {
            int kafkaPort = 9092;
            int registryPort = 8081;
            int brokers = 1;
            Path data = null;
            List<Path> policies = new ArrayList<>();
            List<Path> contracts = new ArrayList<>();
            String environment = null;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--kafka-port" -> kafkaPort = number(option, value);
                    case "--registry-port" -> registryPort = number(option, value);
                    case "--brokers" -> brokers = number(option, value);
                    case "--data-dir" -> data = Path.of(value);
                    case "--tenant-policy" -> policies.add(Path.of(value));
                    case "--contract" -> contracts.add(Path.of(value));
                    case "--environment" -> environment = value;
                    default -> throw new IllegalArgumentException("unknown option '" + option + "'; options: "
                            + "--kafka-port, --registry-port, --brokers, --data-dir, --tenant-policy, --contract, "
                            + "--environment");
                }
            }
            return new Options(kafkaPort, registryPort, brokers, data, policies, contracts, environment);
        }

        private static int number(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a number, was '" + value + "'");
            }
        }
    }

    /**
     * Starts a stack.
     *
     * @param options the settings
     * @param out where to print what is happening
     * @return the running stack; close it to stop
     * @throws HeadwaterException naming the port when one is in use, or the file that cannot be read
     */
    public static LocalStack start(Options options, PrintStream out) {
        EmbeddedKafkaCluster.Builder builder = EmbeddedKafkaCluster.builder().brokers(options.brokers())
                .port(options.kafkaPort());
        Path journal = null;
        if (options.dataDirectory() != null) {
            builder.dataDirectory(options.dataDirectory().resolve("kafka"));
            journal = options.dataDirectory().resolve("registry.journal");
        }
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(options.registryPort(), journal);
        EmbeddedKafkaCluster kafka;
        try {
            kafka = builder.build().start();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        LocalStack stack = new LocalStack(kafka, registry);
        try {
            stack.provision(options, out);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void provision(Options options, PrintStream out) {
        List<DataContract> contracts = options.contracts().stream().map(DataContract::load).toList();
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        TenantProvisioner provisioner = new TenantProvisioner(kafka.admin());
        List<DataContract> unclaimed = new ArrayList<>(contracts);
        for (Path file : options.tenantPolicies()) {
            TenantPolicy policy = TenantPolicy.load(file, options.environment());
            List<DataContract> owned = contracts.stream().filter(c -> c.topics().stream().allMatch(policy::owns))
                    .toList();
            unclaimed.removeAll(owned);
            TenantProvisioner.Report report = provisioner.provisionContracts(policy, owned);
            out.println("tenant " + policy.tenant() + ": created " + report.created() + ", existing "
                    + report.existing());
        }
        for (DataContract contract : unclaimed) {
            for (String topic : contract.topics()) {
                kafka.createTopic(topic, 3, (short) 1);
            }
            if (!contract.deadLetterTopic().isEmpty()) {
                kafka.createTopic(contract.deadLetterTopic(), 1, (short) 1);
            }
        }
        for (DataContract contract : contracts) {
            int id = client.register(contract.subject(), contract.toSchemaDefinition(), false);
            out.println("contract " + contract.subject() + " v" + contract.version() + " registered with id " + id
                    + "; topics " + contract.topics());
        }
    }

    /** @return the Kafka bootstrap servers */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** @return the schema registry URL */
    public String registryUrl() {
        return registry.url();
    }

    /** Stops the registry and the brokers, freeing their ports. */
    @Override
    public void close() {
        registry.close();
        kafka.close();
    }

    /**
     * Runs the stack until Ctrl-C or SIGTERM.
     *
     * @param args see {@link Options#parse(String[])}
     */
    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("headwater stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            stack = start(options, System.out);
        } catch (HeadwaterException e) {
            System.err.println("headwater stack: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("headwater stack: shutting down");
            stack.close();
            System.out.println("headwater stack: stopped");
            System.out.flush();
            stopped.countDown();
            // a requested stop is a success: exit 0 rather than the signal's 143, so wrappers such as Maven's exec
            // plugin do not report a failure
            Runtime.getRuntime().halt(0);
        }, "headwater-stack-shutdown"));
        System.out.println("headwater stack: ready");
        System.out.println("  bootstrap.servers=" + stack.bootstrapServers());
        System.out.println("  schema.registry.url=" + stack.registryUrl());
        System.out.println("  export HEADWATER_BOOTSTRAP_SERVERS=" + stack.bootstrapServers()
                + " HEADWATER_REGISTRY_URL=" + stack.registryUrl());
        System.out.println("  data: " + (options.dataDirectory() == null ? "temporary, deleted on exit"
                : options.dataDirectory().toAbsolutePath() + " (kept)"));
        System.out.println("  press Ctrl-C to stop");
        stopped.await();
    }
}
