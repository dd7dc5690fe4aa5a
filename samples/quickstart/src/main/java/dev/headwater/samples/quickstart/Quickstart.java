package dev.headwater.samples.quickstart;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.GovernedRecord;
import dev.headwater.contract.ContractViolationException;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Violation;
import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Headwater's quickstart: registers a data contract, produces orders through the governed producer (one refused, one
 * dead-lettered), consumes them through the governed consumer with their lineage and trace ids, and prints what
 * happened, against the cluster and registry given by {@code --bootstrap-servers} and {@code --registry-url} (or
 * {@code HEADWATER_BOOTSTRAP_SERVERS} and {@code HEADWATER_REGISTRY_URL}). Its Maven profile {@code run-quickstart}
 * starts an in-process broker and registry for what is not given ({@code InProcessQuickstart}, in the test sources:
 * the broker is never part of the application).
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
     * @param args {@code [--bootstrap-servers host:port] [--registry-url http://host:port]}
     */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("quickstart: " + e.getMessage());
            System.err.println("usage: Quickstart [--bootstrap-servers host:port] [--registry-url http://host:port]");
            System.exit(2);
            return;
        }
        if (options.bootstrapServers() == null || options.registryUrl() == null) {
            System.err.println("quickstart: no cluster given: pass --bootstrap-servers and --registry-url (or set "
                    + "HEADWATER_BOOTSTRAP_SERVERS and HEADWATER_REGISTRY_URL); to run on an in-process broker and "
                    + "registry instead: mvn verify -DskipTests -Prun-quickstart");
            System.exit(2);
            return;
        }
        Summary summary = run(options, System.out);
        System.exit(summary.produced() > 0 && summary.produced() == summary.consumed() ? 0 : 1);
    }

    /**
     * Runs the quickstart against a cluster and registry.
     *
     * @param options where the cluster and registry are; both required
     * @param out where to print
     * @return the summary
     */
    static Summary run(Options options, PrintStream out) throws Exception {
        if (options.bootstrapServers() == null || options.registryUrl() == null) {
            throw new IllegalArgumentException("the quickstart needs --bootstrap-servers and --registry-url");
        }
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite())).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build()) {
            String bootstrap = options.bootstrapServers();
            String registry = options.registryUrl();
            out.println("[1/5] Kafka and schema registry");
            out.println("      bootstrap.servers=" + bootstrap + "  schema.registry.url=" + registry);

            DataContract contract = contract();
            createTopics(bootstrap, contract);
            FieldProtection keys = keys();
            out.println("[2/5] Contract " + contract.subject() + " v" + contract.version() + " owned by "
                    + contract.owner().team() + ": " + contract.rules().size() + " rules, dead letters to "
                    + contract.deadLetterTopic() + ", email encrypted where it is born (protect: encrypt)");

            out.println("[3/5] Producing through the governed producer (contract checked, lineage stamped, traced)");
            Produced produced = produce(bootstrap, registry, contract, keys, otel, out);

            out.println("[4/5] Consuming through the governed consumer");
            int consumed = consume(bootstrap, registry, contract, produced.sent(), keys, otel, out);


            out.println("[5/5] The dead-letter topic " + contract.deadLetterTopic() + " says why:");
            showDeadLetters(bootstrap, contract, produced.deadLettered(), out);


            Summary summary = new Summary(produced.sent().size(), consumed, produced.refused(),
                    produced.deadLettered().size());
            out.println(summary);
            return summary;
        }
    }

    static DataContract contract() throws IOException {
        try (InputStream in = Quickstart.class.getResourceAsStream("/contracts/orders.yaml")) {
            return DataContract.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "contracts/orders.yaml",
                    null);
        }
    }

    private static void createTopics(String bootstrap, DataContract contract) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (String topic : List.of(TOPIC, contract.deadLetterTopic())) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic '" + topic + "': "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        }
    }

    private static GenericRecord order(DataContract contract, double amount, String currency, String email) {
        GenericRecord order = new GenericData.Record(contract.schema());
        order.put("id", UUID.randomUUID().toString());
        order.put("amount", amount);
        order.put("currency", currency);
        order.put("email", email);
        return order;
    }

    /**
     * The keys of the contract's protected field: a local key store in a temporary directory, under a master key made
     * for this run. An application takes the master key from its environment (HEADWATER_MASTER_KEY) and sets
     * {@code headwater.protection.keystore}; see the README's "Protecting sensitive fields".
     */
    private static FieldProtection keys() throws IOException {
        java.nio.file.Path keyStore = java.nio.file.Files.createTempDirectory("quickstart-keys")
                .resolve("keys.json");
        return TinkFieldProtection.of(LocalKeyStore.create(keyStore, LocalKeyStore.newMasterKey()));
    }

    private static Produced produce(String bootstrap, String registry, DataContract contract, FieldProtection keys,
            OpenTelemetry otel, PrintStream out) {
        Set<String> sent = new HashSet<>();
        int refused = 0;
        Set<String> deadLettered = new HashSet<>();
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap))
                .keySerializer(new StringSerializer())
                .schemaRegistry(registry)
                .contract(contract)
                .application("quickstart", "1.0.0")
                .tenant("retail")
                .fieldProtection(keys)
                .openTelemetry(otel)
                .build()) {
            List<GenericRecord> orders = new ArrayList<>();
            for (int i = 1; i <= ORDERS; i++) {
                orders.add(order(contract, 10.0 * i, i % 2 == 0 ? "EUR" : "USD", "customer" + i + "@example.com"));
            }
            orders.add(order(contract, -5.0, "EUR", "refused@example.com"));
            orders.add(order(contract, 20.0, "EURO", "dead-letter@example.com"));
            for (GenericRecord order : orders) {
                try {
                    SendResult result = producer.send(TOPIC, order.get("id").toString(), order).join();
                    if (result.deadLettered()) {
                        deadLettered.add(order.get("id").toString());
                        out.printf("      dead-lettered  order %s -> %s-%d@%d (currency %s breaks a DLQ rule)%n",
                                shortId(order), result.topic(), result.partition(), result.offset(),
                                order.get("currency"));
                    } else {
                        sent.add(order.get("id").toString());
                        out.printf("      sent           order %s -> %s-%d@%d  event %s%n", shortId(order),
                                result.topic(), result.partition(), result.offset(), result.eventId());
                    }
                } catch (CompletionException e) {
                    if (!(e.getCause() instanceof ContractViolationException violation)) {
                        throw e;
                    }
                    refused++;
                    out.printf("      refused        order %s: %s%n", shortId(order), violation.violations().stream()
                            .map(Violation::toString).toList());
                }
            }
        }
        return new Produced(sent, refused, deadLettered);
    }

    /**
     * Consumes the topic from the start and counts the records this run sent (by key): a topic kept from an earlier
     * run (the local stack with --data-dir) also holds that run's records.
     */
    private static int consume(String bootstrap, String registry, DataContract contract, Set<String> sent,
            FieldProtection keys, OpenTelemetry otel, PrintStream out) {
        int expected = sent.size();
        List<GovernedRecord<String, GenericRecord>> received = new ArrayList<>();
        int[] inline = new int[1];
        GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap,
                        "group.id", "quickstart-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer())
                .schemaRegistry(registry)
                .contract(contract)
                .topics(TOPIC)
                .application("quickstart", "1.0.0")
                .tenant("retail")
                .fieldProtection(keys)
                .openTelemetry(otel)
                .handler(record -> {
                    if (!sent.contains(record.key())) {
                        return; // an earlier run's record
                    }
                    received.add(record);
                    if (Lineage.carriesDescriptorInline(record.headers())) {
                        inline[0]++;
                    }
                    Lineage lineage = record.lineage().orElseThrow();
                    Header traceparent = record.headers().lastHeader("traceparent");
                    out.printf("      received       order %s amount %s %s email %s  from %s (tenant %s, contract "
                            + "v%s) created %s trace %s%n", shortId(record.value()), record.value().get("amount"),
                            record.value().get("currency"), record.value().get("email"), lineage.application(),
                            lineage.tenant(),
                            lineage.contractVersion(), lineage.createdAt(), traceparent == null ? "-"
                                    : new String(traceparent.value(), StandardCharsets.UTF_8).substring(3, 35));
                })
                .build();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < expected && System.nanoTime() < deadline) {
                consumer.pollOnce(Duration.ofMillis(500));
            }
        } finally {
            consumer.close();
        }
        // the producer published its lineage descriptor when it was built: its records refer to it by id
        out.printf("      lineage        %d of %d records carried their lineage descriptor inline, the others "
                + "referred to it by id%n", inline[0], received.size());
        return received.size();
    }

    private static void showDeadLetters(String bootstrap, DataContract contract, Set<String> keys, PrintStream out) {
        int expected = keys.size();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "quickstart-dlq-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.subscribe(List.of(contract.deadLetterTopic()));
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    if (record.key() == null || !keys.contains(new String(record.key(), StandardCharsets.UTF_8))) {
                        continue; // an earlier run's dead letter
                    }
                    seen++;
                    out.printf("      %s: rules %s, contract %s, from %s%n        %s%n",
                            header(record, DeadLetterHeaders.REASON), header(record, DeadLetterHeaders.RULES),
                            header(record, DeadLetterHeaders.CONTRACT), header(record, DeadLetterHeaders.APPLICATION),
                            header(record, DeadLetterHeaders.VIOLATIONS).replace("\n", "\n        "));
                    boolean clear = record.value() != null && new String(record.value(), StandardCharsets.ISO_8859_1)
                            .contains("@example.com");
                    out.printf("        its email on the wire: %s%n", clear ? "IN CLEAR" : "sealed ("
                            + record.headers().lastHeader("hw_key").value().length + "-byte key reference in hw_key, "
                            + "no clear text in the record)");
                }
            }
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String shortId(GenericRecord order) {
        return order.get("id").toString().substring(0, 8);
    }

    /** What this run produced: the keys of the records sent and dead-lettered, so it counts its own records only. */
    private record Produced(Set<String> sent, int refused, Set<String> deadLettered) {
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
    record Options(String bootstrapServers, String registryUrl) {
        static Options parse(String[] args, Map<String, String> env) {
            String bootstrap = env.get("HEADWATER_BOOTSTRAP_SERVERS");
            String registry = env.get("HEADWATER_REGISTRY_URL");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--bootstrap-servers" -> bootstrap = value(args, ++i, "--bootstrap-servers",
                            "localhost:9092");
                    case "--registry-url" -> registry = value(args, ++i, "--registry-url", "http://localhost:8081");
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            return new Options(blankToNull(bootstrap), blankToNull(registry));
        }

        private static String value(String[] args, int index, String option, String example) {
            if (index >= args.length) {
                throw new IllegalArgumentException(option + " needs a value, such as " + example);
            }
            return args[index];
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }
}
