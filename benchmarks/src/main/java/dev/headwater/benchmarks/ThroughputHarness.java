package dev.headwater.benchmarks;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.Owner;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.tenant.TenantPolicy;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produce and consume throughput against the in-process broker, in one process and one run, each variant measured
 * several times in alternation after a warm-up, so the ratios compare like with like:
 *
 * <ul>
 *   <li>produce: a plain KafkaProducer with a plain Avro serializer (the baseline), the same with Headwater's
 *       wire-format serializer, the same with only the lineage headers added (to separate Kafka's cost of carrying
 *       the headers from Headwater's own steps), and the governed producer with field rules only and with everything
 *       on (8 field rules, 2 CEL rules, lineage, tracing through the OpenTelemetry API, tenant guardrail), and the
 *       same with 2 CEL rules outside the CEL fast path's subset;</li>
 *   <li>consume: a plain KafkaConsumer with a plain Avro deserializer (the baseline) against the governed consumer
 *       (wire format, contract rules on read with field rules only, with CEL rules too and with interpreted CEL
 *       rules, lineage, freshness, process spans, commits).</li>
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am verify -DskipTests -Prun-throughput}. Prints records/s and ratios.
 * System properties: {@code records} per variant and round (default 1,000,000, or 300,000 for large records: far more
 * than a producer buffers, so the steady state is measured), {@code rounds} (3), {@code record} ({@code small}: a
 * 10-field order of 87 bytes; {@code large}: the same with 12 line items, about 900 bytes), {@code compression}
 * ({@code none}) and {@code only=consume}.
 */
public final class ThroughputHarness {

    /**
     * Records per variant and round. The default is many times what fits in a producer's {@code buffer.memory} (32
     * MiB), so a run measures the steady state and not how fast {@code send} fills the buffer.
     */
    private static final int RECORDS = Integer.getInteger("records", "large".equals(System.getProperty("record"))
            ? 300_000 : 1_000_000);
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final Map<String, Object> PRODUCER = Map.of("acks", "all", "linger.ms", 5, "batch.size", 65536,
            "enable.idempotence", true, "compression.type", System.getProperty("compression", "none"));

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
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            List<ContractRule> rules = new ArrayList<>(ValidatorBenchmark.FIELD_RULES);
            rules.addAll(ValidatorBenchmark.CEL_RULES);
            String topicBase = "bench.orders.produced";
            DataContract contract = DataContract.builder().subject(topicBase + ".v1-value").version("1.0.0")
                    .owner(new Owner("team-bench", "")).schema(schema).rules(rules).build();
            TenantPolicy tenant = TenantPolicy.builder("bench").owns(List.of("{tenant}.*")).build();
            System.out.printf(Locale.ROOT, "Produce and consume %,d records of %s (%d bytes in Avro), %d rounds, "
                    + "in-process broker (1 node), compression.type=%s for every producer%n", RECORDS,
                    large ? "an order with 12 line items" : "a 10-field order", valueBytes, ROUNDS,
                    PRODUCER.get("compression.type"));

            Map<String, List<Double>> produce = new HashMap<>();
            boolean produceVariants = !"consume".equals(System.getProperty("only"));
            for (int round = 0; round <= ROUNDS && produceVariants; round++) {
                String suffix = "." + round + "." + UUID.randomUUID().toString().substring(0, 6);
                double plain = producePlain(kafka, topicBase + suffix + ".plain", record, plainSerializer(schema));
                double wire = producePlain(kafka, topicBase + suffix + ".wire", record, headwaterSerializer(registry));
                double stamped = produceStamped(kafka, topicBase + suffix + ".stamped", record,
                        headwaterSerializer(registry));
                double fieldRulesOnly = produceGoverned(kafka, registry, fieldRulesOnly(contract), tenant,
                        topicBase + suffix + ".fields", record);
                double governed = produceGoverned(kafka, registry, contract, tenant, topicBase + suffix + ".gov",
                        record);
                double interpreted = produceGoverned(kafka, registry, interpreted(contract), tenant,
                        topicBase + suffix + ".interp", record);
                deleteTopics(kafka, topicBase + suffix);
                if (round > 0) {
                    produce.computeIfAbsent("fields", k -> new ArrayList<>()).add(fieldRulesOnly);
                    produce.computeIfAbsent("stamped", k -> new ArrayList<>()).add(stamped);
                    produce.computeIfAbsent("plain", k -> new ArrayList<>()).add(plain);
                    produce.computeIfAbsent("wire", k -> new ArrayList<>()).add(wire);
                    produce.computeIfAbsent("governed", k -> new ArrayList<>()).add(governed);
                    produce.computeIfAbsent("interpreted", k -> new ArrayList<>()).add(interpreted);
                }
            }
            if (produceVariants) {
                report("produce: plain KafkaProducer + plain Avro serializer (baseline)", produce.get("plain"), null);
                report("produce: plain KafkaProducer + Headwater wire-format serializer", produce.get("wire"),
                        produce.get("plain"));
                report("produce: plain KafkaProducer + wire format + lineage headers only", produce.get("stamped"),
                        produce.get("plain"));
                report("produce: GovernedProducer, 8 field rules, no CEL", produce.get("fields"),
                        produce.get("plain"));
                report("produce: GovernedProducer, everything on (8 field rules + 2 CEL)", produce.get("governed"),
                        produce.get("plain"));
                report("produce: GovernedProducer, everything on, 2 CEL rules CEL's interpreter runs",
                        produce.get("interpreted"), produce.get("plain"));
            }

