package dev.headwater.faults;

import dev.headwater.consumer.GovernedConsumer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Run in a child JVM by {@link ConsumerCrashTest}, which kills it: a governed consumer that appends each key it handles
 * to a file (one write per record, so a kill loses none of what it wrote) and takes a millisecond per record.
 */
public final class CrashingConsumer {

    private CrashingConsumer() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        Path handled = Path.of(args[3]);
        GovernedConsumer<String, String> consumer = GovernedConsumer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap, "group.id", group, "max.poll.records", 50,
                        "session.timeout.ms", 6_000)) // the broker's shortest: the group notices the kill in 6 s
                .keyDeserializer(new StringDeserializer()).valueDeserializer(new StringDeserializer())
                .topics(topic).handler(record -> {
                    LockSupport.parkNanos(1_000_000);
                    Files.writeString(handled, record.key() + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }).build();
        consumer.run();
    }
}
