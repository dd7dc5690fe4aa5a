package dev.headwater.samples.quickstart;

import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.io.PrintStream;

/**
 * Runs the quickstart on an in-process Kafka broker and schema registry (the testkit's) for whatever
 * {@code --bootstrap-servers} and {@code --registry-url} do not give: what {@code mvn verify -Prun-quickstart} runs.
 * It lives in the test sources so that the broker, Scala and the testkit never become part of the application.
 */
public final class InProcessQuickstart {

    private InProcessQuickstart() {
    }

    /** @param args as {@link Quickstart#main(String[])}'s */
    public static void main(String[] args) throws Exception {
        Quickstart.Options options;
        try {
            options = Quickstart.Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("quickstart: " + e.getMessage());
            System.exit(2);
            return;
        }
        Quickstart.Summary summary = run(options, System.out);
        System.exit(summary.produced() > 0 && summary.produced() == summary.consumed() ? 0 : 1);
    }

    /**
     * Starts what is missing, runs the quickstart and stops what it started.
     *
     * @param options the cluster and registry given, either may be null
     * @param out where to print
     * @return the quickstart's summary
     */
    static Quickstart.Summary run(Quickstart.Options options, PrintStream out) throws Exception {
        EmbeddedKafkaCluster kafka = null;
        EmbeddedSchemaRegistry registry = null;
        try {
            String bootstrap = options.bootstrapServers();
            String registryUrl = options.registryUrl();
            if (bootstrap == null) {
                kafka = EmbeddedKafkaCluster.builder().build().start();
                bootstrap = kafka.bootstrapServers();
                out.println("started an in-process Kafka broker (pass --bootstrap-servers to use your own)");
            }
            if (registryUrl == null) {
                registry = EmbeddedSchemaRegistry.start();
                registryUrl = registry.url();
                out.println("started an in-process schema registry (pass --registry-url to use your own)");
            }
            return Quickstart.run(new Quickstart.Options(bootstrap, registryUrl), out);
        } finally {
            if (registry != null) {
                registry.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }
}