            String consumeTopic = "bench.orders.consumed.v1";
            kafka.createTopic(consumeTopic, 3, (short) 1);
            produceGoverned(kafka, registry, contract, tenant, consumeTopic, record);
            System.out.printf(Locale.ROOT, "the governed producer's lineage headers: %d bytes per record (value: %d)%n",
                    headerBytes(kafka, consumeTopic), valueBytes + 5);
            Map<String, List<Double>> consume = new HashMap<>();
            for (int round = 0; round <= ROUNDS; round++) {
                double plain = consumePlain(kafka, consumeTopic, schema);
                double fieldRulesOnly = consumeGoverned(kafka, registry, fieldRulesOnly(contract), consumeTopic);
                double governed = consumeGoverned(kafka, registry, contract, consumeTopic);
                double interpreted = consumeGoverned(kafka, registry, interpreted(contract), consumeTopic);
                if (round > 0) {
                    consume.computeIfAbsent("interpreted", k -> new ArrayList<>()).add(interpreted);
                    consume.computeIfAbsent("plain", k -> new ArrayList<>()).add(plain);
                    consume.computeIfAbsent("fields", k -> new ArrayList<>()).add(fieldRulesOnly);
                    consume.computeIfAbsent("governed", k -> new ArrayList<>()).add(governed);
                }
            }
            report("consume: plain KafkaConsumer + plain Avro deserializer (baseline)", consume.get("plain"), null);
            report("consume: GovernedConsumer, 8 field rules, no CEL", consume.get("fields"), consume.get("plain"));
            report("consume: GovernedConsumer, everything on (8 field rules + 2 CEL)", consume.get("governed"),
                    consume.get("plain"));
            report("consume: GovernedConsumer, everything on, 2 CEL rules CEL's interpreter runs",
                    consume.get("interpreted"), consume.get("plain"));
        }
    }

    /** Deletes a round's topics, so that long runs of large records do not fill the disk. */
    private static void deleteTopics(EmbeddedKafkaCluster kafka, String prefix) throws Exception {
        var admin = kafka.admin(); // shared by the cluster, which closes it
        List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
        admin.deleteTopics(topics).all().get();
    }

    /** The bytes of lineage and trace headers the governed producer adds to one record of the consume topic. */
    private static int headerBytes(EmbeddedKafkaCluster kafka, String topic) {
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

    private static double producePlain(EmbeddedKafkaCluster kafka, String topic, GenericRecord record,
            Serializer<GenericRecord> serializer) throws Exception {
        kafka.createTopic(topic, 3, (short) 1);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                serializer)) {
            long start = System.nanoTime();
            Future<RecordMetadata> last = null;
            for (int i = 0; i < RECORDS; i++) {
                last = producer.send(new ProducerRecord<>(topic, "order-" + (i % 1000), record));
            }
            last.get();
            producer.flush();
            return RECORDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double produceStamped(EmbeddedKafkaCluster kafka, String topic, GenericRecord record,
            Serializer<GenericRecord> serializer) throws Exception {
        kafka.createTopic(topic, 3, (short) 1);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        LineageStamp stamp = LineageStamp.builder("bench").applicationVersion("1.0").type("bench.Order")
                .owner("team-bench").tenant("bench").contract("bench.orders.produced.v1-value", "1.0.0")
                .schema("http://localhost:8081", 1).contentType("application/avro").build();
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                serializer)) {
            long start = System.nanoTime();
            Future<RecordMetadata> last = null;
            for (int i = 0; i < RECORDS; i++) {
                ProducerRecord<String, GenericRecord> r = new ProducerRecord<>(topic, "order-" + (i % 1000), record);
                stamp.stamp(r.headers(), null, null);
                last = producer.send(r);
            }
            last.get();
            producer.flush();
            return RECORDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The contract with its CEL rules replaced by two that CEL's interpreter evaluates (outside the fast path). */
    private static DataContract interpreted(DataContract contract) {
        return withCelRules(contract, ValidatorBenchmark.INTERPRETED_CEL_RULES);
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

    private static double produceGoverned(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry,
            DataContract contract, TenantPolicy tenant, String topic, GenericRecord record) {
        kafka.createTopic(topic, 3, (short) 1);
        Map<String, Object> props = new HashMap<>(PRODUCER);
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(props).keySerializer(new StringSerializer()).schemaRegistry(registry.url())
                .contract(contract).application("bench", "1.0").tenantPolicy(tenant).build()) {
            long start = System.nanoTime();
            CompletableFuture<?> last = null;
            for (int i = 0; i < RECORDS; i++) {
                last = producer.send(topic, "order-" + (i % 1000), record);
            }
            last.join();
            producer.flush();
            return RECORDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double consumePlain(EmbeddedKafkaCluster kafka, String topic, Schema schema) {
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

    private static double consumeGoverned(EmbeddedKafkaCluster kafka, EmbeddedSchemaRegistry registry,
            DataContract contract, String topic) {
        AtomicInteger read = new AtomicInteger();
        GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "governed-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry.url()).contract(contract)
                .topics(topic).handler(r -> read.incrementAndGet()).build();
        try {
            long start = System.nanoTime();
            while (read.get() < RECORDS) {
                consumer.pollOnce(Duration.ofMillis(200));
            }
            return RECORDS / ((System.nanoTime() - start) / 1e9);
        } finally {
            consumer.closeNow();
        }
    }

    private static Serializer<GenericRecord> plainSerializer(Schema schema) {
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
    private static Serializer<GenericRecord> headwaterSerializer(EmbeddedSchemaRegistry registry) {
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        return (Serializer) new AvroSerializer<>(client, AvroSerdeConfig.builder().urls(registry.url()).build(),
                false);
    }
}
