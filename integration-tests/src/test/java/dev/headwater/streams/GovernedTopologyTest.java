package dev.headwater.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.contract.DataContract;
import dev.headwater.support.Contracts;
import dev.headwater.deadletter.DeadLetterHeaders;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageStamp;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.serde.AvroSerdeConfig;
import dev.headwater.serde.AvroSerializer;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A governed topology under Kafka's {@code TopologyTestDriver}, with contracts enforced: an output carries the
 * application's own lineage, caused by its input; a poison input and a refused output are dead-lettered with
 * Headwater's headers and the application goes on.
 */
class GovernedTopologyTest {

    private static final String INPUT = "retail.orders.placed.v1";
    private static final String OUTPUT = "retail.orders.audited.v1";
    private static final Path CONTRACTS = Path.of("src/test/resources/streams");

    private EmbeddedSchemaRegistry registry;
    private TopologyTestDriver driver;
    private DataContract orders;
    private AvroSerializer<GenericRecord> upstream;

    private Properties properties;

    @BeforeEach
    void startTheTopology() {
        registry = EmbeddedSchemaRegistry.start();
        orders = DataContract.load(CONTRACTS.resolve("orders.yaml"));
        SchemaRegistryClient client = SchemaRegistryClient.builder().urls(registry.url()).build();
        client.register(orders.subject(), orders.toSchemaDefinition(), false);
        upstream = new AvroSerializer<>(client, AvroSerdeConfig.builder().urls(registry.url()).build(), false);

        properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "orders-audit");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        properties.put("headwater.application.name", "orders-audit");
        properties.put("headwater.application.version", "1.0.0");
        properties.put("headwater.contract.file", CONTRACTS.resolve("orders.yaml") + "," + CONTRACTS
                .resolve("audit.yaml"));
        properties.put("headwater.lineage.format", "cloudevents"); // self-contained headers: no descriptor topic
        properties.put("schema.registry.url", registry.url());
        HeadwaterStreams.governed(properties);

