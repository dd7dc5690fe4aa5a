package dev.headwater.samples.orders;

import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The orders service: produces {@code OrderPlaced} events under the orders contract and the retail tenant's policy.
 * Orders that break an ERROR rule are refused; those that break a DLQ rule go to the dead-letter topic. Runs against
 * the cluster and registry in {@code HEADWATER_BOOTSTRAP_SERVERS} and {@code HEADWATER_REGISTRY_URL}, or in-process
 * ones when they are unset. Prints {@code orders: sent=N refused=N dead-lettered=N} last.
 */
public final class OrdersService {

    static final String TOPIC = "retail.orders.placed.v1";
    private static final String[] CHANNELS = {"web", "mobile", "store"};

    private OrdersService() {
    }

    /** Outcome counts. */
    record Summary(int sent, int refused, int deadLettered) {
        @Override
        public String toString() {
            return "orders: sent=" + sent + " refused=" + refused + " dead-lettered=" + deadLettered;
        }
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String bootstrap = System.getenv("HEADWATER_BOOTSTRAP_SERVERS");
        String registry = System.getenv("HEADWATER_REGISTRY_URL");
        if (bootstrap == null || registry == null) {
            try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
                    EmbeddedSchemaRegistry embedded = EmbeddedSchemaRegistry.start()) {
                System.out.println("no HEADWATER_BOOTSTRAP_SERVERS / HEADWATER_REGISTRY_URL: using an in-process "
                        + "broker and registry");
                System.out.println(produce(kafka.bootstrapServers(), embedded.url(), count));
            }
        } else {
            System.out.println(produce(bootstrap, registry, count));
        }
    }

    /**
     * Produces orders: most valid, every tenth with an invalid currency (dead-lettered), every seventeenth with a
     * negative amount (refused).
     */
    static Summary produce(String bootstrap, String registry, int count) {
        DataContract contract = resource("contracts/orders.yaml", DataContract.class);
        TenantPolicy tenant = resource("tenant-retail.yaml", TenantPolicy.class);
        int sent = 0;
        int refused = 0;
        int deadLettered = 0;
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap))
                .keySerializer(new StringSerializer())
                .schemaRegistry(registry)
                .contract(contract)
                .tenantPolicy(tenant)
                .application("orders-service", "1.0.0")
                .build()) {
            for (int i = 1; i <= count; i++) {
                GenericRecord order = new GenericData.Record(contract.schema());
                order.put("id", UUID.randomUUID().toString());
                order.put("customer", "customer-" + (i % 7));
                order.put("amount", i % 17 == 0 ? -1.0 : 9.99 * i);
                order.put("currency", i % 10 == 0 ? "EURO" : "EUR");
                order.put("channel", CHANNELS[i % CHANNELS.length]);
                try {
                    SendResult result = producer.send(TOPIC, order.get("id").toString(), order).join();
                    if (result.deadLettered()) {
                        deadLettered++;
                    } else {
                        sent++;
                    }
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof ContractViolationException violation)) {
                        throw e;
                    }
                    refused++;
                    System.out.println("refused: " + violation.violations());
                }
            }
        }
        return new Summary(sent, refused, deadLettered);
    }

    private static <T> T resource(String name, Class<T> type) {
        try (InputStream in = OrdersService.class.getResourceAsStream("/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return type == DataContract.class ? type.cast(DataContract.parse(text, name, null))
                    : type.cast(TenantPolicy.parse(text, name, System.getenv("HEADWATER_ENVIRONMENT")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
