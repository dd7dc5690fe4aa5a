package dev.headwater.benchmarks;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Owner;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroDeserializer;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.TopicCreation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produce and consume throughput against the in-process broker (or one in another process), in one run, each variant
 * measured several times in alternation after a warm-up, so the ratios compare like with like. Every variant is
 * compared with the plain client (the baseline) and with the peer stack a team would otherwise assemble: a plain
 * client with a registry Avro serde (Headwater's, standing in for any) and OpenTelemetry's own Kafka instrumentation
 * ({@code opentelemetry-kafka-clients-2.6}), each with and without an OpenTelemetry SDK (always-on sampler, batch span
 * processor, an exporter that drops the spans).
 *
 * <ul>
 *   <li>produce: the baseline (plain producer, plain Avro), the peer stack without and with an SDK, a plain producer
 *       that adds only the compact lineage header (what lineage format 2 costs by itself), and the governed producer
 *       with a contract without rules and with everything on (8 field rules, 2 CEL rules, tenant guardrail, lineage,
 *       tracing), in lineage format 2 (compact) and format 1 (CloudEvents), without and with an SDK;</li>
 *   <li>consume, stack against stack: the baseline reads the plain producer's topic, the peer stack the peer
 *       producer's, the governed consumer (everything on) the governed producer's, with and without read-ahead,
 *       without and with an SDK, and in both lineage formats.</li>
 * </ul>
 *
 * <p>Per variant it prints records/s (median of the rounds) with ratios to the baseline and to the peer stack, the CPU
 * per record of the calling thread (plus a governed consumer's prepare thread) and of the whole process (broker
 * included when it runs in-process), what the calling thread allocated, and the bytes per record: header keys and
 * values, everything written (key, value, headers), and the log segments on the broker (from its log-dir
 * description).
 *
 * <p>Each round runs every variant once, starting with the next variant each round; round 0 warms up. Run:
 * {@code ./mvnw -q -pl benchmarks -am verify -DskipTests -Prun-throughput}. System properties: {@code records} per
 * variant and round (default 1,000,000, or 300,000 for large records: far more than a producer buffers, so the steady
 * state is measured), {@code rounds} (3), {@code record} ({@code small}: a 10-field order of 87 bytes; {@code large}:
 * the same with 12 line items, about 900 bytes), {@code compression} ({@code none}), {@code batch.size} (65536) and
 * {@code linger.ms} (5) for every producer, {@code only} ({@code produce} or {@code consume}), {@code variants}
 * (numbers in the printed order, such as {@code 0,3}: only those, to profile one; ratios are then to the first
 * named), and {@code bootstrap.servers} with {@code registry.url} to run against a broker and registry in another
 * process (such as {@code LocalStack}) instead of in-process ones.
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
    /** How many records of a topic are read to measure header and written bytes per record. */
    private static final int SAMPLE = 2_000;

    /** The order of {@link SerdeBenchmark#SCHEMA} with twelve line items, about 1 KB in Avro. */
    static final String LARGE_SCHEMA = SerdeBenchmark.SCHEMA.substring(0, SerdeBenchmark.SCHEMA.lastIndexOf(']'))
            + """
            ,{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"LineItem","fields":[
              {"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"unitPrice","type":"double"},
              {"name":"description","type":"string"}]}}}]}""";

    private ThroughputHarness() {
    }

    public static void main(String[] args) throws Exception {
        boolean large = "large".equals(System.getProperty("record"));
        Schema schema = new Schema.Parser().parse(large ? LARGE_SCHEMA : SerdeBenchmark.SCHEMA);
        GenericRecord record = large ? largeOrder(schema) : SerdeBenchmark.order(schema);
        int valueBytes = plainSerializer(schema).serialize("t", record).length;
        OpenTelemetry noSdk = OpenTelemetry.noop();
        try (Stack kafka = Stack.fromSystemProperties(); OpenTelemetrySdk sdk = benchSdk()) {
            List<ContractRule> rules = new ArrayList<>(ValidatorBenchmark.FIELD_RULES);
            rules.addAll(ValidatorBenchmark.CEL_RULES);
            String topicBase = "bench.orders.produced";
            DataContract contract = DataContract.builder().subject(topicBase + ".v1-value").version("1.0.0")
                    .owner(new Owner("team-bench", "")).schema(schema).rules(rules).build();
            TenantPolicy tenant = TenantPolicy.builder("bench").owns(List.of("{tenant}.*")).build();
            Governed everything = new Governed(contract, tenant, LineageFormat.COMPACT, noSdk);
            System.out.printf(Locale.ROOT, "Produce and consume %,d records of %s (%d bytes in Avro), %d rounds, "
                    + "%s, compression.type=%s for every producer%n", RECORDS,
                    large ? "an order with 12 line items" : "a 10-field order", valueBytes, ROUNDS,
                    kafka, PRODUCER.get("compression.type"));

            if (!"consume".equals(System.getProperty("only"))) {
                String base = "produce: ";
                CompactHeader compactOnly = new CompactHeader();
                List<Variant> variants = List.of(
                        new Variant(base + "plain KafkaProducer + plain Avro serializer (baseline)",
                                t -> produce(kafka, t, record, plainSerializer(schema), null, null)),
                        new Variant(base + "peer: KafkaProducer + registry serde + OTel instrumentation, no SDK",
                                t -> produce(kafka, t, record, headwaterSerializer(kafka), noSdk, null)),
                        new Variant(base + "peer: KafkaProducer + registry serde + OTel instrumentation, SDK on",
                                t -> produce(kafka, t, record, headwaterSerializer(kafka), sdk, null)),
                        new Variant(base + "plain KafkaProducer + registry serde + compact lineage header only",
                                t -> produce(kafka, t, record, headwaterSerializer(kafka), null, compactOnly)),
                        new Variant(base + "GovernedProducer, contract without rules, compact, no SDK",
                                t -> produceGoverned(kafka, everything.withContract(withoutRules(contract)), t,
                                        record)),
                        new Variant(base + "GovernedProducer, everything on, compact, no SDK",
                                t -> produceGoverned(kafka, everything, t, record)),
                        new Variant(base + "GovernedProducer, everything on, compact, SDK on",
                                t -> produceGoverned(kafka, everything.withTelemetry(sdk), t, record)),
                        new Variant(base + "GovernedProducer, everything on, CloudEvents, no SDK",
                                t -> produceGoverned(kafka, everything.withFormat(LineageFormat.CLOUDEVENTS), t,
                                        record)),
                        new Variant(base + "GovernedProducer, everything on, CloudEvents, SDK on",
                                t -> produceGoverned(kafka, everything.withFormat(LineageFormat.CLOUDEVENTS)
                                        .withTelemetry(sdk), t, record)));
                String run = topicBase + "." + UUID.randomUUID().toString().substring(0, 6);
                TopicPlan topics = (round, variant) -> run + "." + round + "." + variant;
                measure(kafka, variants, topics, round -> {
                    for (int i = 0; i < variants.size(); i++) {
                        kafka.createTopic(topics.topic(round, i)); // all before the round, so each is ready in time
                    }
                }, round -> deleteTopics(kafka, run + "." + round + "."), 1, 2);
            }
            if ("produce".equals(System.getProperty("only"))) {
                return;
            }
            // topics of their own per run, so that runs against a stack in another process do not meet the last's
            String suffix = UUID.randomUUID().toString().substring(0, 6);
            String plainTopic = "bench.orders.plain.v1." + suffix;
            String peerTopic = "bench.orders.peer.v1." + suffix;
            String peerSdkTopic = "bench.orders.peersdk.v1." + suffix;
            String compactTopic = "bench.orders.compact.v1." + suffix;
            String compactSdkTopic = "bench.orders.compactsdk.v1." + suffix;
            String cloudEventsTopic = "bench.orders.cloudevents.v1." + suffix;
            produce(kafka, plainTopic, record, plainSerializer(schema), null, null);
            produce(kafka, peerTopic, record, headwaterSerializer(kafka), noSdk, null);
            produce(kafka, peerSdkTopic, record, headwaterSerializer(kafka), sdk, null);
            produceGoverned(kafka, everything, compactTopic, record);
            produceGoverned(kafka, everything.withTelemetry(sdk), compactSdkTopic, record);
            produceGoverned(kafka, everything.withFormat(LineageFormat.CLOUDEVENTS), cloudEventsTopic, record);
            String base = "consume: ";
            List<Variant> variants = List.of(
                    new Variant(base + "plain KafkaConsumer + plain Avro, plain topic (baseline)",
                            t -> consumePlain(kafka, plainTopic, schema)),
                    new Variant(base + "peer: KafkaConsumer + registry serde + OTel instrumentation, no SDK",
                            t -> consumePeer(kafka, peerTopic, noSdk)),
                    new Variant(base + "peer: KafkaConsumer + registry serde + OTel instrumentation, SDK on",
                            t -> consumePeer(kafka, peerSdkTopic, sdk)),
                    new Variant(base + "GovernedConsumer, everything on, compact, read-ahead, no SDK",
                            t -> consumeGoverned(kafka, contract, compactTopic, true, noSdk)),
                    new Variant(base + "GovernedConsumer, everything on, compact, read-ahead, SDK on",
                            t -> consumeGoverned(kafka, contract, compactSdkTopic, true, sdk)),
                    new Variant(base + "GovernedConsumer, everything on, compact, without read-ahead, no SDK",
                            t -> consumeGoverned(kafka, contract, compactTopic, false, noSdk)),
                    new Variant(base + "GovernedConsumer, everything on, CloudEvents, read-ahead, no SDK",
                            t -> consumeGoverned(kafka, contract, cloudEventsTopic, true, noSdk)));
            Map<Integer, String> read = Map.of(0, plainTopic, 1, peerTopic, 2, peerSdkTopic, 3, compactTopic,
                    4, compactSdkTopic, 5, compactTopic, 6, cloudEventsTopic);
            measure(kafka, variants, (round, variant) -> read.get(variant), round -> { }, round -> { }, 1, 2);
            deleteTopics(kafka, "bench.orders.");
        }
    }

    /** An OpenTelemetry SDK as a production service would run one: every span sampled, batched, and here dropped. */
    private static OpenTelemetrySdk benchSdk() {
        SpanExporter dropping = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                        .addSpanProcessor(BatchSpanProcessor.builder(dropping).build()).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    /** What a governed variant enforces and how it writes lineage and telemetry. */
    private record Governed(DataContract contract, TenantPolicy tenant, LineageFormat format,
            OpenTelemetry telemetry) {
        Governed withContract(DataContract other) {
            return new Governed(other, tenant, format, telemetry);
        }

        Governed withFormat(LineageFormat other) {
            return new Governed(contract, tenant, other, telemetry);
        }

        Governed withTelemetry(OpenTelemetry other) {
            return new Governed(contract, tenant, format, other);
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

    /** Bytes per record of one topic: header keys and values, all that was written, the broker's log segments. */
    private record Bytes(double headers, double written, double log) {
    }

    /**
     * Runs every variant once per round (round 0 warms up and is not counted), starting each round with the next
     * variant so that no variant always runs first or last, then prints the median of each and its ratios to the
     * baseline's median and to the peer stack's (without and with an SDK, the variants at {@code peer} and
     * {@code peerSdk}). Bytes per record are measured on each variant's topic of round 1.
     */
    private static void measure(Stack kafka, List<Variant> all, TopicPlan topics, RoundStep beforeRound,
            RoundStep afterRound, int peer, int peerSdk) throws Exception {
        List<Variant> variants = selected(all);
        Map<Variant, List<Double>> rates = new LinkedHashMap<>();
        Map<Variant, List<Double>> cpu = new HashMap<>();
        Map<Variant, List<Double>> helperCpu = new HashMap<>();
        Map<Variant, List<Double>> processCpu = new HashMap<>();
        Map<Variant, List<Double>> allocated = new HashMap<>();
        Map<Variant, Bytes> bytes = new HashMap<>();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int round = 0; round <= ROUNDS; round++) {
            beforeRound.run(round);
            for (int i = 0; i < variants.size(); i++) {
                int index = (i + round) % variants.size();
                Variant variant = variants.get(index);
                String topic = topics.topic(round, all.indexOf(variant));
                helperCpuNanos = 0;
                long cpuBefore = threads.getCurrentThreadCpuTime();
                long processBefore = os.getProcessCpuTime();
                long bytesBefore = threads.getCurrentThreadAllocatedBytes();
                double rate = variant.run().on(topic);
                if (round > 0) {
                    rates.computeIfAbsent(variant, v -> new ArrayList<>()).add(rate);
                    cpu.computeIfAbsent(variant, v -> new ArrayList<>())
                            .add((threads.getCurrentThreadCpuTime() - cpuBefore) / (double) RECORDS);
                    processCpu.computeIfAbsent(variant, v -> new ArrayList<>())
                            .add((os.getProcessCpuTime() - processBefore) / (double) RECORDS);
                    helperCpu.computeIfAbsent(variant, v -> new ArrayList<>()).add(helperCpuNanos / (double) RECORDS);
                    allocated.computeIfAbsent(variant, v -> new ArrayList<>())
                            .add((threads.getCurrentThreadAllocatedBytes() - bytesBefore) / (double) RECORDS);
                }
                if (round == 1) {
                    bytes.put(variant, bytes(kafka, topic));
                }
            }
            afterRound.run(round);
        }
        double baseline = median(rates.get(variants.get(0)));
        Double peerRate = rates.containsKey(all.get(peer)) ? median(rates.get(all.get(peer))) : null;
        Double peerSdkRate = rates.containsKey(all.get(peerSdk)) ? median(rates.get(all.get(peerSdk))) : null;
        System.out.printf(Locale.ROOT, "  %-72s %11s %6s %6s %6s%n", "variant (median of " + ROUNDS + " rounds)",
                "records/s", "/base", "/peer", "/peer+");
        for (Variant variant : variants) {
            double rate = median(rates.get(variant));
            System.out.printf(Locale.ROOT, "  %-72s %,11.0f %6.2f %6s %6s%n", variant.label(), rate, rate / baseline,
                    peerRate == null ? "-" : String.format(Locale.ROOT, "%.2f", rate / peerRate),
                    peerSdkRate == null ? "-" : String.format(Locale.ROOT, "%.2f", rate / peerSdkRate));
        }
        System.out.println("  /peer: ratio to the peer stack without an SDK; /peer+: with an SDK on");
        System.out.printf(Locale.ROOT, "  %-72s %9s %9s %9s %8s %8s %8s%n", "per record (median)", "thread ns",
                "+helper", "process", "alloc B", "hdr B", "wire B");
        for (Variant variant : variants) {
            Bytes b = bytes.get(variant);
            System.out.printf(Locale.ROOT, "  %-72s %,9.0f %,9.0f %,9.0f %,8.0f %8.1f %8.1f  log %6.1f B%n",
                    variant.label(), median(cpu.get(variant)), median(helperCpu.get(variant)),
                    median(processCpu.get(variant)), median(allocated.get(variant)), b.headers(), b.written(),
                    b.log());
        }
        System.out.println("  thread: CPU of the calling thread; +helper: of a governed consumer's prepare thread; "
                + "process: of every thread (broker included when in-process); hdr: header keys and values; wire: "
                + "key, value and headers; log: the broker's log segments for the topic (batch headers included)");
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

    /**
     * Measures bytes per record of a topic: header and written bytes from the last {@link #SAMPLE} records of each
     * partition (after a producer's descriptor was published), log bytes from the brokers' log-dir descriptions
     * divided by the records the topic holds.
     */
    private static Bytes bytes(Stack kafka, String topic) throws Exception {
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "enable.auto.commit", false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            long held = 0;
            for (TopicPartition partition : partitions) {
                reader.seek(partition, Math.max(0, end.get(partition) - SAMPLE / partitions.size()));
                held += end.get(partition);
            }
            long headerBytes = 0;
            long writtenBytes = 0;
            int sampled = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (sampled < SAMPLE && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    long h = 0;
                    for (Header header : record.headers()) {
                        h += header.key().length() + (header.value() == null ? 0 : header.value().length);
                    }
                    headerBytes += h;
                    writtenBytes += h + Math.max(0, record.serializedKeySize())
                            + Math.max(0, record.serializedValueSize());
                    sampled++;
                }
            }
            long log = logBytes(kafka.admin(), topic);
            return new Bytes(headerBytes / (double) sampled, writtenBytes / (double) sampled, log / (double) held);
        }
    }

    private static long logBytes(Admin admin, String topic) throws Exception {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
        long size = 0;
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (replica.getKey().topic().equals(topic)) {
                        size += replica.getValue().size();
                    }
                }
            }
        }
        return size;
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

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * The "compact lineage header only" variant: the header the governed producer stamps in format 2 once its
     * descriptor is published, on a plain producer that does nothing else.
     */
    private static final class CompactHeader implements java.util.function.Consumer<Headers> {
        private final LineageStamp stamp = LineageStamp.builder("bench").applicationVersion("1.0")
                .type("bench.Order").owner("team-bench").tenant("bench")
                .contract("bench.orders.produced.v1-value", "1.0.0").schema("http://localhost:8081", 1)
                .contentType("application/avro").build();

        CompactHeader() {
            stamp.descriptorPublished();
        }

        @Override
        public void accept(Headers headers) {
            stamp.stamp(headers, null, null);
        }
    }

    /**
     * A plain KafkaProducer: with {@code telemetry}, wrapped by OpenTelemetry's Kafka instrumentation (the peer
     * stack); with {@code addHeaders}, adding those headers to each record.
     */
    private static double produce(Stack kafka, String topic, GenericRecord record,
            Serializer<GenericRecord> serializer, OpenTelemetry telemetry,
            java.util.function.Consumer<Headers> addHeaders) throws Exception {
        kafka.createTopic(topic);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        Producer<String, GenericRecord> plain = new KafkaProducer<>(props, new StringSerializer(), serializer);
        try (Producer<String, GenericRecord> producer = telemetry == null ? plain
                : KafkaTelemetry.create(telemetry).wrap(plain)) {
            SendFailures failures = new SendFailures(topic);
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<String, GenericRecord> r = new ProducerRecord<>(topic, "order-" + (i % 1000), record);
                if (addHeaders != null) {
                    addHeaders.accept(r.headers());
                }
                producer.send(r, failures);
            }
            producer.flush();
            double rate = RECORDS / ((System.nanoTime() - start) / 1e9);
            failures.check();
            return rate;
        }
    }

    private static DataContract withoutRules(DataContract contract) {
        return DataContract.builder().subject(contract.subject()).version(contract.version()).owner(contract.owner())
                .schema(contract.schema()).rules(List.of()).build();
    }

    /**
     * The governed producer. It is measured once its lineage descriptor is published (a few milliseconds after it is
     * built), so that a run measures the steady state, where records refer to the descriptor instead of carrying it.
     */
    private static double produceGoverned(Stack kafka, Governed governed, String topic, GenericRecord record) {
        kafka.createTopic(topic);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(props).keySerializer(new StringSerializer()).schemaRegistry(kafka.registryUrl())
                .contract(governed.contract()).application("bench", "1.0").tenantPolicy(governed.tenant())
                .lineageFormat(governed.format()).openTelemetry(governed.telemetry()).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (governed.format() == LineageFormat.COMPACT && producer.lineage().carriesDescriptorInline()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the governed producer's lineage descriptor was not published "
                            + "within 30 s; see its log");
                }
                Thread.onSpinWait();
            }
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
                return reader.read(null, DecoderFactory.get().binaryDecoder(data, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return consume(new KafkaConsumer<>(consumerProperties(kafka, "plain"), new StringDeserializer(), plain),
                topic);
    }

    /** The peer stack: a plain consumer with a registry serde, wrapped by OpenTelemetry's Kafka instrumentation. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static double consumePeer(Stack kafka, String topic, OpenTelemetry telemetry) {
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(kafka.registryUrl()).build();
        Deserializer<GenericRecord> serde = (Deserializer) new AvroDeserializer<>(client,
                AvroSerdeConfig.builder().urls(kafka.registryUrl()).build(), false);
        KafkaConsumer<String, GenericRecord> plain = new KafkaConsumer<>(consumerProperties(kafka, "peer"),
                new StringDeserializer(), serde);
        return consume(KafkaTelemetry.create(telemetry).wrap(plain), topic);
    }

    private static Map<String, Object> consumerProperties(Stack kafka, String group) {
        return Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group + "-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "enable.auto.commit", false);
    }

    private static double consume(Consumer<String, GenericRecord> consumer, String topic) {
        try (consumer) {
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

    private static double consumeGoverned(Stack kafka, DataContract contract, String topic, boolean readAhead,
            OpenTelemetry telemetry) {
        AtomicInteger read = new AtomicInteger();
        GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "governed-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(kafka.registryUrl()).contract(contract)
                .topics(topic).handler(r -> read.incrementAndGet()).readAhead(readAhead).openTelemetry(telemetry)
                .build();
        try {
            long start = System.nanoTime();
            while (read.get() < RECORDS) {
                consumer.pollOnce(Duration.ofMillis(200));
            }
            double rate = RECORDS / ((System.nanoTime() - start) / 1e9);
            helperCpuNanos = cpuOfThreadsNamed("headwater-consumer-prepare-");
            return rate;
        } finally {
            consumer.close();
        }
    }

    /** CPU time of the last governed consumer's prepare thread, counted with the calling thread's. */
    private static long helperCpuNanos;

    private static long cpuOfThreadsNamed(String prefix) {
        var threads = ManagementFactory.getThreadMXBean();
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

        /** Creates a topic of 3 partitions unless it exists, and waits until the leader of each answers. */
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
