package dev.headwater.lineage;

import dev.headwater.producer.GovernedProducer;
import dev.headwater.support.Polling;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run in a child JVM by {@link LineageFormatsTest}: produces one record in lineage format 2 once its descriptor is
 * published, prints {@code event {id}} and exits.
 */
public final class ProducerInAnotherJvm {

    private ProducerInAnotherJvm() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        try (var producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", bootstrap))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application("inventory-service", "7.1.0").tenant("warehouse").build()) {
            Polling.awaitDescriptorPublished(producer);
            System.out.println("event " + producer.send(topic, "sku-1", "{}").join().eventId());
        }
    }
}
