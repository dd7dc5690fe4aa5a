package dev.headwater.benchmarks;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.FieldInfo;
import dev.headwater.contract.Owner;
import dev.headwater.contract.Protection;
import dev.headwater.contract.RuleMode;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.producer.SendResult;
import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import dev.headwater.registry.SchemaDefinition;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.TopicCreation;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
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
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
 * Produce and consume throughput of Headwater against the plain client (the baseline) and against the peer stack a team
 * would otherwise assemble: a plain client with Apicurio Registry's Avro serde in Confluent's wire format and
 * OpenTelemetry's own Kafka instrumentation ({@code opentelemetry-kafka-clients-2.6}), each without and with an
 * OpenTelemetry SDK (always-on sampler, batch span processor, an exporter that drops the spans).
 *
 * <p><b>How it measures.</b> By default each run of a variant is a JVM of its own (as JMH forks), started by this one,
 * which holds the broker and the registry (in-process, or in another process with {@code -Dbootstrap.servers} and
 * {@code -Dregistry.url}): the variants' JIT profiles do not meet, and the broker's work is not counted as the
 * client's. The child JVM warms up with a client of its own ({@code warmup} records), then builds a fresh client, as an
 * application does, and times {@code records} records. Variants alternate (each round starts with the next variant),
 * and every run is reported, then the median of each variant and its ratio to the baseline and the peer stack of the
 * same round. After each produce run this JVM reads the whole topic back: the header bytes most records carry (the
 * steady state), the share of records that carried more (a lineage descriptor inline, for instance), the bytes written
 * per record (key, value, headers) and the broker's log bytes per record (batch headers included). With
 * {@code -Dfork=false} every variant runs in this JVM instead, as before, to show how variants sharing a JVM distort
 * each other.
 *
 * <ul>
 *   <li>produce: 0 the baseline (plain producer, plain Avro), 1-2 the peer stack without and with an SDK, 3 a plain
 *       producer with Apicurio's serde that adds only the compact lineage header, 4 the governed producer with a
 *       contract without rules, 5-6 with everything on (8 field rules, 2 CEL rules, tenant guardrail, lineage,
 *       tracing) in lineage format 2 without and with an SDK, 7-8 the same in format 1 (CloudEvents);</li>
 *   <li>consume, stack against stack: 0 the baseline reads the plain producer's topic, 1-2 the peer stack the peer
 *       producer's, 3-4 the governed consumer (everything on) the governed producer's with read-ahead, without and with
 *       an SDK, 5 without read-ahead, 6 in lineage format 1, 7 with the contract's rules producer-enforced
 *       ({@code mode: WRITE}: not checked again on read).</li>
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am verify -DskipTests -Prun-throughput -Dthroughput.args="..."}. System
 * properties: {@code records} per run (default 1,000,000, or 300,000 for large records: far more than a producer
 * buffers, so the steady state is measured), {@code warmup} (records per warm-up run: 300,000, or 100,000 for large
 * records) and {@code warmup.seconds} (10: warm-up runs repeat at least this long), {@code rounds}
 * (3), {@code record} ({@code small}: a 10-field order of 87 bytes; {@code large}: the same with 12 line items, about
 * 900 bytes), {@code compression} ({@code none}), {@code batch.size} (65536) and {@code linger.ms} (5) for every
 * producer, {@code only} ({@code produce} or {@code consume}), {@code variants} (numbers, such as {@code 0,1,5}: only
 * those; ratios are then to the first named when the baseline is not among them), {@code fork} ({@code true}),
 * {@code child.jvm.args} (for every child JVM, such as {@code -XX:+UseParallelGC}), {@code child.cpus} (a CPU list for
 * {@code taskset}, such as {@code 0}: the child JVMs on those CPUs only), and {@code bootstrap.servers} with
 * {@code registry.url} for a broker and registry in another process (such as {@code LocalStack}), and
 * {@code before.classpath} (with {@code before.variants} and {@code before.label}) to measure variants on an earlier
 * build in the same run (see {@code withBefore}).
 */
public final class ThroughputHarness {

    private static final boolean LARGE = "large".equals(System.getProperty("record"));
    /**
     * Records per timed run. The default is many times what fits in a producer's {@code buffer.memory} (32 MiB), so a
     * run measures the steady state and not how fast {@code send} fills the buffer.
     */
    private static final int RECORDS = Integer.getInteger("records", LARGE ? 300_000 : 1_000_000);
    /**
     * Records per warm-up run: a child JVM repeats warm-up runs, each with a client of its own, for at least
     * {@link #WARMUP_SECONDS}, so that its JIT has compiled the hot paths before the timed run (on two cores, a JIT still
     * compiling takes CPU from the run).
     */
    private static final int WARMUP = Integer.getInteger("warmup", LARGE ? 100_000 : 300_000);
    private static final int WARMUP_SECONDS = Integer.getInteger("warmup.seconds", 10);
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final Map<String, Object> PRODUCER = Map.of("acks", "all", "enable.idempotence", true,
            "linger.ms", Integer.getInteger("linger.ms", 5), "batch.size", Integer.getInteger("batch.size", 65536),
            "compression.type", System.getProperty("compression", "none"));
    private static final String CHILD = "harness.child";
    private static final String RESULT = "RESULT ";
    /** What a child prints as its timed run starts: the harness reads its own CPU time then, and at the result. */
    private static final String TIMED = "TIMED";

