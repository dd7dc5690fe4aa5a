package dev.headwater.samples.payments;

import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.time.Duration;

/**
 * What {@code mvn verify -Prun} runs: the service against the cluster its environment names, or, when
 * {@code HEADWATER_BOOTSTRAP_SERVERS} is not set, against the testkit's in-process broker and registry seeded with a
 * few orders. In the test sources, so that the broker never becomes part of the service.
 */
public final class InProcessPaymentsService {

    private InProcessPaymentsService() {
    }

    /** @param args as {@link PaymentsService#main(String[])}'s; in-process, how many orders to seed (5) */
    public static void main(String[] args) {
        if (System.getenv("HEADWATER_BOOTSTRAP_SERVERS") != null) {
            PaymentsService.main(args);
            return;
        }
        int expected = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            System.out.println("no HEADWATER_BOOTSTRAP_SERVERS: using an in-process broker and registry, seeded with "
                    + expected + " orders");
            PaymentsService.seedOrders(kafka.bootstrapServers(), registry.url(), expected);
            System.out.println(PaymentsService.run(kafka.bootstrapServers(), registry.url(), expected,
                    Duration.ofSeconds(30)));
        }
    }
}
