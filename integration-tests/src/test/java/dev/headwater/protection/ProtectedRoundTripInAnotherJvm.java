package dev.headwater.protection;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.consumer.GovernedRecord;
import dev.headwater.contract.DataContract;
import dev.headwater.producer.GovernedProducer;
import dev.headwater.protection.tink.LocalKeyStore;
import dev.headwater.protection.tink.TinkFieldProtection;
import dev.headwater.support.Contracts;
import dev.headwater.support.Polling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run in a child JVM with every logger at DEBUG by {@link ProtectedFieldsTest}: makes a key store from the master key in
 * its environment, writes protected orders from its settings alone ({@code headwater.protection.*}), reads them back
 * with the key, a reader without it and through one key rotation, and prints {@code read N} on standard output. The
 * test searches everything it logged for the master key and the clear values.
 */
public final class ProtectedRoundTripInAnotherJvm {

    private ProtectedRoundTripInAnotherJvm() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String registry = args[1];
        String topic = args[2];
        Path contractFile = Path.of(args[3]);
        String email = args[4];
        Path keyStore = Files.createTempDirectory("hw-keys").resolve("keys.json");
        LocalKeyStore keys = LocalKeyStore.create(keyStore, System.getenv("HEADWATER_TEST_MASTER_KEY"));
        DataContract contract = DataContract.load(contractFile.toString());
        Map<String, Object> protection = Map.of("headwater.protection.keystore", keyStore.toString(),
                "headwater.protection.master.key.env", "HEADWATER_TEST_MASTER_KEY",
                "headwater.protection.rotation.check.ms", "0");
        try (var producer = GovernedProducer.<String, GenericRecord>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap)).keySerializer(new StringSerializer())
                .schemaRegistry(registry).contract(contract).application("orders-service", "1")
                .fieldProtection(FieldProtection.configure(protection)).build()) {
            for (int i = 0; i < 4; i++) {
                if (i == 2) {
                    keys.rotate(); // taken at the next record: rotation.check.ms=0
                }
                GenericRecord order = Contracts.validOrder(contract, UUID.randomUUID().toString());
                order.put("email", email);
                order.put("customer", "secret-customer");
                producer.send(topic, "k" + i, order).join();
            }
        }
        int read = 0;
        for (FieldProtection reader : List.of(TinkFieldProtection.of(keys), FieldProtection.NONE)) {
            List<GovernedRecord<String, GenericRecord>> handled = new ArrayList<>();
            var consumer = GovernedConsumer.<String, GenericRecord>builder()
                    .kafkaProperties(Map.of("bootstrap.servers", bootstrap, "group.id", "g-" + UUID.randomUUID(),
                            "auto.offset.reset", "earliest"))
                    .keyDeserializer(new StringDeserializer()).schemaRegistry(registry).contract(contract)
                    .topics(topic).fieldProtection(reader).handler(handled::add).build();
            try {
                Polling.pollUntil(consumer, () -> handled.size() >= 4, Duration.ofSeconds(60));
            } finally {
                consumer.close();
            }
            read += handled.size();
        }
        System.out.println("read " + read);
    }
}
