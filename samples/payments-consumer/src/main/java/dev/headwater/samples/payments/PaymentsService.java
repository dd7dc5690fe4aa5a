package dev.headwater.samples.payments;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.tenant.TenantPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The payments service: consumes {@code OrderPlaced} events under the orders contract and produces a
 * {@code PaymentRequested} for each, under its own contract. Lineage is carried over with no code here: each payment's
 * correlation and causation come from the order being handled, and its span continues the order's trace. Connects
 * where its environment says ({@link Settings}) and runs until SIGTERM (or, given a count, until that many orders
 * were handled or none came for a minute); on SIGTERM it finishes the order in hand, commits and closes. Prints
 * {@code payments: orders=N payments=N} last.
 */
public final class PaymentsService {

    static final String ORDERS = "retail.orders.placed.v1";
    static final String PAYMENTS = "retail.payments.requested.v1";
    static final String GROUP = "payments-service";

    private PaymentsService() {
    }

    /** @param args {@code [count]}: stop after this many orders; without it, run until SIGTERM */
    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("payments: " + e.getMessage());
            System.exit(2);
            return;
        }
        int expected = args.length > 0 ? Integer.parseInt(args[0]) : Integer.MAX_VALUE;
        AtomicBoolean stopping = new AtomicBoolean();
        Thread worker = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: the loop finishes the order in hand, commits and closes; wait for it
            stopping.set(true);
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "payments-shutdown"));
        System.out.println("payments: handling orders from " + ORDERS);
        Duration idle = expected == Integer.MAX_VALUE ? Duration.ofDays(365 * 100) : Duration.ofSeconds(60);
        System.out.println(run(settings, expected, idle, stopping));
    }

    /**
     * Handles orders until {@code expected} were handled, nothing arrived for {@code idle}, or {@code stopping} is
     * set.
     *
     * @return a summary line
     */
    static String run(Settings settings, int expected, Duration idle, AtomicBoolean stopping) {
        DataContract orders = resource("contracts/orders.yaml");
        DataContract payments = resource("contracts/payments.yaml");
        TenantPolicy tenant = tenant(settings);
        AtomicInteger handled = new AtomicInteger();
        Map<String, Object> consumerSettings = new HashMap<>(settings.kafka());
        consumerSettings.put("group.id", GROUP);
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(settings.kafka())
                .keySerializer(new StringSerializer())
                .schemaRegistry(settings.registryClient())
                .contract(payments)
                .tenantPolicy(tenant)
                .application("payments-service", "1.0.0")
                .build();
                GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                        .kafkaProperties(consumerSettings)
                        .keyDeserializer(new StringDeserializer())
                        .schemaRegistry(settings.registryClient())
                        .contract(orders)
                        .tenantPolicy(tenant)
                        .topics(ORDERS)
                        .retry(3, Duration.ofMillis(200))
                        .handler(record -> {
                            GenericRecord payment = new GenericData.Record(payments.schema());
                            payment.put("orderId", record.value().get("id").toString());
                            payment.put("amount", record.value().get("amount"));
                            payment.put("currency", record.value().get("currency").toString());
                            producer.send(PAYMENTS, record.key(), payment).join();
                            handled.incrementAndGet();
                        })
                        .build()) {
            long lastProgress = System.nanoTime();
            while (!stopping.get() && handled.get() < expected && System.nanoTime() - lastProgress < idle.toNanos()) {
                if (consumer.pollOnce(Duration.ofMillis(500)) > 0) {
                    lastProgress = System.nanoTime();
                }
            }
        } // the consumer closes first: it commits what finished; then the producer flushes
        return "payments: orders=" + handled.get() + " payments=" + handled.get()
                + (stopping.get() ? " (stopped on request)" : "");
    }

    /** Handles orders from a given cluster and registry, without security settings: for tests and the demo. */
    static String run(String bootstrap, String registry, int expected, Duration idle) {
        return run(Settings.of(Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registry), null),
                expected, idle, new AtomicBoolean());
    }

    /** Writes demo orders, as the orders service would. */
    static void seedOrders(String bootstrap, String registry, int count) {
        Settings settings = Settings.of(Map.of("bootstrap.servers", bootstrap, "schema.registry.url", registry), null);
        DataContract orders = resource("contracts/orders.yaml");
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(settings.kafka()).keySerializer(new StringSerializer())
                .schemaRegistry(settings.registryClient()).contract(orders).tenantPolicy(tenant(settings))
                .application("orders-service", "1.0.0").build()) {
            for (int i = 1; i <= count; i++) {
                GenericRecord order = new GenericData.Record(orders.schema());
                order.put("id", UUID.randomUUID().toString());
                order.put("customer", "customer-" + i);
                order.put("amount", 10.0 * i);
                order.put("currency", "EUR");
                order.put("channel", "web");
                producer.send(ORDERS, order.get("id").toString(), order).join();
            }
        }
    }

    private static TenantPolicy tenant(Settings settings) {
        return TenantPolicy.parse(Settings.text("tenant-retail.yaml"), "tenant-retail.yaml", settings.environment());
    }

    private static DataContract resource(String name) {
        return DataContract.parse(Settings.text(name), name, null);
    }
}
