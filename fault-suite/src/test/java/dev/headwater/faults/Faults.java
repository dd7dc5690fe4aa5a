package dev.headwater.faults;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Owner;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.EmbeddedSchemaRegistry;
import dev.headwater.testkit.HeadwaterEnvironment;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the fault tests share: a payments contract, records, and waiting with a deadline. */
final class Faults {

    static final Schema PAYMENT = new Schema.Parser().parse("""
            {"type":"record","name":"Payment","namespace":"dev.headwater.faults","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"double"},
              {"name":"currency","type":"string"}]}""");

    private Faults() {
    }

    /** @return a topic name no other test uses, in tenant retail's namespace */
    static String topic(String dataset) {
        return "retail.payments." + dataset + UUID.randomUUID().toString().substring(0, 6) + ".v1";
    }

    /**
     * The payments contract of a topic: amount at least 0.01 (refused), currency ISO 4217 (dead-lettered), dead
     * letters to {@code {topic}.dlq}.
     */
    static DataContract contract(String topic) {
        return DataContract.builder().subject(topic + "-value").topics(List.of(topic)).version("1.0.0")
                .owner(new Owner("team-payments", "payments@example.com")).schema(PAYMENT)
                .deadLetterTopic(topic + ".dlq")
                .rules(List.of(ContractRule.field("amountPositive", "amount").min(0.01).build(),
                        ContractRule.field("currencyIso", "currency").format("iso4217").onFailure(OnFailure.DLQ)
                                .build()))
                .build();
    }

    static GenericRecord payment(String id, double amount, String currency) {
        GenericRecord payment = new GenericData.Record(PAYMENT);
        payment.put("id", id);
        payment.put("amount", amount);
        payment.put("currency", currency);
        return payment;
    }

    /** Waits until a condition holds, checking it every 10 ms; fails naming what did not happen. */
    static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** Polls a consumer until a condition holds or the timeout passes. */
    static void pollUntil(GovernedConsumer<?, ?> consumer, BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            consumer.pollOnce(Duration.ofMillis(100));
        }
    }

    /** Reads a topic from the start. */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int expected, Duration timeout) {
        return HeadwaterEnvironment.read(bootstrap, topic, expected, timeout);
    }

    /** @return the last value of a header as text, or null */
    static String header(ConsumerRecord<?, ?> record, String key) {
        var header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A registry that went down after records were written under its schemas: restart it on the same port and
     * journal ({@link #restart()}) and it answers with every schema it had.
     *
     * @param topic the records' topic
     * @param contract their contract (with a dead-letter topic, created too)
     * @param url where the registry answered, and answers again once restarted
     * @param port its port
     * @param journal its journal
     */
    record RegistryOutage(String topic, DataContract contract, String url, int port, Path journal) {

        /** @return the registry back, with every schema it had */
        EmbeddedSchemaRegistry restart() {
            return EmbeddedSchemaRegistry.start(port, journal);
        }
    }

    /**
     * Writes {@code records} payments to a new topic with a governed producer and a registry of its own, then stops the
     * registry before any reader has fetched a schema.
     *
     * @param kafka the cluster
     * @param dir where the registry keeps its journal
     * @param dataset names the topic
     * @param records how many payments
     * @return the outage
     */
    static RegistryOutage registryDownAfterWriting(EmbeddedKafkaCluster kafka,
            Path dir, String dataset, int records) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path journal = dir.resolve("registry.journal");
        String topic = topic(dataset);
        DataContract contract = contract(topic);
        kafka.createTopic(topic, 2, (short) 1);
        kafka.createTopic(contract.deadLetterTopic(), 1, (short) 1);
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry
                .start(port, journal);
        try (var producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .schemaRegistry(registry.url()).contract(contract).application("payments-service", "1.0").build()) {
            for (int i = 0; i < records; i++) {
                producer.send(topic, "k-" + i, payment("p-" + i, 10.0 + i, "EUR")).join();
            }
        }
        String url = registry.url();
        registry.close();
        return new RegistryOutage(topic, contract, url, port, journal);
    }
}
