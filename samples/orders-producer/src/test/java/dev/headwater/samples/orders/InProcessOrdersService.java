package dev.headwater.samples.orders;

import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;

/**
 * What {@code mvn verify -Prun} runs: the service against the cluster its environment names, or, when
 * {@code HEADWATER_BOOTSTRAP_SERVERS} is not set, against the testkit's in-process broker and registry. In the test
 * sources, so that the broker never becomes part of the service.
 */
public final class InProcessOrdersService {

    private InProcessOrdersService() {
    }

    /** @param args as {@link OrdersService#main(String[])}'s */
    public static void main(String[] args) {
        if (System.getenv("HEADWATER_BOOTSTRAP_SERVERS") != null) {
            OrdersService.main(args);
            return;
        }
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            System.out.println("no HEADWATER_BOOTSTRAP_SERVERS: using an in-process broker and registry");
            System.out.println(OrdersService.produce(kafka.bootstrapServers(), registry.url(), count));
        }
    }
}