    /** The order of {@link SerdeBenchmark#SCHEMA} with twelve line items, about 1 KB in Avro. */
    static final String LARGE_SCHEMA = SerdeBenchmark.SCHEMA.substring(0, SerdeBenchmark.SCHEMA.lastIndexOf(']'))
            + """
            ,{"name":"lineItems","type":{"type":"array","items":{"type":"record","name":"LineItem","fields":[
              {"name":"sku","type":"string"},{"name":"quantity","type":"int"},{"name":"unitPrice","type":"double"},
              {"name":"description","type":"string"}]}}}]}""";

    /** The produce variants' numbers the report's checks refer to. */
    private static final int BASELINE = 0;
    private static final int PEER = 1;
    private static final int PEER_SDK = 2;
    private static final int GOVERNED = 5;
    private static final int GOVERNED_SDK = 6;

    private ThroughputHarness() {
    }

    public static void main(String[] args) throws Exception {
        // the clients' INFO (their whole configuration, each time one is built) would bury the figures
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        String child = System.getProperty(CHILD);
        if (child != null) {
            runChild(child);
            return;
        }
        boolean fork = Boolean.parseBoolean(System.getProperty("fork", "true"));
        try (Stack kafka = Stack.fromSystemProperties(); Setup setup = new Setup(kafka)) {
            System.out.printf(Locale.ROOT, "Produce and consume %,d records of %s (%d bytes in Avro) per run, %d "
                    + "rounds, %s, compression.type=%s for every producer, %s%n", RECORDS,
                    LARGE ? "an order with 12 line items" : "a 10-field order", setup.valueBytes, ROUNDS, kafka,
                    PRODUCER.get("compression.type"), fork ? "each run a JVM of its own after " + String.format(
                            Locale.ROOT, "%,d", WARMUP) + "-record warm-up runs (at least " + WARMUP_SECONDS
                            + " s) with clients of their own"
                            : "every variant in this JVM, round 0 warming up");
            String only = System.getProperty("only", "");
            if (!only.equals("consume")) {
                List<Variant> variants = withBefore(produceVariants(setup), "produce");
                String run = "bench.orders.produced." + UUID.randomUUID().toString().substring(0, 6);
                TopicPlan topics = (round, variant) -> run + "." + round + "." + variant;
                Report report = fork ? forked("produce", variants, topics, setup)
                        : inOneJvm(variants, topics, setup);
                report.print(variants);
                report.printBeforeAfter(variants);
                report.printChecks(variants);
            }
            if (!only.equals("produce")) {
                Map<Integer, String> inputs = produceInputs(setup);
                List<Variant> variants = withBefore(consumeVariants(setup), "consume");
                TopicPlan topics = (round, variant) -> inputs.get(variants.get(variant).source() < 0 ? variant
                        : variants.get(variant).source());
                Report report = fork ? forked("consume", variants, topics, setup) : inOneJvm(variants, topics, setup);
                report.print(variants);
                report.printBeforeAfter(variants);
                report.printConsumeChecks(variants);
                deleteTopics(kafka, "bench.orders.");
            }
        }
    }

    // ----- the variants -----

    /** What every variant uses: the record, the contract, the tenant, an OpenTelemetry SDK, the stack. */
    private static final class Setup implements AutoCloseable {
        final Stack kafka;
        final Schema schema;
        final GenericRecord record;
        final int valueBytes;
        final DataContract contract;
        final Governed everything;
        final OpenTelemetry noSdk = OpenTelemetry.noop();
        /** Created on first use: a variant without an SDK never loads one. */
        private OpenTelemetrySdk sdk;

        Setup(Stack kafka) {
            this.kafka = kafka;
            this.schema = new Schema.Parser().parse(LARGE ? LARGE_SCHEMA : SerdeBenchmark.SCHEMA);
            this.record = LARGE ? largeOrder(schema) : SerdeBenchmark.order(schema);
            this.valueBytes = plainSerializer(schema).serialize("t", record).length;
            List<ContractRule> rules = new ArrayList<>(ValidatorBenchmark.FIELD_RULES);
            rules.addAll(ValidatorBenchmark.CEL_RULES);
            this.contract = DataContract.builder().subject("bench.orders.produced.v1-value").version("1.0.0")
                    .owner(new Owner("team-bench", "")).schema(schema).rules(rules).build();
            TenantPolicy tenant = TenantPolicy.builder("bench").owns(List.of("{tenant}.*")).build();
            this.everything = new Governed(contract, tenant, LineageFormat.COMPACT, noSdk);
        }

        synchronized OpenTelemetry sdk() {
            if (sdk == null) {
                sdk = benchSdk();
            }
            return sdk;
        }

        @Override
        public synchronized void close() {
            if (sdk != null) {
                sdk.close();
            }
        }
    }

