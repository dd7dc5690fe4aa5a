package dev.headwater.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

class DescriptorPublisherTest {

    private static Config topic(String cleanupPolicy, String retentionMs, String retentionBytes) {
        return new Config(List.of(new ConfigEntry("cleanup.policy", cleanupPolicy),
                new ConfigEntry("retention.ms", retentionMs), new ConfigEntry("retention.bytes", retentionBytes)));
    }

    @Test
    void onlyATopicThatNeverDeletesOldDescriptorsIsAccepted() {
        assertThat(DescriptorPublisher.keepsRecords(topic("compact", "604800000", "-1"))).isTrue();
        assertThat(DescriptorPublisher.keepsRecords(topic("compact,delete", "604800000", "-1")))
                .as("compact,delete deletes old records too").isFalse();
        assertThat(DescriptorPublisher.keepsRecords(topic("delete", "604800000", "-1"))).isFalse();
        assertThat(DescriptorPublisher.keepsRecords(topic("delete", "-1", "1073741824")))
                .as("a size limit deletes old records").isFalse();
        assertThat(DescriptorPublisher.keepsRecords(topic("delete", "-1", "-1"))).as("nothing is ever deleted")
                .isTrue();
    }

    @Test
    void producersWithTheSameConnectionAndSecuritySettingsShareOnePublisher() {
        Map<String, Object> key = DescriptorPublisher.key(Map.of("bootstrap.servers", "b:9092", "client.id", "p-1",
                "linger.ms", 5, "key.serializer", "x", "headwater.application.name", "orders"));
        assertThat(key).isEqualTo(DescriptorPublisher.key(Map.of("bootstrap.servers", "b:9092",
                "client.id", "p-2", "linger.ms", 50, "batch.size", 1024)));
        assertThat(key).isNotEqualTo(DescriptorPublisher.key(Map.of("bootstrap.servers", "b:9092",
                "security.protocol", "SSL", "linger.ms", 5)));
    }
}
