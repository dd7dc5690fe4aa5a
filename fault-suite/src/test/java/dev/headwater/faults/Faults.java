package dev.headwater.faults;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.contract.ContractRule;
import dev.headwater.contract.DataContract;
import dev.headwater.contract.OnFailure;
import dev.headwater.contract.Owner;
import dev.headwater.testkit.HeadwaterEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

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
}
