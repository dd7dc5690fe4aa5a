package dev.headwater.samples.quickstart;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.GovernedRecord;
import dev.headwater.lineage.Lineage;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Headwater's quickstart: produces a batch of orders through the governed producer, consumes them through the governed
 * consumer, and prints what happened. By default it starts an in-process Kafka broker; give
 * {@code --bootstrap-servers host:port} (or set {@code HEADWATER_BOOTSTRAP_SERVERS}) to use a real cluster.
 *
 * <p>Its last line is a machine-readable summary:
 * {@code quickstart: produced=N consumed=N rejected=N dead-lettered=N}. It exits with status 0 when every produced
 * record was consumed, 1 otherwise, 2 on bad arguments.
 */
public final class Quickstart {

    static final String TOPIC = "retail.orders.placed.v1";
    private static final int ORDERS = 10;

    private Quickstart() {
    }

    /**
     * Runs the quickstart.
     *
     * @param args {@code [--bootstrap-servers host:port]}
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("quickstart: " + e.getMessage());
            System.err.println("usage: Quickstart [--bootstrap-servers host:port]");
            System.exit(2);
            return;
        }
        Summary summary = run(options, System.out);
        System.exit(summary.produced() > 0 && summary.produced() == summary.consumed() ? 0 : 1);
    }

    static Summary run(Options options, PrintStream out) throws Exception {
        EmbeddedKafkaCluster embedded = null;
        try {
            String bootstrap = options.bootstrapServers();
            if (bootstrap == null) {
                out.println("[1/4] Starting an in-process Kafka broker (pass --bootstrap-servers to use your own)...");
                embedded = EmbeddedKafkaCluster.builder().build().start();
                bootstrap = embedded.bootstrapServers();
            } else {
                out.println("[1/4] Using the Kafka cluster at " + bootstrap);
            }
            out.println("      bootstrap.servers=" + bootstrap);
            createTopic(bootstrap);

            out.println("[2/4] Producing " + ORDERS + " orders to '" + TOPIC + "' through the governed producer...");
            int produced = produce(bootstrap, out);

            out.println("[3/4] Consuming them through the governed consumer...");
            int consumed = consume(bootstrap, produced, out);

            out.println("[4/4] Done: every record carries lineage headers (ce_id, ce_source, ce_time, ...).");
            Summary summary = new Summary(produced, consumed, 0, 0);
            out.println(summary);
            return summary;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static void createTopic(String bootstrap) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Could not create topic '" + TOPIC + "': " + e.getCause().getMessage(),
                        e.getCause());
            }
        }
    }

    private static int produce(String bootstrap, PrintStream out) {
        try (GovernedProducer<String, String> producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap))
                .keySerializer(new StringSerializer())
                .valueSerializer(new StringSerializer())
                .application("quickstart", "1.0.0")
                .tenant("retail")
                .build()) {
            List<CompletableFuture<SendResult>> sends = new ArrayList<>();
            for (int i = 1; i <= ORDERS; i++) {
                String id = "order-" + i;
                String order = "{\"id\":\"" + id + "\",\"amount\":" + (10 * i) + ".00,\"currency\":\"EUR\"}";
                sends.add(producer.send(TOPIC, id, order));
            }
            int produced = 0;
            for (CompletableFuture<SendResult> send : sends) {
                SendResult result = send.join();
                out.printf("      sent      %s-%d@%d  event %s%n", result.topic(), result.partition(), result.offset(),
                        result.eventId());
                produced++;
            }
            return produced;
        }
    }

    private static int consume(String bootstrap, int expected, PrintStream out) {
        List<GovernedRecord<String, String>> received = new ArrayList<>();
        GovernedConsumer<String, String> consumer = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap,
                        "group.id", "quickstart-" + System.currentTimeMillis()))
                .keyDeserializer(new StringDeserializer())
                .valueDeserializer(new StringDeserializer())
                .topics(TOPIC)
                .handler(record -> {
                    received.add(record);
                    Lineage lineage = record.lineage().orElseThrow();
                    out.printf("      received  %s-%d@%d  key %s  from %s (tenant %s) created %s%n", record.topic(),
                            record.partition(), record.offset(), record.key(), lineage.application(),
                            lineage.tenant(), lineage.createdAt());
                })
                .build();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.pollOnce(Duration.ofMillis(500));
            }
        } finally {
            consumer.closeNow();
        }
        return received.size();
    }

    /** What the quickstart did; {@link #toString()} is its machine-readable last line. */
    record Summary(int produced, int consumed, int rejected, int deadLettered) {
        @Override
        public String toString() {
            return "quickstart: produced=" + produced + " consumed=" + consumed + " rejected=" + rejected
                    + " dead-lettered=" + deadLettered;
        }
    }

    /** Command-line options, falling back to environment variables. */
    record Options(String bootstrapServers) {
        static Options parse(String[] args, Map<String, String> env) {
            String bootstrap = env.get("HEADWATER_BOOTSTRAP_SERVERS");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--bootstrap-servers" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("--bootstrap-servers needs a value, such as "
                                    + "localhost:9092");
                        }
                        bootstrap = args[++i];
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            return new Options(bootstrap == null || bootstrap.isBlank() ? null : bootstrap);
        }
    }
}