    private static List<Variant> produceVariants(Setup s) {
        String base = "produce: ";
        Stack kafka = s.kafka;
        Governed everything = s.everything;
        return List.of(
                new Variant(base + "plain KafkaProducer + plain Avro serializer (baseline)",
                        (t, n) -> produce(kafka, t, n, s.record, plainSerializer(s.schema), null, null)),
                new Variant(base + "peer: KafkaProducer + Apicurio serde + OTel instrumentation, no SDK",
                        (t, n) -> produce(kafka, t, n, s.record, apicurioSerializer(kafka), s.noSdk, null)),
                new Variant(base + "peer: KafkaProducer + Apicurio serde + OTel instrumentation, SDK on",
                        (t, n) -> produce(kafka, t, n, s.record, apicurioSerializer(kafka), s.sdk(), null)),
                new Variant(base + "plain KafkaProducer + Apicurio serde + compact lineage header only",
                        (t, n) -> produce(kafka, t, n, s.record, apicurioSerializer(kafka), null,
                                new CompactHeader())),
                new Variant(base + "GovernedProducer, contract without rules, compact, no SDK",
                        (t, n) -> produceGoverned(kafka, everything.withContract(withoutRules(s.contract)), t, n,
                                s.record)),
                new Variant(base + "GovernedProducer, everything on, compact, no SDK",
                        (t, n) -> produceGoverned(kafka, everything, t, n, s.record)),
                new Variant(base + "GovernedProducer, everything on, compact, SDK on",
                        (t, n) -> produceGoverned(kafka, everything.withTelemetry(s.sdk()), t, n, s.record)),
                new Variant(base + "GovernedProducer, everything on, CloudEvents, no SDK",
                        (t, n) -> produceGoverned(kafka, everything.withFormat(LineageFormat.CLOUDEVENTS), t, n,
                                s.record)),
                new Variant(base + "GovernedProducer, everything on, CloudEvents, SDK on",
                        (t, n) -> produceGoverned(kafka, everything.withFormat(LineageFormat.CLOUDEVENTS)
                                .withTelemetry(s.sdk()), t, n, s.record)),
                new Variant(base + "GovernedProducer, everything on, compact, no SDK, 2 of 10 fields protected",
                        (t, n) -> produceGoverned(kafka, everything.protecting2Of10Fields(), t, n, s.record)));
    }

