package dev.headwater.lineage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headwater.lineage.LineageDescriptor;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaDescriptorCatalogTest {

    private static LineageDescriptor descriptor(String version) {
        return new LineageDescriptor("orders-service", version, "retail", "team-orders", "retail.OrderPlaced",
                "retail.orders.placed.v1-value", "1.2.0", 7, "", "application/avro");
    }

    /** A catalog of a cluster that is not there: lookups that miss must still answer. */
    private static KafkaDescriptorCatalog unreachable() {
        return new KafkaDescriptorCatalog(Map.of("bootstrap.servers", "127.0.0.1:1", "request.timeout.ms", 1000,
                "default.api.timeout.ms", 1000), "_headwater-lineage", Duration.ofSeconds(2));
    }

    @Test
    void aLaterDescriptorForAnIdReplacesTheEarlierOne() {
        try (KafkaDescriptorCatalog catalog = unreachable()) {
            catalog.learn(7, descriptor("1.0.0"));
            catalog.learn(7, descriptor("1.1.0"));
            assertThat(catalog.find(7)).contains(descriptor("1.1.0"));
        }
    }

    @Test
    void theCacheKeepsTheMostRecentlyUsedDescriptorsOnly() {
        try (KafkaDescriptorCatalog catalog = unreachable()) {
            for (long id = 0; id < KafkaDescriptorCatalog.CAPACITY; id++) {
                catalog.learn(id, descriptor("1.0." + id));
            }
            assertThat(catalog.find(0)).as("used just now: the most recent").isPresent();
            catalog.learn(KafkaDescriptorCatalog.CAPACITY, descriptor("2.0.0"));
            assertThat(catalog.find(1)).as("the least recently used, evicted: looked for in vain").isEmpty();
            assertThat(catalog.find(0)).isPresent();
            assertThat(catalog.find(KafkaDescriptorCatalog.CAPACITY)).isPresent();
        }
    }

    @Test
    void lookupsOfUnknownDescriptorsAnswerWhileTheTopicCannotBeRead() {
        try (KafkaDescriptorCatalog catalog = unreachable()) {
            long start = System.nanoTime();
            for (long id = 100; id < 150; id++) {
                // each answers: the first waits for the first read at most FIRST_LOOKUP_WAIT, the others not at all
                assertThat(catalog.find(id)).isEmpty();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("50 lookups while the cluster is unreachable (a read takes 2 s there)")
                    .isLessThan(KafkaDescriptorCatalog.FIRST_LOOKUP_WAIT.plusSeconds(2));
        }
    }
}
