package dev.headwater.samples.orders;

import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.tenant.TenantPolicy;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The orders service: produces {@code OrderPlaced} events under the orders contract and the retail tenant's policy.
 * Orders that break an ERROR rule are refused; those that break a DLQ rule go to the dead-letter topic. Connects where
 * its environment says ({@link Settings}). Prints {@code orders: sent=N refused=N dead-lettered=N} last. On SIGTERM it
 * stops sending, waits for what was sent to be acknowledged and prints the counts so far.
 */
public final class OrdersService {

    static final String TOPIC = "retail.orders.placed.v1";
    private static final String[] CHANNELS = {"web", "mobile", "store"};

    private OrdersService() {
    }

    /** Outcome counts. */
    record Summary(int sent, int refused, int deadLettered, boolean stopped) {
        Summary(int sent, int refused, int deadLettered) {
            this(sent, refused, deadLettered, false);
        }

        @Override
        public String toString() {
            return "orders: sent=" + sent + " refused=" + refused + " dead-lettered=" + deadLettered
                    + (stopped ? " (stopped on request)" : "");
        }
    }

    /** @param args {@code [count]}: how many orders to send, 20 by default */
    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("orders: " + e.getMessage());
            System.exit(2);
            return;
        }
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        AtomicBoolean stopping = new AtomicBoolean();
        Thread worker = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: stop sending, let the producer deliver what it has, then exit
            stopping.set(true);
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "orders-shutdown"));
        System.out.println("orders: sending " + count + " orders to " + TOPIC);
        System.out.println(produce(settings, count, stopping));
    }

    /**
     * Produces orders: most valid, every tenth with an invalid currency (dead-lettered), every seventeenth with a
     * negative amount (refused).
     */
    static Summary produce(Settings settings, int count, AtomicBoolean stopping) {
        DataContract contract = DataContract.parse(Settings.text("contracts/orders.yaml"), "contracts/orders.yaml",
                null);
        TenantPolicy tenant = TenantPolicy.parse(Settings.text("tenant-retail.yaml"), "tenant-retail.yaml",
                settings.environment());
        int sent = 0;
        int refused = 0;
        int deadLettered = 0;
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(settings.kafka())
                .keySerializer(new StringSerializer())
                .schemaRegistry(settings.registryClient())
                .contract(contract)
                .tenantPolicy(tenant)
                .application("orders-service", "1.0.0")
                .build()) {
            for (int i = 1; i <= count && !stopping.get(); i++) {
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
        return new Summary(sent, refused, deadLettered, stopping.get());
    }

    /** Produces to a given cluster and registry, without security settings: for tests and the in-process run. */
    static Summary produce(String bootstrap, String registry, int count) {
        return produce(Settings.of(Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registry), null),
                count, new AtomicBoolean());
    }
}