    /** The topics the consume variants read, by variant: each written by its own stack's producer. */
    private static Map<Integer, String> produceInputs(Setup s) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        Map<Integer, String> inputs = new HashMap<>();
        Stack kafka = s.kafka;
        int records = RECORDS;
        String plain = "bench.orders.plain.v1." + suffix;
        produce(kafka, plain, records, s.record, plainSerializer(s.schema), null, null);
        String peer = "bench.orders.peer.v1." + suffix;
        kafka.registerFor(peer, s.schema);
        produce(kafka, peer, records, s.record, apicurioSerializer(kafka), s.noSdk, null);
        String peerSdk = "bench.orders.peersdk.v1." + suffix;
        kafka.registerFor(peerSdk, s.schema);
        produce(kafka, peerSdk, records, s.record, apicurioSerializer(kafka), s.sdk(), null);
        String compact = "bench.orders.compact.v1." + suffix;
        produceGoverned(kafka, s.everything, compact, records, s.record);
        String compactSdk = "bench.orders.compactsdk.v1." + suffix;
        produceGoverned(kafka, s.everything.withTelemetry(s.sdk()), compactSdk, records, s.record);
        String cloudEvents = "bench.orders.cloudevents.v1." + suffix;
        produceGoverned(kafka, s.everything.withFormat(LineageFormat.CLOUDEVENTS), cloudEvents, records, s.record);
        inputs.putAll(Map.of(0, plain, 1, peer, 2, peerSdk, 3, compact, 4, compactSdk, 5, compact, 6, cloudEvents,
                7, compact));
        return inputs;
    }

    private static List<Variant> consumeVariants(Setup s) {
        String base = "consume: ";
        Stack kafka = s.kafka;
        return List.of(
                new Variant(base + "plain KafkaConsumer + plain Avro, plain topic (baseline)",
                        (t, n) -> consumePlain(kafka, t, n, s.schema)),
                new Variant(base + "peer: KafkaConsumer + Apicurio serde + OTel instrumentation, no SDK",
                        (t, n) -> consumePeer(kafka, t, n, s.noSdk)),
                new Variant(base + "peer: KafkaConsumer + Apicurio serde + OTel instrumentation, SDK on",
                        (t, n) -> consumePeer(kafka, t, n, s.sdk())),
                new Variant(base + "GovernedConsumer, everything on, compact, read-ahead, no SDK",
                        (t, n) -> consumeGoverned(kafka, s.contract, t, n, true, s.noSdk)),
                new Variant(base + "GovernedConsumer, everything on, compact, read-ahead, SDK on",
                        (t, n) -> consumeGoverned(kafka, s.contract, t, n, true, s.sdk())),
                new Variant(base + "GovernedConsumer, everything on, compact, without read-ahead, no SDK",
                        (t, n) -> consumeGoverned(kafka, s.contract, t, n, false, s.noSdk)),
                new Variant(base + "GovernedConsumer, everything on, CloudEvents, read-ahead, no SDK",
                        (t, n) -> consumeGoverned(kafka, s.contract, t, n, true, s.noSdk)),
                new Variant(base + "GovernedConsumer, rules producer-enforced (mode WRITE), compact, no SDK",
                        (t, n) -> consumeGoverned(kafka, writeOnly(s.contract), t, n, true, s.noSdk)));
    }

    // ----- running them -----

    /** One thing measured: its label and how to run it on a topic for a number of records, returning records/s. */
    /**
     * A variant: its label and how it runs. {@code source} is the number a child JVM runs it as and {@code classpath}
     * that JVM's class path: another build's for a variant measured "before" ({@code before.classpath}), else null
     * for this JVM's.
     */
    private record Variant(String label, Run run, int source, String classpath) {
        Variant(String label, Run run) {
            this(label, run, -1, null);
        }
    }

    /**
     * With {@code before.classpath} (the class path of this harness built against an earlier Headwater, such as the
     * commit before a change) the variants {@code before.variants} names (by default the governed ones) run a second
     * time each round in JVMs on that class path, so that before and after are measured in one run, each against
     * the same round's baseline.
     */
    private static List<Variant> withBefore(List<Variant> variants, String kind) {
        String classpath = System.getProperty("before.classpath", "");
        if (classpath.isBlank()) {
            return variants;
        }
        String label = System.getProperty("before.label", "before");
        String named = System.getProperty("before.variants", kind.equals("produce") ? "4,5,6" : "3,4");
        List<Variant> all = new ArrayList<>(variants);
        for (String number : named.split(",")) {
            int source = Integer.parseInt(number.strip());
            Variant original = variants.get(source);
            all.add(new Variant(original.label() + " [" + label + "]", original.run(), source, classpath));
        }
        return all;
    }

    @FunctionalInterface
    private interface Run {
        double on(String topic, int records) throws Exception;
    }

    /** The topic a variant uses in a round. */
    @FunctionalInterface
    private interface TopicPlan {
        String topic(int round, int variant);
    }

    /**
     * What one timed run measured: records/s, per record CPU and allocation, the bytes of its topic, and (with a JVM
     * per run) the CPU the harness's JVM, which holds the broker and the registry, spent per record meanwhile.
     */
    private record Run1(double rate, double threadNs, double helperNs, double processNs, double allocated,
            Bytes bytes, double brokerNs) {
        Run1(double rate, double threadNs, double helperNs, double processNs, double allocated, Bytes bytes) {
            this(rate, threadNs, helperNs, processNs, allocated, bytes, Double.NaN);
        }

        Run1 withBytes(Bytes read) {
            return new Run1(rate, threadNs, helperNs, processNs, allocated, read, brokerNs);
        }
    }

    /**
     * Bytes per record of a produced topic: the header bytes (keys and values) most records carry, the share of records
     * that carry their lineage descriptor inline (about 150 header bytes more), all that was written (key, value,
     * headers) and the broker's log segments.
     */
    private record Bytes(int steadyHeaders, double inline, double written, double log) {
    }

    /**
     * Runs each selected variant once per round in a JVM of its own, in an order that starts with the next variant each
     * round, printing every run as it ends.
     */
    private static Report forked(String kind, List<Variant> all, TopicPlan topics, Setup setup) throws Exception {
        List<Integer> selected = selected(all);
        if (kind.equals("produce")) {
            warmBroker(setup);
        } else {
            // the broker's fetch path too: each input is read back once before the first run
            for (int variant : selected) {
                bytes(setup.kafka, topics.topic(1, variant));
            }
        }
        Report report = new Report(kind, selected);
        for (int round = 1; round <= ROUNDS; round++) {
            for (int i = 0; i < selected.size(); i++) {
                int variant = selected.get((i + round - 1) % selected.size());
                String topic = topics.topic(round, variant);
                String warmupTopic = topic;
                if (kind.equals("produce")) {
                    warmupTopic = topic + ".warmup";
                    setup.kafka.createTopic(topic);
                    setup.kafka.createTopic(warmupTopic);
                    setup.kafka.registerFor(topic, setup.schema);
                    setup.kafka.registerFor(warmupTopic, setup.schema);
                }
                Run1 run = child(kind, variant, all.get(variant), topic, warmupTopic, setup.kafka);
                if (kind.equals("produce")) {
                    run = run.withBytes(bytes(setup.kafka, topic));
                    setup.kafka.admin().deleteTopics(List.of(topic, warmupTopic)).all().get();
                }
                report.add(variant, round, run);
                report.printRun(all.get(variant), variant, round, run);
            }
        }
        return report;
    }

    /**
     * Warms the broker (and this JVM's reading back) up before the first run, so that the first round does not
     * measure a cold broker: a plain producer writes as many records as a run, and they are read back.
     */
    private static void warmBroker(Setup setup) throws Exception {
        String topic = "bench.orders.warmup." + UUID.randomUUID().toString().substring(0, 6);
        produce(setup.kafka, topic, RECORDS, setup.record, plainSerializer(setup.schema), null, null);
        bytes(setup.kafka, topic);
        setup.kafka.admin().deleteTopics(List.of(topic)).all().get();
    }

    /** Starts a JVM that runs one variant: a warm-up with a client of its own, then the timed run with a fresh one. */
    private static Run1 child(String kind, int variant, Variant chosen, String topic, String warmupTopic, Stack kafka)
            throws Exception {
        List<String> command = new ArrayList<>();
        String cpus = System.getProperty("child.cpus", "");
        if (!cpus.isBlank()) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx2g");
        for (String arg : System.getProperty("child.jvm.args", "").split("\\s+")) {
            if (!arg.isBlank()) {
                command.add(arg);
            }
        }
        for (String property : List.of("records", "warmup", "warmup.seconds", "record", "compression", "batch.size",
                "linger.ms")) {
            if (System.getProperty(property) != null) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.addAll(List.of("-D" + CHILD + "=" + kind + ":" + (chosen.source() < 0 ? variant : chosen.source()),
                "-Dchild.topic=" + topic, "-Dchild.warmup.topic=" + warmupTopic,
                "-Dbootstrap.servers=" + kafka.bootstrapServers(), "-Dregistry.url=" + kafka.registryUrl(), "-cp",
                chosen.classpath() != null ? chosen.classpath() : System.getProperty("java.class.path"),
                ThroughputHarness.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String result = null;
        List<String> output = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long brokerCpu = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.equals(TIMED)) {
                    brokerCpu = os.getProcessCpuTime();
                } else if (line.startsWith(RESULT)) {
                    brokerCpu = brokerCpu < 0 ? -1 : os.getProcessCpuTime() - brokerCpu;
                    result = line.substring(RESULT.length());
                } else {
                    output.add(line);
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("the JVM running " + kind + " variant " + variant + " exited with " + exit
                    + " without a result; its output:\n" + String.join("\n", output));
        }
        String[] f = result.split(" ");
        return new Run1(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), null,
                brokerCpu < 0 ? Double.NaN : brokerCpu / (double) RECORDS);
    }

    /** A child JVM: one variant, warmed up with a client of its own, then timed with a fresh one. */
    private static void runChild(String what) throws Exception {
        String[] parts = what.split(":");
        int variant = Integer.parseInt(parts[1]);
        try (Stack kafka = Stack.fromSystemProperties(); Setup setup = new Setup(kafka)) {
            Variant chosen = (parts[0].equals("produce") ? produceVariants(setup) : consumeVariants(setup))
                    .get(variant);
            long warmUntil = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
            do {
                chosen.run().on(System.getProperty("child.warmup.topic"), WARMUP);
            } while (System.nanoTime() < warmUntil);
            System.out.println(TIMED);
            System.out.flush();
            Run1 run = timed(chosen, System.getProperty("child.topic"));
            System.out.printf(Locale.ROOT, RESULT + "%f %f %f %f %f%n", run.rate(), run.threadNs(),
                    run.helperNs(), run.processNs(), run.allocated());
        }
    }

    /** Runs a variant once for {@link #RECORDS} records, measuring CPU and allocation per record as it goes. */
    private static Run1 timed(Variant variant, String topic) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        helperCpuNanos = 0;
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long processBefore = os.getProcessCpuTime();
        long bytesBefore = threads.getCurrentThreadAllocatedBytes();
        double rate = variant.run().on(topic, RECORDS);
        return new Run1(rate, (threads.getCurrentThreadCpuTime() - cpuBefore) / (double) RECORDS,
                helperCpuNanos / (double) RECORDS, (os.getProcessCpuTime() - processBefore) / (double) RECORDS,
                (threads.getCurrentThreadAllocatedBytes() - bytesBefore) / (double) RECORDS, null);
    }

    /**
     * Every variant in this JVM, once per round (round 0 warms up and is not counted), starting each round with the
     * next variant: how variants sharing a JVM measure.
     */
    private static Report inOneJvm(List<Variant> all, TopicPlan topics, Setup setup) throws Exception {
        if (all.stream().anyMatch(variant -> variant.classpath() != null)) {
            throw new IllegalArgumentException("before.classpath needs a JVM per run: leave fork=false out");
        }
        List<Integer> selected = selected(all);
        boolean produce = all.get(0).label().startsWith("produce");
        Report report = new Report(produce ? "produce" : "consume", selected);
        for (int round = 0; round <= ROUNDS; round++) {
            for (int i = 0; i < selected.size(); i++) {
                int variant = selected.get((i + round) % selected.size());
                String topic = topics.topic(round, variant);
                if (produce) {
                    setup.kafka.createTopic(topic);
                    setup.kafka.registerFor(topic, setup.schema);
                }
                Run1 run = timed(all.get(variant), topic);
                if (produce) {
                    run = run.withBytes(bytes(setup.kafka, topic));
                    setup.kafka.admin().deleteTopics(List.of(topic)).all().get();
                }
                if (round > 0) {
                    report.add(variant, round, run);
                    report.printRun(all.get(variant), variant, round, run);
                }
            }
        }
        return report;
    }

    /**
     * The variants named by the system property {@code variants} (their numbers in the printed order, 0 being the
     * baseline, such as {@code 0,3}), to profile one variant apart from the others; all of them by default.
     */
    private static List<Integer> selected(List<Variant> all) {
        String chosen = System.getProperty("variants", "");
        List<Integer> variants = new ArrayList<>();
        if (chosen.isBlank()) {
            for (int i = 0; i < all.size(); i++) {
                variants.add(i);
            }
            return variants;
        }
        for (String number : chosen.split(",")) {
            int index = Integer.parseInt(number.strip());
            if (index < 0 || index >= all.size()) {
                throw new IllegalArgumentException("System property 'variants' names variant " + index + " but there "
                        + "are " + all.size() + " (0 to " + (all.size() - 1) + ")");
            }
            variants.add(index);
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).source() >= 0 && variants.contains(all.get(i).source()) && !variants.contains(i)) {
                variants.add(i); // measured before a change: runs beside the variant it is the earlier build of
            }
        }
        return variants;
    }

    /** Every run of every variant, and what they say side by side. */
    private static final class Report {
        private final String kind;
        private final List<Integer> variants;
        private final Map<Integer, Map<Integer, Run1>> runs = new TreeMap<>();

        Report(String kind, List<Integer> variants) {
            this.kind = kind;
            this.variants = variants;
            System.out.printf(Locale.ROOT, "%n%s, every run:%n  %-4s %-78s %11s %9s %9s %9s %8s%s%n", kind, "run",
                    "variant", "records/s", "thread ns", "process", "broker", "alloc B", kind.equals("produce")
                            ? String.format(Locale.ROOT, " %6s %7s %7s %7s", "hdr B", "inline", "wire B", "log B")
                            : "");
        }

        void add(int variant, int round, Run1 run) {
            runs.computeIfAbsent(variant, v -> new TreeMap<>()).put(round, run);
        }

        void printRun(Variant variant, int number, int round, Run1 run) {
            Bytes b = run.bytes();
            System.out.printf(Locale.ROOT, "  %-4s %-78s %,11.0f %,9.0f %,9.0f %9s %,8.0f%s%n", round + "." + number,
                    variant.label(), run.rate(), run.threadNs() + run.helperNs(), run.processNs(),
                    Double.isNaN(run.brokerNs()) ? "-" : String.format(Locale.ROOT, "%,.0f", run.brokerNs()),
                    run.allocated(),
                    b == null ? "" : String.format(Locale.ROOT, " %6d %6.3f%% %7.1f %7.1f", b.steadyHeaders(),
                            100 * b.inline(), b.written(), b.log()));
            System.out.flush();
        }

        /** The rate of a variant in a round, or NaN when it did not run. */
        double rate(int variant, int round) {
            Run1 run = runs.getOrDefault(variant, Map.of()).get(round);
            return run == null ? Double.NaN : run.rate();
        }

        double median(int variant) {
            return ThroughputHarness.median(runs.get(variant).values().stream().map(Run1::rate).toList());
        }

        /** The ratio of a variant to another in each round, as text: "0.93 0.95 0.91". */
        String ratios(int variant, int to) {
            if (!runs.containsKey(to)) {
                return "-";
            }
            List<String> each = new ArrayList<>();
            for (int round : runs.get(variant).keySet()) {
                each.add(String.format(Locale.ROOT, "%.2f", rate(variant, round) / rate(to, round)));
            }
            return String.join(" ", each);
        }

        /** Medians, and the ratios of each round to the baseline and to the peer stack (runs of the same round). */
        void print(List<Variant> all) {
            int base = variants.contains(BASELINE) ? BASELINE : variants.get(0);
            System.out.printf(Locale.ROOT, "%n%s, median of %d runs and the ratio of each run to the same round's "
                    + "baseline (/base), peer stack without an SDK (/peer) and with one (/peer+):%n  %-78s %11s "
                    + "%-16s %-16s %-16s%n", kind, ROUNDS, "variant", "records/s", "/base", "/peer", "/peer+");
            for (int variant : variants) {
                System.out.printf(Locale.ROOT, "  %-78s %,11.0f %-16s %-16s %-16s%n", all.get(variant).label(),
                        median(variant), ratios(variant, base), ratios(variant, PEER), ratios(variant, PEER_SDK));
            }
        }

        /** Each variant measured on an earlier build against itself now, run by run (after / before). */
        void printBeforeAfter(List<Variant> all) {
            boolean header = false;
            for (int variant : variants) {
                int source = all.get(variant).source();
                if (source < 0 || !runs.containsKey(source)) {
                    continue;
                }
                if (!header) {
                    System.out.printf(Locale.ROOT, "%n%s, now / before, each round's runs (and each one's ratio to "
                            + "the round's baseline, now then before):%n", kind);
                    header = true;
                }
                int base = variants.contains(BASELINE) ? BASELINE : variants.get(0);
                System.out.printf(Locale.ROOT, "  %-78s %-16s now/base %-16s before/base %s%n",
                        all.get(source).label(), ratios(source, variant), ratios(source, base),
                        ratios(variant, base));
            }
        }

        /** The produce floors of issue 26, run by run. */
        void printChecks(List<Variant> all) {
            System.out.printf(Locale.ROOT, "%nchecks, every run (floor; runs):%n");
            check("governed / peer, SDK on", GOVERNED_SDK, PEER_SDK, 1.0, true, false);
            check("governed / peer, no SDK", GOVERNED, PEER, 1.10, true, false);
            check("governed / plain", GOVERNED, BASELINE, 0.80, true, false);
            check("log bytes, governed / plain", GOVERNED, BASELINE, 1.20, false, true);
            for (int variant : List.of(GOVERNED, GOVERNED_SDK, 4)) {
                if (runs.containsKey(variant)) {
                    List<String> shares = runs.get(variant).values().stream().map(r -> String.format(Locale.ROOT,
                            "%.4f%%", 100 * r.bytes().inline())).toList();
                    System.out.printf(Locale.ROOT, "  %-40s %s (under 0.1%% in every run)%n", "records carrying "
                            + "their descriptor, variant " + variant, String.join(" ", shares));
                }
            }
        }

        /** The consume floor of issue 26: the governed consumer against the plain one, run by run. */
        void printConsumeChecks(List<Variant> all) {
            System.out.printf(Locale.ROOT, "%nchecks, every run (floor; runs):%n");
            check("governed / plain (compact, read-ahead)", 3, BASELINE, 0.85, true, false);
            check("governed / plain, rules producer-enforced", 7, BASELINE, 0.85, true, false);
            check("governed / peer, no SDK", 3, PEER, 1.0, true, false);
            check("governed / peer, SDK on", 4, PEER_SDK, 1.0, true, false);
        }

        private void check(String what, int variant, int to, double floor, boolean atLeast, boolean logBytes) {
            if (!runs.containsKey(variant) || !runs.containsKey(to)) {
                return;
            }
            List<String> each = new ArrayList<>();
            boolean met = true;
            for (int round : runs.get(variant).keySet()) {
                Run1 a = runs.get(variant).get(round);
                Run1 b = runs.get(to).get(round);
                if (b == null) {
                    continue;
                }
                double ratio = logBytes ? a.bytes().log() / b.bytes().log() : a.rate() / b.rate();
                met &= atLeast ? ratio >= floor : ratio <= floor;
                each.add(String.format(Locale.ROOT, "%.2f", ratio));
            }
            System.out.printf(Locale.ROOT, "  %-40s %s %.2f: %s -> %s%n", what, atLeast ? ">=" : "<=", floor,
                    String.join(" ", each), met ? "met in every run" : "NOT met in every run");
        }
    }

    // ----- measuring bytes -----

    /**
     * Reads a produced topic back whole: the header bytes (keys and values) most records carry, the share that carry
     * their lineage descriptor inline, the bytes written per record, and the log bytes per record from the brokers'
     * log-dir descriptions.
     */
    private static Bytes bytes(Stack kafka, String topic) throws Exception {
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "enable.auto.commit", false,
                "max.poll.records", 10_000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            long held = end.values().stream().mapToLong(Long::longValue).sum();
            Map<Integer, Long> headerSizes = new HashMap<>();
            long inline = 0;
            long writtenBytes = 0;
            long read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (read < held && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    int h = 0;
                    for (Header header : record.headers()) {
                        h += header.key().length() + (header.value() == null ? 0 : header.value().length);
                    }
                    headerSizes.merge(h, 1L, Long::sum);
                    if (Lineage.carriesDescriptorInline(record.headers())) {
                        inline++;
                    }
                    writtenBytes += h + Math.max(0, record.serializedKeySize())
                            + Math.max(0, record.serializedValueSize());
                    read++;
                }
            }
            if (read < held) {
                throw new IllegalStateException("read " + read + " of the " + held + " records of " + topic
                        + " back in 120 s");
            }
            int steady = headerSizes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            return new Bytes(steady, inline / (double) read, writtenBytes / (double) read,
                    logBytes(kafka.admin(), topic) / (double) held);
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

    /** Deletes topics by prefix, so that long runs of large records do not fill the disk. */
    private static void deleteTopics(Stack kafka, String prefix) throws Exception {
        var admin = kafka.admin();
        List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
        admin.deleteTopics(topics).all().get();
    }

    // ----- the clients -----

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
            OpenTelemetry telemetry, FieldProtection protection) {
        Governed(DataContract contract, TenantPolicy tenant, LineageFormat format, OpenTelemetry telemetry) {
            this(contract, tenant, format, telemetry, FieldProtection.NONE);
        }

        Governed withContract(DataContract other) {
            return new Governed(other, tenant, format, telemetry, protection);
        }

        Governed withFormat(LineageFormat other) {
            return new Governed(contract, tenant, other, telemetry, protection);
        }

        Governed withTelemetry(OpenTelemetry other) {
            return new Governed(contract, tenant, format, other, protection);
        }

        /** The contract with email encrypted and customer tokenized (2 of the order's 10 fields), and its keys. */
        Governed protecting2Of10Fields() {
            DataContract.Builder protectedContract = DataContract.builder().subject(contract.subject())
                    .version(contract.version()).owner(contract.owner()).schema(contract.schema())
                    .rules(contract.rules())
                    .field("email", new FieldInfo("", "pii", Protection.ENCRYPT, "***"))
                    .field("customer", new FieldInfo("", "pii", Protection.TOKEN, null));
            try {
                java.nio.file.Path keys = java.nio.file.Files.createTempDirectory("bench-keys").resolve("keys.json");
                return new Governed(protectedContract.build(), tenant, format, telemetry,
                        TinkFieldProtection.of(LocalKeyStore.create(keys, LocalKeyStore.newMasterKey())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Counts the sends of a variant that failed: a figure that includes records the broker refused would be
     * meaningless, so {@link #check()} stops the run with the first error instead.
     */
    private static final class SendFailures implements Callback {
        private final String topic;
        private final int records;
        private final LongAdder failed = new LongAdder();
        private volatile Exception first;

        SendFailures(String topic, int records) {
            this.topic = topic;
            this.records = records;
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
                throw new IllegalStateException(failed.sum() + " of " + records + " records sent to " + topic
                        + " failed, so its throughput is not a figure; first error: " + first, first);
            }
        }
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
    private static double produce(Stack kafka, String topic, int records, GenericRecord record,
            Serializer<GenericRecord> serializer, OpenTelemetry telemetry,
            java.util.function.Consumer<Headers> addHeaders) throws Exception {
        kafka.createTopic(topic);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        Producer<String, GenericRecord> plain = new KafkaProducer<>(props, new StringSerializer(), serializer);
        try (Producer<String, GenericRecord> producer = telemetry == null ? plain
                : KafkaTelemetry.create(telemetry).wrap(plain)) {
            SendFailures failures = new SendFailures(topic, records);
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                ProducerRecord<String, GenericRecord> r = new ProducerRecord<>(topic, "order-" + (i % 1000), record);
                if (addHeaders != null) {
                    addHeaders.accept(r.headers());
                }
                producer.send(r, failures);
            }
            producer.flush();
            double rate = records / ((System.nanoTime() - start) / 1e9);
            failures.check();
            return rate;
        }
    }

    /**
     * The contract with every rule {@link RuleMode#WRITE}: enforced by its producers, so that consumers do not check
     * it again.
     */
    private static DataContract writeOnly(DataContract contract) {
        List<ContractRule> rules = contract.rules().stream().map(r -> new ContractRule(r.name(), r.field(), r.doc(),
                r.onFailure(), r.required(), r.min(), r.max(), r.minLength(), r.maxLength(), r.regex(), r.allowed(),
                r.format(), r.notInFuture(), r.expr(), r.exprType(), r.line(), RuleMode.WRITE)).toList();
        return DataContract.builder().subject(contract.subject()).version(contract.version()).owner(contract.owner())
                .schema(contract.schema()).rules(rules).build();
    }

    private static DataContract withoutRules(DataContract contract) {
        return DataContract.builder().subject(contract.subject()).version(contract.version()).owner(contract.owner())
                .schema(contract.schema()).rules(List.of()).build();
    }

    /**
     * The governed producer, built afresh as an application builds it: its lineage descriptor is published while it is
     * built, so its records refer to the descriptor from the first (the read-back of its topic shows any that did not).
     */
    private static double produceGoverned(Stack kafka, Governed governed, String topic, int records,
            GenericRecord record) {
        kafka.createTopic(topic);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(props).keySerializer(new StringSerializer()).schemaRegistry(kafka.registryUrl())
                .contract(governed.contract()).application("bench", "1.0").tenantPolicy(governed.tenant())
                .lineageFormat(governed.format()).openTelemetry(governed.telemetry())
                .fieldProtection(governed.protection()).build()) {
            SendFailures failures = new SendFailures(topic, records);
            BiConsumer<SendResult, Throwable> callback = (result, error) -> failures.onCompletion(null,
                    error instanceof Exception e ? e : null);
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "order-" + (i % 1000), record), callback);
            }
            producer.flush();
            double rate = records / ((System.nanoTime() - start) / 1e9);
            failures.check();
            return rate;
        }
    }

    private static double consumePlain(Stack kafka, String topic, int records, Schema schema) {
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
        Deserializer<GenericRecord> plain = (t, data) -> {
            try {
                return reader.read(null, DecoderFactory.get().binaryDecoder(data, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        return consume(new KafkaConsumer<>(consumerProperties(kafka, "plain"), new StringDeserializer(), plain),
                topic, records);
    }

    /** The peer stack: a plain consumer with Apicurio's serde, wrapped by OpenTelemetry's Kafka instrumentation. */
    private static double consumePeer(Stack kafka, String topic, int records, OpenTelemetry telemetry) {
        AvroKafkaDeserializer<GenericRecord> serde = new AvroKafkaDeserializer<>();
        serde.configure(apicurio(kafka), false);
        KafkaConsumer<String, GenericRecord> plain = new KafkaConsumer<>(consumerProperties(kafka, "peer"),
                new StringDeserializer(), serde);
        return consume(KafkaTelemetry.create(telemetry).wrap(plain), topic, records);
    }

    private static Map<String, Object> consumerProperties(Stack kafka, String group) {
        return Map.of("bootstrap.servers", kafka.bootstrapServers(), "group.id", group + "-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "enable.auto.commit", false);
    }

    private static double consume(Consumer<String, GenericRecord> consumer, String topic, int records) {
        try (consumer) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long start = System.nanoTime();
            while (read < records) {
                ConsumerRecords<String, GenericRecord> polled = consumer.poll(Duration.ofMillis(200));
                for (var r : polled) {
                    if (r.value() != null) {
                        read++;
                    }
                }
                consumer.commitSync();
            }
            return records / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double consumeGoverned(Stack kafka, DataContract contract, String topic, int records,
            boolean readAhead, OpenTelemetry telemetry) {
        AtomicInteger read = new AtomicInteger();
        GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "governed-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(kafka.registryUrl()).contract(contract)
                .topics(topic).handler(r -> read.incrementAndGet()).readAhead(readAhead).openTelemetry(telemetry)
                .build();
        try {
            long start = System.nanoTime();
            while (read.get() < records) {
                consumer.pollOnce(Duration.ofMillis(200));
            }
            double rate = records / ((System.nanoTime() - start) / 1e9);
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

    /**
     * Apicurio Registry's Avro serializer as a team would configure it against a Confluent-compatible registry: the
     * Confluent wire format (4-byte content id, no headers), the latest schema of the subject {@code {topic}-value},
     * registered beforehand (as a deployment pipeline registers schemas).
     */
    private static Serializer<GenericRecord> apicurioSerializer(Stack stack) {
        AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(apicurio(stack), false);
        return serializer;
    }

    private static Map<String, Object> apicurio(Stack stack) {
        return Map.of("apicurio.registry.url", stack.registryUrl() + "/apis/registry/v2",
                "apicurio.registry.as-confluent", true, "apicurio.registry.use-id", "contentId",
                "apicurio.registry.headers.enabled", false, "apicurio.registry.find-latest", true,
                "apicurio.registry.auto-register", false);
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
        private SchemaRegistryClient registryClient;

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

        /** Registers the schema for a topic's values ({@code {topic}-value}), as the peer stack's serde finds it. */
        void registerFor(String topic, Schema schema) {
            registry().register(topic + "-value", SchemaDefinition.avro(schema.toString()), false);
        }

        private synchronized SchemaRegistryClient registry() {
            if (registryClient == null) {
                registryClient = SchemaRegistryClient.builder().urls(registryUrl).build();
            }
            return registryClient;
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
