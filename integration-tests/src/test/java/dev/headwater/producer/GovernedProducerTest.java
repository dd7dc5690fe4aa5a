package dev.headwater.producer;

import static dev.headwater.support.Topics.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.HeadwaterException;
import dev.headwater.lineage.Lineage;
import dev.headwater.lineage.LineageContext;
import dev.headwater.lineage.LineageFormat;
import dev.headwater.lineage.LineageHeaders;
import dev.headwater.support.Polling;
import dev.headwater.support.Topics;
import dev.headwater.testkit.EmbeddedKafkaCluster;
import dev.headwater.testkit.HeadwaterTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class GovernedProducerTest {

    private static GovernedProducer<String, String> producer(EmbeddedKafkaCluster kafka) {
        return GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .valueSerializer(new StringSerializer())
                .application("orders-service", "2.3.1")
                .tenant("retail")
                .build();
    }

    @Test
    void stampsOneCompactLineageHeaderWhoseDescriptorAConsumerFindsAndKeepsTheCallersHeaders(
            EmbeddedKafkaCluster kafka) {
        String topic = Topics.unique("retail.orders.placed");
        SendResult result;
        try (var producer = producer(kafka)) {
            Polling.awaitDescriptorPublished(producer);
            var record = new ProducerRecord<>(topic, "order-1", "{}");
            record.headers().add("app-header", "kept".getBytes(StandardCharsets.UTF_8));
            result = producer.send(record).join();
        }
        assertThat(result.sent()).isTrue();
        assertThat(result.topic()).isEqualTo(topic);

        ConsumerRecord<byte[], byte[]> read = Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30))
                .get(0);
        assertThat(header(read, "app-header")).isEqualTo("kept");
        assertThat(read.headers().toArray()).extracting(Header::key).containsExactly("app-header",
                LineageHeaders.COMPACT);
        Header lineageHeader = read.headers().lastHeader(LineageHeaders.COMPACT);
        assertThat(lineageHeader.key().length() + lineageHeader.value().length).isLessThanOrEqualTo(16);
        Lineage lineage = Topics.lineage(kafka.bootstrapServers(), read);
        assertThat(lineage.complete()).isTrue();
        assertThat(lineage.eventId()).isEqualTo(result.eventId()).matches("[0-9a-f]{16}-[0-9]+");
        assertThat(lineage.source()).isEqualTo("/headwater/orders-service");
        assertThat(lineage.applicationVersion()).isEqualTo("2.3.1");
        assertThat(lineage.tenant()).isEqualTo("retail");
        // the record starts a flow: its correlation id is its own event id, and it has no cause
        assertThat(lineage.correlationId()).isEqualTo(result.eventId());
        assertThat(lineage.causationId()).isEmpty();
        assertThat(lineage.createdAt()).isEqualTo(Instant.ofEpochMilli(read.timestamp()))
                .isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void theCloudEventsFormatStampsCloudEventsHeaders(EmbeddedKafkaCluster kafka) {
        String topic = Topics.unique("retail.orders.placed");
        SendResult result;
        try (var producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer())
                .application("orders-service", "2.3.1").tenant("retail")
                .lineageFormat(LineageFormat.CLOUDEVENTS)
                .build()) {
            var record = new ProducerRecord<>(topic, "order-1", "{}");
            record.headers().add("app-header", "kept".getBytes(StandardCharsets.UTF_8));
            result = producer.send(record).join();
        }
        ConsumerRecord<byte[], byte[]> read = Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30))
                .get(0);
        assertThat(header(read, "app-header")).isEqualTo("kept");
        assertThat(header(read, LineageHeaders.COMPACT)).isNull();
        assertThat(header(read, LineageHeaders.SPEC_VERSION)).isEqualTo("1.0");
        assertThat(header(read, LineageHeaders.LINEAGE_VERSION)).isEqualTo("1");
        assertThat(header(read, LineageHeaders.ID)).isEqualTo(result.eventId());
        assertThat(result.eventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(header(read, LineageHeaders.SOURCE)).isEqualTo("/headwater/orders-service");
        assertThat(header(read, LineageHeaders.APP_VERSION)).isEqualTo("2.3.1");
        assertThat(header(read, LineageHeaders.TENANT)).isEqualTo("retail");
        // the record starts a flow: no ce_correlationid, its correlation id is its own event id
        assertThat(header(read, LineageHeaders.CORRELATION_ID)).isNull();
        assertThat(Lineage.from(read.headers()).orElseThrow().correlationId()).isEqualTo(result.eventId());
        assertThat(header(read, LineageHeaders.CAUSATION_ID)).isNull();
        assertThat(Instant.parse(header(read, LineageHeaders.TIME))).isBetween(
                Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void takesCorrelationAndCausationFromTheRecordBeingHandled(EmbeddedKafkaCluster kafka) {
        String topic = Topics.unique("retail.payments.requested");
        try (var producer = producer(kafka);
                var ignored = new LineageContext("corr-42", "retail.orders.placed.v1/2/17").makeCurrent()) {
            producer.send(topic, "p-1", "{}").join();
        }
        ConsumerRecord<byte[], byte[]> read = Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(30))
                .get(0);
        Lineage lineage = Lineage.from(read).orElseThrow();
        assertThat(lineage.correlationId()).isEqualTo("corr-42");
        assertThat(lineage.causationId()).isEqualTo("retail.orders.placed.v1/2/17");
    }

    @Test
    void aValueThatCannotBeSerializedFailsTheFutureAndSendsNothing(EmbeddedKafkaCluster kafka) {
        String topic = Topics.unique("retail.orders.broken");
        Serializer<String> failing = (t, data) -> {
            throw new IllegalArgumentException("field 'amount' is not a number");
        };
        try (var producer = GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", kafka.bootstrapServers()))
                .keySerializer(new StringSerializer())
                .valueSerializer(failing)
                .application("orders-service", "2.3.1")
                .build()) {
            assertThatThrownBy(() -> producer.send(topic, "k", "v").join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(HeadwaterException.class)
                    .hasMessageContaining("value")
                    .hasMessageContaining(topic)
                    .hasMessageContaining("field 'amount' is not a number")
                    .hasMessageContaining("Nothing was sent");
        }
        assertThat(Topics.read(kafka.bootstrapServers(), topic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void builderNamesTheMissingSetting() {
        assertThatThrownBy(() -> GovernedProducer.<String, String>builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> GovernedProducer.<String, String>builder()
                .kafkaProperties(Map.of("bootstrap.servers", "localhost:1"))
                .keySerializer(new StringSerializer()).valueSerializer(new StringSerializer()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'application'");
    }
}
