package dev.headwater.serde;

import static dev.headwater.support.Schemas.ORDER_V1;
import static dev.headwater.support.Schemas.ORDER_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.headwater.registry.SchemaDefinition;
import dev.headwater.registry.SchemaRegistryClient;
import dev.headwater.support.Schemas;
import dev.headwater.test.OrderPlaced;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class AvroSerdeTest {

    private static final Schema V1 = Schemas.parse(ORDER_V1);
    private static final Schema V2 = Schemas.parse(ORDER_V2);

    private SchemaRegistryClient client;
    private String topic;

    @BeforeEach
    void setUp(EmbeddedSchemaRegistry registry) {
        client = SchemaRegistryClient.builder().urls(registry.url()).build();
        topic = "retail.orders." + UUID.randomUUID().toString().substring(0, 8) + ".v1";
    }

    private AvroSerializer<Object> serializer(AvroSerdeConfig.Builder config, boolean isKey) {
        return new AvroSerializer<>(client, config.build(), isKey);
    }

    private AvroDeserializer<Object> deserializer(AvroSerdeConfig.Builder config, boolean isKey) {
        return new AvroDeserializer<>(client, config.build(), isKey);
    }

    private AvroSerdeConfig.Builder config(EmbeddedSchemaRegistry registry) {
        return AvroSerdeConfig.builder().urls(registry.url());
    }

    private static GenericRecord order(Schema schema, String id) {
        GenericRecord order = new GenericData.Record(schema);
        order.put("id", id);
        order.put("amount", 12.5);
        order.put("currency", "EUR");
        if (schema.getField("channel") != null) {
            order.put("channel", "mobile");
        }
        return order;
    }

    @Test
    void genericRecordsAreWrittenInTheWireFormatByteForByte(EmbeddedSchemaRegistry registry) throws Exception {
        GenericRecord order = order(V1, "order-1");
        byte[] bytes = serializer(config(registry), false).serialize(topic, order);

        int id = client.latest(topic + "-value").id();
        ByteArrayOutputStream plainAvro = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plainAvro, null);
        new GenericDatumWriter<GenericRecord>(V1).write(order, encoder);
        encoder.flush();
        byte[] expected = ByteBuffer.allocate(5 + plainAvro.size()).put((byte) 0).putInt(id)
                .put(plainAvro.toByteArray()).array();
        assertThat(bytes).isEqualTo(expected);
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);

        Object read = deserializer(config(registry), false).deserialize(topic, bytes);
        assertThat(read).isEqualTo(order);
    }

    @Test
    void keysUseTheKeySubjectAndPrimitivesRoundTrip(EmbeddedSchemaRegistry registry) {
        byte[] key = serializer(config(registry), true).serialize(topic, "order-1");

        assertThat(client.latest(topic + "-key").definition().schema()).isEqualTo("\"string\"");
        assertThat(key[0]).isZero();
        assertThat(deserializer(config(registry), true).deserialize(topic, key)).isEqualTo(new Utf8("order-1"));
        String other = topic + ".numbers";
        assertThat(deserializer(config(registry), true).deserialize(other,
                serializer(config(registry), true).serialize(other, 42L))).isEqualTo(42L);
    }

    @Test
    void specificRecordsRoundTripIntoTheirGeneratedClass(EmbeddedSchemaRegistry registry) {
        byte[] bytes = serializer(config(registry), false).serialize(topic, new OrderPlaced("order-7", 99.0, "USD"));

        Object read = deserializer(config(registry).specificAvroReader(true), false).deserialize(topic, bytes);
        assertThat(read).isInstanceOf(OrderPlaced.class);
        OrderPlaced order = (OrderPlaced) read;
        assertThat(order.id().toString()).isEqualTo("order-7");
        assertThat(order.amount()).isEqualTo(99.0);

        Object generic = deserializer(config(registry), false).deserialize(topic, bytes);
        assertThat(generic).isInstanceOf(GenericData.Record.class);
        assertThat(((GenericRecord) generic).get("currency").toString()).isEqualTo("USD");
    }

    @Test
    void dataWrittenWithAnOlderSchemaIsResolvedIntoTheReaderSchema(EmbeddedSchemaRegistry registry) {
        byte[] writtenWithV1 = serializer(config(registry), false).serialize(topic, order(V1, "order-1"));

        GenericRecord read = (GenericRecord) deserializer(config(registry).readerSchema(V2), false)
                .deserialize(topic, writtenWithV1);
        assertThat(read.getSchema()).isEqualTo(V2);
        assertThat(read.get("id").toString()).isEqualTo("order-1");
        assertThat(read.get("channel").toString()).as("filled from the reader's default").isEqualTo("web");

        byte[] writtenWithV2 = serializer(config(registry), false).serialize(topic, order(V2, "order-2"));
        GenericRecord old = (GenericRecord) deserializer(config(registry).readerSchema(V1), false)
                .deserialize(topic, writtenWithV2);
        assertThat(old.getSchema().getField("channel")).isNull();
        assertThat(client.versions(topic + "-value")).containsExactly(1, 2);
    }

    @Test
    void subjectNameStrategiesNameTheSubject(EmbeddedSchemaRegistry registry) {
        serializer(config(registry).subjectNameStrategy(false, SubjectNameStrategy.RECORD_NAME), false)
                .serialize(topic, order(V1, "a"));
        serializer(config(registry).subjectNameStrategy(false, SubjectNameStrategy.TOPIC_RECORD_NAME), false)
                .serialize(topic, order(V1, "b"));

        assertThat(client.subjects(false)).contains("dev.headwater.test.OrderPlaced",
                topic + "-dev.headwater.test.OrderPlaced");
        assertThat(SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefusedWithTheSubject(EmbeddedSchemaRegistry registry) {
        var strict = serializer(config(registry).autoRegisterSchemas(false), false);
        assertThatThrownBy(() -> strict.serialize(topic, order(V1, "a")))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("subject '" + topic + "-value'")
                .hasMessageContaining("40401");

        int id = client.register(topic + "-value", SchemaDefinition.avro(ORDER_V1), false);
        assertThat(WireFormat.schemaId(strict.serialize(topic, order(V1, "a")))).isEqualTo(id);
    }

    @Test
    void useLatestVersionWritesWithTheLatestIdAndRefusesAnotherSchema(EmbeddedSchemaRegistry registry) {
        int id = client.register(topic + "-value", SchemaDefinition.avro(ORDER_V2), false);
        var latest = serializer(config(registry).useLatestVersion(true), false);

        assertThat(WireFormat.schemaId(latest.serialize(topic, order(V2, "a")))).isEqualTo(id);
        assertThatThrownBy(() -> latest.serialize(topic, order(V1, "b")))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("differs from the latest version 1")
                .hasMessageContaining("use.latest.version");
    }

    @Test
    void aValueThatDoesNotFitItsSchemaIsRefusedNamingTheTopic(EmbeddedSchemaRegistry registry) {
        GenericRecord broken = new GenericData.Record(V1);
        broken.put("id", "order-1");
        broken.put("amount", "not a number");
        broken.put("currency", "EUR");
        assertThatThrownBy(() -> serializer(config(registry), false).serialize(topic, broken))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining(topic)
                .hasMessageContaining("value");
        assertThatThrownBy(() -> serializer(config(registry), false).serialize(topic, new Object()))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("java.lang.Object have no Avro schema");
    }

    @Test
    void badBytesRaiseSpecificErrors(EmbeddedSchemaRegistry registry) {
        var reader = deserializer(config(registry), false);
        byte[] good = serializer(config(registry), false).serialize(topic, order(V1, "order-1"));

        assertThatThrownBy(() -> reader.deserialize(topic, "{\"id\":1}".getBytes()))
                .isInstanceOf(SerdeException.class).hasMessageContaining("0x7b").hasMessageContaining("magic byte");
        assertThatThrownBy(() -> reader.deserialize(topic, new byte[] {0, 0, 1}))
                .isInstanceOf(SerdeException.class).hasMessageContaining("3 byte(s): too short");
        assertThatThrownBy(() -> reader.deserialize(topic, new byte[] {0, 0x7f, 0, 0, 1, 2}))
                .isInstanceOf(SerdeException.class)
                .hasMessageContaining("no schema with id " + 0x7f000001);
        assertThatThrownBy(() -> reader.deserialize(topic, Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("corrupt or truncated Avro");
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> reader.deserialize(topic, trailing))
                .isInstanceOf(SerdeException.class).hasMessageContaining("bytes left after the Avro data");
        assertThat(reader.deserialize(topic, null)).isNull();
    }

    @Test
    void randomlyCorruptedRecordsNeverEscapeAsAnythingButSerdeException(EmbeddedSchemaRegistry registry) {
        var reader = deserializer(config(registry), false);
        byte[] good = serializer(config(registry), false).serialize(topic, order(V1, "order-123456"));
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            byte[] corrupt = Arrays.copyOf(good, 5 + random.nextInt(good.length - 4));
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                int at = 5 + random.nextInt(Math.max(1, corrupt.length - 5));
                if (at < corrupt.length) {
                    corrupt[at] = (byte) random.nextInt(256);
                }
            }
            Throwable thrown = catchThrowable(() -> reader.deserialize(topic, corrupt));
            if (thrown != null) {
                assertThat(thrown).as("attempt %d", i).isInstanceOf(SerdeException.class);
            }
        }
    }

    @Test
    void cachedSchemasStillSerializeAndDeserializeWhileTheRegistryIsDown() {
        byte[] bytes;
        AvroSerializer<Object> writer;
        AvroDeserializer<Object> reader;
        try (EmbeddedSchemaRegistry own = EmbeddedSchemaRegistry.start()) {
            SchemaRegistryClient ownClient = SchemaRegistryClient.builder().urls(own.url()).build();
            AvroSerdeConfig settings = AvroSerdeConfig.builder().urls(own.url()).build();
            writer = new AvroSerializer<>(ownClient, settings, false);
            reader = new AvroDeserializer<>(ownClient, settings, false);
            bytes = writer.serialize(topic, order(V1, "warm"));
            reader.deserialize(topic, bytes);
        }
        byte[] again = writer.serialize(topic, order(V1, "while-down"));
        assertThat(((GenericRecord) reader.deserialize(topic, again)).get("id").toString()).isEqualTo("while-down");
    }

    @Test
    void configurationFromPropertiesUsesConfluentKeysAndNamesTheBadKey(EmbeddedSchemaRegistry registry) {
        AvroSerializer<Object> byClassName = new AvroSerializer<>();
        byClassName.configure(java.util.Map.of("schema.registry.url", registry.url(),
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false);
        byClassName.serialize(topic, order(V1, "a"));
        assertThat(client.subjects(false)).contains("dev.headwater.test.OrderPlaced");

        assertThatThrownBy(() -> AvroSerdeConfig.fromProperties(java.util.Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> AvroSerdeConfig.fromProperties(java.util.Map.of("schema.registry.url", "http://x",
                "auto.register.schemas", "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto.register.schemas");
        assertThatThrownBy(() -> AvroSerdeConfig.fromProperties(java.util.Map.of("schema.registry.url", "http://x",
                "value.subject.name.strategy", "ByColour")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.subject.name.strategy")
                .hasMessageContaining("TOPIC_NAME");
        assertThat(AvroSerdeConfig.fromProperties(java.util.Map.of("schema.registry.url", "http://x",
                "basic.auth.user.info", "user:secret")).toString()).doesNotContain("secret");
    }
}
