package dev.headwater.support;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A program run in a child JVM: produces and consumes governed orders against a stack given on the command line. */
public final class StackClient {

    private StackClient() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String registry = args[1];
        int count = Integer.parseInt(args[2]);
        DataContract contract = DataContract.load(Contracts.ORDERS);
        String topic = contract.topics().get(0);
        try (GovernedProducer<String, GenericRecord> producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap)).keySerializer(new StringSerializer())
                .schemaRegistry(registry).contract(contract).application("stack-client", "1.0").build()) {
            for (int i = 0; i < count; i++) {
                producer.send(topic, "k-" + i, Contracts.validOrder(contract, UUID.randomUUID().toString())).join();
            }
        }
        AtomicInteger consumed = new AtomicInteger();
        GovernedConsumer<String, GenericRecord> consumer = GovernedConsumer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap, "group.id", "stack-" + UUID.randomUUID()))
                .keyDeserializer(new StringDeserializer()).schemaRegistry(registry).contract(contract)
                .topics(topic).handler(r -> consumed.incrementAndGet()).build();
        try {
            Polling.pollUntil(consumer, () -> consumed.get() >= count, Duration.ofSeconds(60));
        } finally {
            consumer.close();
        }
        System.out.println("stack-client: produced=" + count + " consumed=" + consumed.get());
        System.exit(consumed.get() >= count ? 0 : 1);
    }
}