        StreamsBuilder builder = new StreamsBuilder();
        // keys as text; values by the default value Serde, GovernedSerde, on both ends
        builder.<String, GenericRecord>stream(INPUT, Consumed.with(Serdes.String(), null))
                .peek((key, order) -> {
                    if (key.startsWith("fail")) {
                        throw new IllegalStateException("the processor cannot handle " + key);
                    }
                })
                .to(OUTPUT, Produced.with(Serdes.String(), null));
        driver = new TopologyTestDriver(builder.build(), properties);
    }

    @AfterEach
    void stop() {
        driver.close();
        registry.close();
    }

    private GenericRecord order(String id, double amount) {
        GenericRecord order = Contracts.validOrder(orders, id);
        order.put("amount", amount);
        return order;
    }

    /** An input as the upstream orders-service wrote it: wire format, with its own lineage headers. */
    private TestRecord<String, byte[]> input(String key, GenericRecord order) {
        Headers headers = new RecordHeaders();
        LineageStamp.builder("orders-service").applicationVersion("1.4.0").format(LineageFormat.CLOUDEVENTS).build()
                .stamp(headers, null, null);
        headers.add("team", "orders".getBytes(StandardCharsets.UTF_8));
        return new TestRecord<>(key, upstream.serialize(INPUT, order), headers);
    }

    private TestInputTopic<String, byte[]> inputTopic() {
        return driver.createInputTopic(INPUT, new StringSerializer(), new ByteArraySerializer());
    }

    private TestOutputTopic<String, byte[]> topic(String name) {
        return driver.createOutputTopic(name, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void anOutputCarriesTheApplicationsOwnLineageCausedByItsInput() {
        TestRecord<String, byte[]> in = input("o-1", order(UUID.randomUUID().toString(), 12.5));
        String inputEvent = Lineage.eventIdOf(in.headers()).orElseThrow();
        inputTopic().pipeInput(in);

        TestRecord<String, byte[]> out = topic(OUTPUT).readRecord();
        Lineage lineage = Lineage.from(out.headers()).orElseThrow();
        assertThat(lineage.application()).isEqualTo("orders-audit");
        assertThat(lineage.subject()).isEqualTo("retail.orders.audited.v1-value");
        assertThat(lineage.causationId()).isEqualTo(inputEvent);
        assertThat(lineage.correlationId()).isEqualTo(inputEvent);
        assertThat(lineage.eventId()).isNotEqualTo(inputEvent);
        // the input's own Headwater headers never survive on the output; the application's own header does
        assertThat(out.headers().headers("ce_source")).hasSize(1);
        assertThat(new String(out.headers().lastHeader("team").value(), StandardCharsets.UTF_8)).isEqualTo("orders");
    }

    @Test
    void theSerdesOfOneApplicationShareItsPipelinesUntilTheLastOneCloses() {
        java.util.Map<String, Object> configs = new java.util.HashMap<>();
        properties.forEach((key, value) -> configs.put(key.toString(), value));
        configs.put(StreamsConfig.APPLICATION_ID_CONFIG, "orders-audit-shared");
        GovernedSerde<GenericRecord> first = new GovernedSerde<>();
        GovernedSerde<GenericRecord> second = new GovernedSerde<>();
        first.configure(configs, false);
        second.configure(configs, false);
        StreamsPipelines.Pipelines shared = StreamsPipelines.of("orders-audit-shared").orElseThrow();
        first.close();
        // a task closed in a rebalance: the handlers of the tasks still running find the pipelines
        assertThat(StreamsPipelines.of("orders-audit-shared")).containsSame(shared);
        second.close();
        assertThat(StreamsPipelines.of("orders-audit-shared")).isEmpty();
    }

    @Test
    void aPoisonInputIsDeadLetteredAndTheApplicationGoesOn() {
        inputTopic().pipeInput(new TestRecord<>("poison", "not avro".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders()));
        inputTopic().pipeInput(input("o-2", order(UUID.randomUUID().toString(), 20.0)));

        TestRecord<String, byte[]> dead = topic(INPUT + ".dlq").readRecord();
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("DESERIALIZATION");
        assertThat(topic(OUTPUT).readRecord().key()).isEqualTo("o-2");
    }

    @Test
    void anInputAProcessorFailsOnIsDeadLetteredAsReadAndTheApplicationGoesOn() {
        TestRecord<String, byte[]> failing = input("fail-1", order(UUID.randomUUID().toString(), 20.0));
        inputTopic().pipeInput(failing);
        inputTopic().pipeInput(input("o-3", order(UUID.randomUUID().toString(), 20.0)));

        TestRecord<String, byte[]> dead = topic(INPUT + ".dlq").readRecord();
        assertThat(dead.value()).isEqualTo(failing.value());
        assertThat(dead.key()).isEqualTo("fail-1");
        assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("HANDLER");
        assertThat(topic(OUTPUT).readRecord().key()).isEqualTo("o-3");
    }

    @Test
    void anInputBreakingItsReadRulesIsDeadLetteredWithItsViolations() {
        inputTopic().pipeInput(input("bad-id", order("not-a-uuid", 20.0)));
        TestRecord<String, byte[]> dead = topic(INPUT + ".dlq").readRecord();
        assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.VIOLATIONS).value(),
                StandardCharsets.UTF_8)).contains("idIsUuid");
        assertThat(topic(OUTPUT).isEmpty()).isTrue();
    }

    @Test
    void anOutputItsContractRefusesIsDeadLetteredAsItsInputAndTheApplicationGoesOn() {
        TestRecord<String, byte[]> big = input("big", order(UUID.randomUUID().toString(), 5000.0));
        inputTopic().pipeInput(big);
        inputTopic().pipeInput(input("small", order(UUID.randomUUID().toString(), 5.0)));

        TestRecord<String, byte[]> dead = topic(OUTPUT + ".dlq").readRecord();
        assertThat(dead.value()).isEqualTo(big.value()); // the input, byte for byte: replayable once mended
        assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("CONTRACT_VIOLATION");
        assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.VIOLATIONS).value(),
                StandardCharsets.UTF_8)).contains("amountAudited");
        assertThat(topic(OUTPUT).readRecord().key()).isEqualTo("small");
    }
}
