package dev.headwater.benchmarks;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Owner;
import dev.headwater.lineage.LineageHeaders;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.internal.TopicCreation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produce and consume throughput against the in-process broker (or one in another process), in one run, each variant
 * measured several times in alternation after a warm-up, so the ratios compare like with like:
 *
 * <ul>
 *   <li>produce: a plain KafkaProducer with a plain Avro serializer (the baseline), the same with Headwater's
 *       wire-format serializer, the same with only the lineage headers added (to separate Kafka's cost of carrying
 *       the headers from Headwater's own steps) or with one header of as many bytes (Kafka's cost per header against
 *       its cost per byte), and the governed producer with a contract without rules, with field
 *       rules only and with everything on (8 field rules, 2 CEL rules, lineage, tracing through the OpenTelemetry
 *       API, tenant guardrail), and the same with 2 CEL rules outside the CEL fast path's subset;</li>
 *   <li>consume: a plain KafkaConsumer with a plain Avro deserializer (the baseline) against the governed consumer
 *       (wire format, lineage, freshness, process spans, commits) with a contract without rules, with field rules
 *       only, with CEL rules too, the same without read-ahead (all work on the polling thread) and with interpreted
 *       CEL rules.</li>
 * </ul>
 *
 * <p>Each round runs every variant once, starting with the next variant each round; round 0 warms up. Run:
 * {@code ./mvnw -q -pl benchmarks -am verify -DskipTests -Prun-throughput}. Prints records/s and ratios. System
 * properties: {@code records} per variant and round (default 1,000,000, or 300,000 for large records: far more than a
 * producer buffers, so the steady state is measured), {@code rounds} (3), {@code record} ({@code small}: a 10-field
 * order of 87 bytes; {@code large}: the same with 12 line items, about 900 bytes), {@code compression} ({@code none}),
 * {@code batch.size} (65536) and {@code linger.ms} (5) for every producer, {@code only} ({@code produce} or
 * {@code consume}), {@code variants} (numbers in the printed order, such as {@code 0,3}: only those, to profile one;
 * ratios are then to the first named), and {@code bootstrap.servers} with {@code registry.url} to run against a broker
 * and registry in another process (such as {@code LocalStack}) instead of in-process ones. Besides records/s it prints,
 * per record, the CPU time of the calling thread (plus a governed consumer's prepare thread) and what the calling
 * thread allocated.
 */
public final class ThroughputHarness {

    /**
     * Records per variant and round. The default is many times what fits in a producer's {@code buffer.memory} (32
     * MiB), so a run measures the steady state and not how fast {@code send} fills the buffer.
     */
    private static final int RECORDS = Integer.getInteger("records", "large".equals(System.getProperty("record"))
            ? 300_000 : 1_000_000);
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final Map<String, Object> PRODUCER = Map.of("acks", "all", "enable.idempotence", true,
            "linger.ms", Integer.getInteger("linger.ms", 5), "batch.size", Integer.getInteger("batch.size", 65536),
            "compression.type", System.getProperty("compression", "none"));

    private ThroughputHarness() {
    }

    /** The order of {@link SerdeBenchmark#SCHEMA} with twelve line items, about 1 KB in Avro. */
    static final String LARGE_SCHEMA = SerdeBenchmark.SCHEMA.substring(0, SerdeBenchmark.SCHEMA.lastIndexOf(']'))
            + """
            ,{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"LineItem","fields":[
              {"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"unitPrice","type":"double"},
              {"name":"description","type":"string"}]}}}]}""";

    public static void main(String[] args) throws Exception {
        boolean large = "large".equals(System.getProperty("record"));
        Schema schema = new Schema.Parser().parse(large ? LARGE_SCHEMA : SerdeBenchmark.SCHEMA);
        GenericRecord record = large ? largeOrder(schema) : SerdeBenchmark.order(schema);
        int valueBytes = plainSerializer(schema).serialize("t", record).length;
        try (Stack kafka = Stack.fromSystemProperties()) {
            List<ContractRule> rules = new ArrayList<>(ValidatorBenchmark.FIELD_RULES);
            rules.addAll(ValidatorBenchmark.CEL_RULES);
            String topicBase = "bench.orders.produced";
            DataContract contract = DataContract.builder().subject(topicBase + ".v1-value").version("1.0.0")
                    .owner(new Owner("team-bench", "")).schema(schema).rules(rules).build();
            TenantPolicy tenant = TenantPolicy.builder("bench").owns(List.of("{tenant}.*")).build();
            System.out.printf(Locale.ROOT, "Produce and consume %,d records of %s (%d bytes in Avro), %d rounds, "
                    + "%s, compression.type=%s for every producer%n", RECORDS,
                    large ? "an order with 12 line items" : "a 10-field order", valueBytes, ROUNDS,
                    kafka, PRODUCER.get("compression.type"));

            if (!"consume".equals(System.getProperty("only"))) {
                String base = "produce: ";
                LineageStamp stamp = benchStamp();
                Header opaque = opaqueHeaderOfLineageSize();
                List<Header> required = requiredCloudEventsHeaders();
                List<Variant> variants = List.of(
                        new Variant(base + "plain KafkaProducer + plain Avro serializer (baseline)",
                                t -> producePlain(kafka, t, record, plainSerializer(schema))),
                        new Variant(base + "plain KafkaProducer + Headwater wire-format serializer",
                                t -> producePlain(kafka, t, record, headwaterSerializer(kafka))),
                        new Variant(base + "plain KafkaProducer + wire format + lineage headers only",
                                t -> produceWithHeaders(kafka, t, record, headwaterSerializer(kafka),
                                        headers -> stamp.stamp(headers, null, null))),
                        new Variant(base + "plain KafkaProducer + wire format + the 4 required CloudEvents headers",
                                t -> produceWithHeaders(kafka, t, record, headwaterSerializer(kafka),
                                        headers -> required.forEach(headers::add))),
                        new Variant(base + "plain KafkaProducer + wire format + 1 header of the same bytes",
                                t -> produceWithHeaders(kafka, t, record, headwaterSerializer(kafka),
                                        headers -> headers.add(opaque))),
                        new Variant(base + "GovernedProducer, contract without rules",
                                t -> produceGoverned(kafka, withoutRules(contract), tenant, t, record)),
                        new Variant(base + "GovernedProducer, 8 field rules, no CEL",
                                t -> produceGoverned(kafka, fieldRulesOnly(contract), tenant, t, record)),
                        new Variant(base + "GovernedProducer, everything on (8 field rules + 2 CEL)",
                                t -> produceGoverned(kafka, contract, tenant, t, record)),
                        new Variant(base + "GovernedProducer, everything on, 2 CEL rules CEL's interpreter runs",
                                t -> produceGoverned(kafka, interpreted(contract), tenant, t, record)));
                String run = topicBase + "." + UUID.randomUUID().toString().substring(0, 6);
                TopicPlan topics = (round, variant) -> run + "." + round + "." + variant;
                measure(variants, topics, round -> {
                    for (int i = 0; i < variants.size(); i++) {
                        kafka.createTopic(topics.topic(round, i)); // all before the round, so each is ready in time
                    }
                }, round -> deleteTopics(kafka, run + "." + round + "."));
            }
            if ("produce".equals(System.getProperty("only"))) {
                return;
            }
            // a topic of its own per run, so that runs against a stack in another process do not meet the last run's
            String consumeTopic = "bench.orders.consumed.v1." + UUID.randomUUID().toString().substring(0, 6);
            produceGoverned(kafka, contract, tenant, consumeTopic, record);
            System.out.printf(Locale.ROOT, "the governed producer's lineage headers: %d bytes per record (value: %d)%n",
                    headerBytes(kafka, consumeTopic), valueBytes + 5);
            String base = "consume: ";
            List<Variant> variants = List.of(
                    new Variant(base + "plain KafkaConsumer + plain Avro deserializer (baseline)",
                            t -> consumePlain(kafka, t, schema)),
                    new Variant(base + "GovernedConsumer, contract without rules",
                            t -> consumeGoverned(kafka, withoutRules(contract), t)),
                    new Variant(base + "GovernedConsumer, 8 field rules, no CEL",
                            t -> consumeGoverned(kafka, fieldRulesOnly(contract), t)),
                    new Variant(base + "GovernedConsumer, everything on (8 field rules + 2 CEL)",
                            t -> consumeGoverned(kafka, contract, t)),
                    new Variant(base + "GovernedConsumer, everything on, without read-ahead",
                            t -> consumeGoverned(kafka, contract, t, false)),
                    new Variant(base + "GovernedConsumer, everything on, 2 CEL rules CEL's interpreter runs",
                            t -> consumeGoverned(kafka, interpreted(contract), t)));
            measure(variants, (round, variant) -> consumeTopic, round -> { }, round -> { });
            deleteTopics(kafka, consumeTopic);
        }
    }

    /**
     * Counts the sends of a variant that failed: a figure that includes records the broker refused would be
     * meaningless, so {@link #check()} stops the run with the first error instead.
     */
    private static final class SendFailures implements Callback {
        private final String topic;
        private final LongAdder failed = new LongAdder();
        private volatile Exception first;

        SendFailures(String topic) {
            this.topic = topic;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            if (error != null) {
                if (first == null) {
                    first = error;
                }
                failed.increment();
            }
        }

        void check() {
            if (failed.sum() > 0) {
                throw new IllegalStateException(failed.sum() + " of " + RECORDS + " records sent to " + topic
                        + " failed, so its throughput is not a figure; first error: " + first, first);
            }
        }
    }

    /** One thing measured: its label and how to run it against a topic, returning records per second. */
    private record Variant(String label, Run run) {
    }

    @FunctionalInterface
    private interface Run {
        double on(String topic) throws Exception;
    }

    /** The topic a variant uses in a round. */
    @FunctionalInterface
    private interface TopicPlan {
        String topic(int round, int variant);
    }

    /** A step before or after each round. */
    @FunctionalInterface
    private interface RoundStep {
        void run(int round) throws Exception;
    }

    /**
     * Runs every variant once per round (round 0 warms up and is not counted), starting each round with the next
     * variant so that no variant always runs first or last, then prints the median of each and its ratio to the first
     * variant's (the baseline's) median.
     */
    private static void measure(List<Variant> all, TopicPlan topics, RoundStep beforeRound,
            RoundStep afterRound) throws Exception {
        List<Variant> variants = selected(all);
        Map<Variant, List<Double>> rates = new HashMap<>();
        Map<Variant, List<Double>> cpu = new HashMap<>();
        Map<Variant, List<Double>> helperCpu = new HashMap<>();
        Map<Variant, List<Double>> allocated = new HashMap<>();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round <= ROUNDS; round++) {
            beforeRound.run(round);
            for (int i = 0; i < variants.size(); i++) {
                int index = (i + round) % variants.size();
                Variant variant = variants.get(index);
                helperCpuNanos = 0;
                long cpuBefore = threads.getCurrentThreadCpuTime();
                long bytesBefore = threads.getCurrentThreadAllocatedBytes();
                double rate = variant.run().on(topics.topic(round, index));
                if (round > 0) {
                    rates.computeIfAbsent(variant, v -> new ArrayList<>()).add(rate);
                    cpu.computeIfAbsent(variant, v -> new ArrayList<>())
                            .add((threads.getCurrentThreadCpuTime() - cpuBefore) / (double) RECORDS);
                    helperCpu.computeIfAbsent(variant, v -> new ArrayList<>()).add(helperCpuNanos / (double) RECORDS);
                    allocated.computeIfAbsent(variant, v -> new ArrayList<>())
                            .add((threads.getCurrentThreadAllocatedBytes() - bytesBefore) / (double) RECORDS);
                }
            }
            afterRound.run(round);
        }
        List<Double> baseline = rates.get(variants.get(0));
        for (Variant variant : variants) {
            report(variant.label(), rates.get(variant), variant == variants.get(0) ? null : baseline);
        }
        System.out.println("  per record (median): CPU of the calling thread and of a governed consumer's prepare "
                + "thread (a producer's network thread is not counted), bytes the calling thread allocated");
        for (Variant variant : variants) {
            System.out.printf(Locale.ROOT, "  %-68s %,6.0f + %,5.0f ns CPU %,7.0f bytes%n", variant.label(),
                    median(cpu.get(variant)), median(helperCpu.get(variant)), median(allocated.get(variant)));
        }
    }

    /**
     * The variants named by the system property {@code variants} (their numbers in the printed order, 0 being the
     * baseline, such as {@code 0,3}), to profile one variant apart from the others; all of them by default.
     */
    private static List<Variant> selected(List<Variant> all) {
        String chosen = System.getProperty("variants", "");
        if (chosen.isBlank()) {
            return all;
        }
        List<Variant> variants = new ArrayList<>();
        for (String number : chosen.split(",")) {
            int index = Integer.parseInt(number.strip());
            if (index < 0 || index >= all.size()) {
                throw new IllegalArgumentException("System property 'variants' names variant " + index + " but there "
                        + "are " + all.size() + " (0 to " + (all.size() - 1) + ")");
            }
            variants.add(all.get(index));
        }
        return variants;
    }

    /** Deletes a round's topics, so that long runs of large records do not fill the disk. */
    private static void deleteTopics(Stack kafka, String prefix) throws Exception {
        var admin = kafka.admin();
        List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
        admin.deleteTopics(topics).all().get();
    }

    /** The bytes of lineage and trace headers the governed producer adds to one record of the consume topic. */
    private static int headerBytes(Stack kafka, String topic) {
        var record = dev.headwater.testkit.HeadwaterEnvironment.read(kafka.bootstrapServers(), topic, 1,
                Duration.ofSeconds(30)).get(0);
        int bytes = 0;
        for (var header : record.headers()) {
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length) + 2;
        }
        return bytes;
    }

    static GenericRecord largeOrder(Schema schema) {
        GenericRecord order = SerdeBenchmark.order(schema);
        Schema item = schema.getField("lineItems").schema().getElementType();
        List<GenericRecord> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            GenericRecord line = new GenericData.Record(item);
            line.put("sku", "SKU-ABC-" + (100 + i));
            line.put("quantity", 1 + i % 3);
            line.put("unitPrice", 9.99 + i);
            line.put("description", "Stainless steel water bottle, 750 ml, colour " + i);
            items.add(line);
        }
        order.put("lineItems", items);
        return order;
    }

    private static void report(String name, List<Double> rates, List<Double> baseline) {
        double median = median(rates);
        String ratio = baseline == null ? "" : String.format(Locale.ROOT, "   ratio to baseline %.2f",
                median / median(baseline));
        System.out.printf(Locale.ROOT, "%-70s %,10.0f records/s (median of %d)%s%n", name, median, rates.size(), ratio);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double producePlain(Stack kafka, String topic, GenericRecord record,
            Serializer<GenericRecord> serializer) throws Exception {
        return produceWithHeaders(kafka, topic, record, serializer, headers -> { });
    }

    /** The lineage headers of the "lineage headers only" variant: what the governed producer stamps. */
    private static LineageStamp benchStamp() {
        return LineageStamp.builder("bench").applicationVersion("1.0").type("bench.Order")
                .owner("team-bench").tenant("bench").contract("bench.orders.produced.v1-value", "1.0.0")
                .schema("http://localhost:8081", 1).contentType("application/avro").build();
    }

    /** @return the headers {@link #benchStamp()} puts on one record */
    private static Headers stampedOnce() {
        Headers stamped = new RecordHeaders();
        benchStamp().stamp(stamped, null, null);
        return stamped;
    }

    /**
     * One header holding as many bytes (key and value) as all the lineage headers together: to tell Kafka's cost
     * per header from its cost per byte.
     */
    private static Header opaqueHeaderOfLineageSize() {
        int bytes = 0;
        for (Header header : stampedOnce()) {
            bytes += header.key().length() + header.value().length;
        }
        String key = "x-bench-opaque";
        return new RecordHeader(key, new byte[bytes - key.length()]);
    }

    /**
     * The four attributes the CloudEvents Kafka binding requires in binary mode, with the governed producer's values
     * (the id fixed): the least any producer following that convention writes per record.
     */
    private static List<Header> requiredCloudEventsHeaders() {
        Headers stamped = stampedOnce();
        List<Header> required = new ArrayList<>();
        for (String key : List.of(LineageHeaders.SPEC_VERSION, LineageHeaders.ID, LineageHeaders.SOURCE,
                LineageHeaders.TYPE)) {
            required.add(stamped.lastHeader(key));
        }
        return required;
    }

    private static double produceWithHeaders(Stack kafka, String topic, GenericRecord record,
            Serializer<GenericRecord> serializer, java.util.function.Consumer<Headers> addHeaders) throws Exception {
        kafka.createTopic(topic);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                serializer)) {
            SendFailures failures = new SendFailures(topic);
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<String, GenericRecord> r = new ProducerRecord<>(topic, "order-" + (i % 1000), record);
                addHeaders.accept(r.headers());
                producer.send(r, failures);
            }
            producer.flush();
            double rate = RECORDS / ((System.nanoTime() - start) / 1e9);
            failures.check();
            return rate;
        }
    }

    /** The contract with its CEL rules replaced by two that CEL's interpreter evaluates (outside the fast path). */
    private static DataContract interpreted(DataContract contract) {
        return withCelRules(contract, ValidatorBenchmark.INTERPRETED_CEL_RULES);
    }

    private static DataContract withoutRules(DataContract contract) {
        return DataContract.builder().subject(contract.subject()).version(contract.version()).owner(contract.owner())
                .schema(contract.schema()).rules(List.of()).build();
    }

    private static DataContract fieldRulesOnly(DataContract contract) {
        return withCelRules(contract, List.of());
    }

    /** The contract with its field rules and the given CEL rules instead of its own. */
    private static DataContract withCelRules(DataContract contract, List<ContractRule> celRules) {
        List<ContractRule> rules = new ArrayList<>(contract.rules().stream().filter(r -> !r.isExpression()).toList());
        rules.addAll(celRules);
        return DataContract.builder().subject(contract.subject()).version(contract.version()).owner(contract.owner())
                .schema(contract.schema()).rules(rules).build();
    }

    private static double produceGoverned(Stack kafka,
            DataContract contract, TenantPolicy tenant, String topic, GenericRecord record) {
        kafka.createTopic(topic);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(props).keySerializer(new StringSerializer()).schemaRegistry(kafka.registryUrl())
                .contract(contract).application("bench", "1.0").tenantPolicy(tenant).build()) {
            SendFailures failures = new SendFailures(topic);
            BiConsumer<SendResult, Throwable> callback = (result, error) -> failures.onCompletion(null,
                    error instanceof Exception e ? e : null);
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "order-" + (i % 1000), record), callback);
            }
            producer.flush();
            double rate = RECORDS / ((System.nanoTime() - start) / 1e9);
            failures.check();
            return rate;
        }
    }

    private static double consumePlain(Stack kafka, String topic, Schema schema) {
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
        Deserializer<GenericRecord> plain = (t, data) -> {
            try {
                // the plain baseline reads Avro after the 5-byte wire-format header, without a registry
                return reader.read(null, DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "plain-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "enable.auto.commit", false), new StringDeserializer(), plain)) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long start = System.nanoTime();
            while (read < RECORDS) {
                ConsumerRecords<String, GenericRecord> records = consumer.poll(Duration.ofMillis(200));
                for (var r : records) {
                    if (r.value() != null) {
                        read++;
                    }
                }
                consumer.commitSync();
            }
            return RECORDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double consumeGoverned(Stack kafka, DataContract contract, String topic) {
        return consumeGoverned(kafka, contract, topic, true);
    }

    private static double consumeGoverned(Stack kafka, DataContract contract, String topic, boolean readAhead) {
        AtomicInteger read = new AtomicInteger();
        GovernedConsumer.Builder<String, GenericRecord> builder = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "governed-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(kafka.registryUrl()).contract(contract)
                .topics(topic).handler(r -> read.incrementAndGet());
        if (!readAhead) {
            builder.readAhead(false); // otherwise the default: on with more than one processor
        }
        GovernedConsumer<String, GenericRecord> consumer = builder.build();
        try {
            long start = System.nanoTime();
            while (read.get() < RECORDS) {
                consumer.pollOnce(Duration.ofMillis(200));
            }
            double rate = RECORDS / ((System.nanoTime() - start) / 1e9);
            helperCpuNanos = cpuOfThreadsNamed("headwater-consumer-prepare-");
            return rate;
        } finally {
            consumer.closeNow();
        }
    }

    /** CPU time of the last governed consumer's prepare thread, counted with the calling thread's. */
    private static long helperCpuNanos;

    private static long cpuOfThreadsNamed(String prefix) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    static Serializer<GenericRecord> plainSerializer(Schema schema) {
        GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(schema);
        return (topic, data) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            try {
                writer.write(data, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serializer<GenericRecord> headwaterSerializer(Stack stack) {
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(stack.registryUrl()).build();
        return (Serializer) new AvroSerializer<>(client, AvroSerdeConfig.builder().urls(stack.registryUrl()).build(),
                false);
    }

    /**
     * Where the harness runs: the in-process broker and registry (the default), or, with {@code -Dbootstrap.servers}
     * and {@code -Dregistry.url}, a broker and registry in another process (such as {@code LocalStack}), so that the
     * broker can be given CPUs of its own ({@code taskset}) and its work is not counted against the clients'.
     */
    private static final class Stack implements AutoCloseable {
        private final EmbeddedKafkaCluster cluster;
        private final EmbeddedSchemaRegistry registry;
        private final String bootstrapServers;
        private final String registryUrl;
        private final Admin admin;

        private Stack(EmbeddedKafkaCluster cluster, EmbeddedSchemaRegistry registry, String bootstrapServers,
                String registryUrl) {
            this.cluster = cluster;
            this.registry = registry;
            this.bootstrapServers = bootstrapServers;
            this.registryUrl = registryUrl;
            this.admin = cluster != null ? cluster.admin() // owned by the cluster
                    : Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        }

        static Stack fromSystemProperties() {
            String bootstrap = System.getProperty("bootstrap.servers");
            if (bootstrap == null) {
                EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
                return new Stack(cluster, registry, cluster.bootstrapServers(), registry.url());
            }
            String registryUrl = System.getProperty("registry.url");
            if (registryUrl == null) {
                throw new IllegalArgumentException("-Dbootstrap.servers=" + bootstrap + " needs -Dregistry.url too "
                        + "(the schema registry of that stack, such as http://localhost:8081)");
            }
            return new Stack(null, null, bootstrap, registryUrl);
        }

        String bootstrapServers() {
            return bootstrapServers;
        }

        String registryUrl() {
            return registryUrl;
        }

        Admin admin() {
            return admin;
        }

        /** Creates a topic of 3 partitions unless it exists, and waits until every partition has a leader. */
        void createTopic(String name) {
            TopicCreation.createAndAwaitLeaders(admin, new NewTopic(name, 3, (short) 1), Duration.ofSeconds(30));
        }

        @Override
        public void close() {
            if (cluster == null) {
                admin.close();
                return;
            }
            registry.close();
            cluster.close();
        }

        @Override
        public String toString() {
            return cluster == null ? "broker at " + bootstrapServers + " (another process)"
                    : "in-process broker (1 node)";
        }
    }
}
