package dev.headwater.samples.payments;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The payments service: consumes {@code OrderPlaced} events under the orders contract and produces a
 * {@code PaymentRequested} for each, under its own contract. Lineage is carried over with no code here: each payment's
 * {@code ce_correlationid} and {@code ce_causationid} come from the order being handled, and its span continues the
 * order's trace. Runs against {@code HEADWATER_BOOTSTRAP_SERVERS} and {@code HEADWATER_REGISTRY_URL}, or in-process
 * (seeding a few orders) when they are unset. Prints {@code payments: orders=N payments=N} last.
 */
public final class PaymentsService {

    static final String ORDERS = "retail.orders.placed.v1";
    static final String PAYMENTS = "retail.payments.requested.v1";

    private PaymentsService() {
    }

    public static void main(String[] args) {
        int expected = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String bootstrap = System.getenv("HEADWATER_BOOTSTRAP_SERVERS");
        String registry = System.getenv("HEADWATER_REGISTRY_URL");
        if (bootstrap == null || registry == null) {
            try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
                    EmbeddedSchemaRegistry embedded = EmbeddedSchemaRegistry.start()) {
                System.out.println("no HEADWATER_BOOTSTRAP_SERVERS / HEADWATER_REGISTRY_URL: using an in-process "
                        + "broker and registry, seeded with " + expected + " orders");
                seedOrders(kafka.bootstrapServers(), embedded.url(), expected);
                System.out.println(run(kafka.bootstrapServers(), embedded.url(), expected, Duration.ofSeconds(30)));
            }
        } else {
            System.out.println(run(bootstrap, registry, expected, Duration.ofSeconds(60)));
        }
    }

    /**
     * Handles orders until {@code expected} were handled or nothing arrived for {@code idle}.
     *
     * @return a summary line
     */
    static String run(String bootstrap, String registry, int expected, Duration idle) {
        DataContract orders = resource("contracts/orders.yaml");
        DataContract payments = resource("contracts/payments.yaml");
        TenantPolicy tenant = tenant();
        AtomicInteger handled = new AtomicInteger();
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap))
                .keySerializer(new StringSerializer())
                .schemaRegistry(registry)
                .contract(payments)
                .tenantPolicy(tenant)
                .application("payments-service", "1.0.0")
                .build()) {
            GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                    .kafkaProperties(Map.of("bootstrap.servers", bootstrap, "group.id", "payments-service"))
                    .keyDeserializer(new StringDeserializer())
                    .schemaRegistry(registry)
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
                    .build();
            try {
                long lastProgress = System.nanoTime();
                while (handled.get() < expected && System.nanoTime() - lastProgress < idle.toNanos()) {
                    if (consumer.pollOnce(Duration.ofMillis(500)) > 0) {
                        lastProgress = System.nanoTime();
                    }
                }
            } finally {
                consumer.close();
            }
        }
        return "payments: orders=" + handled.get() + " payments=" + handled.get();
    }

    /** Writes demo orders, as the orders service would. */
    static void seedOrders(String bootstrap, String registry, int count) {
        DataContract orders = resource("contracts/orders.yaml");
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap)).keySerializer(new StringSerializer())
                .schemaRegistry(registry).contract(orders).tenantPolicy(tenant())
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

    private static TenantPolicy tenant() {
        return TenantPolicy.parse(text("tenant-retail.yaml"), "tenant-retail.yaml",
                System.getenv("HEADWATER_ENVIRONMENT"));
    }

    private static DataContract resource(String name) {
        return DataContract.parse(text(name), name, null);
    }

    private static String text(String name) {
        try (InputStream in = PaymentsService.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
