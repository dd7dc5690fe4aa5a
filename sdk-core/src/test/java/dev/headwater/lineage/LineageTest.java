package dev.headwater.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class LineageTest {

    private static final Instant NOW = Instant.parse("2026-11-26T14:05:09.042Z");

    private final LineageStamp stamp = LineageStamp.builder("orders-service").applicationVersion("2.3.1")
            .type("retail.OrderPlaced").owner("team-orders").tenant("retail")
            .contract("retail.orders.placed.v1-value", "1.2.0").schema("http://registry:8081/", 7)
            .contentType("application/avro").clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    @Test
    void readsBackEverythingTheStampWrote() {
        Headers headers = new RecordHeaders();
        String eventId = stamp.stamp(headers, "corr-1", "retail.carts.v1/0/12");

        Lineage lineage = Lineage.from(headers).orElseThrow();

        assertThat(lineage.eventId()).isEqualTo(eventId);
        assertThat(lineage.application()).isEqualTo("orders-service");
        assertThat(lineage.applicationVersion()).isEqualTo("2.3.1");
        assertThat(lineage.type()).isEqualTo("retail.OrderPlaced");
        assertThat(lineage.owner()).isEqualTo("team-orders");
        assertThat(lineage.tenant()).isEqualTo("retail");
        assertThat(lineage.subject()).isEqualTo("retail.orders.placed.v1-value");
        assertThat(lineage.contractVersion()).isEqualTo("1.2.0");
        assertThat(lineage.schemaId()).isEqualTo(7);
        assertThat(lineage.dataSchema()).isEqualTo("http://registry:8081/schemas/ids/7");
        assertThat(lineage.createdAt()).isEqualTo(NOW);
        assertThat(lineage.correlationId()).isEqualTo("corr-1");
        assertThat(lineage.causationId()).isEqualTo("retail.carts.v1/0/12");
        assertThat(Lineage.createdAtMillis(headers)).isEqualTo(NOW.toEpochMilli());
        assertThat(Lineage.correlationOf(headers)).contains("corr-1");
    }

    @Test
    void aRecordThatStartsAFlowCarriesNoCorrelationHeaderAndItsCorrelationIsItsEventId() {
        Headers headers = new RecordHeaders();
        String eventId = stamp.stamp(headers, null, null);

        assertThat(headers.lastHeader(LineageHeaders.CORRELATION_ID)).isNull();
        assertThat(headers.lastHeader(LineageHeaders.CAUSATION_ID)).isNull();
        assertThat(Lineage.from(headers).orElseThrow().correlationId()).isEqualTo(eventId);
        assertThat(Lineage.correlationOf(headers)).contains(eventId);
    }

    @Test
    void readsCreationTimesOtherProducersWroteInOtherRfc3339Forms() {
        assertThat(Lineage.createdAtMillis(time("2026-11-26T15:05:09.042+01:00"))).isEqualTo(NOW.toEpochMilli());
        assertThat(Lineage.createdAtMillis(time("2026-11-26T14:05:09.042123Z"))).isEqualTo(NOW.toEpochMilli());
        assertThat(Lineage.createdAtMillis(time("2026-11-26T14:05:09Z"))).isEqualTo(NOW.toEpochMilli() - 42);
        assertThat(Lineage.createdAtMillis(time("yesterday"))).isEqualTo(-1);
        assertThat(Lineage.createdAtMillis(new RecordHeaders())).isEqualTo(-1);
    }

    @Test
    void keepsLineageHeadersTheCallerSet() {
        Headers headers = new RecordHeaders();
        headers.add(LineageHeaders.ID, "my-id".getBytes(StandardCharsets.UTF_8));
        headers.add(LineageHeaders.TIME, "2026-01-01T00:00:00.000Z".getBytes(StandardCharsets.UTF_8));

        assertThat(stamp.stamp(headers, null, null)).isEqualTo("my-id");

        assertThat(headers.headers(LineageHeaders.ID)).hasSize(1);
        assertThat(Lineage.from(headers).orElseThrow().createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(Lineage.correlationOf(headers)).contains("my-id");
    }

    private static Headers time(String value) {
        return new RecordHeaders().add(LineageHeaders.ID, "id".getBytes(StandardCharsets.UTF_8))
                .add(LineageHeaders.TIME, value.getBytes(StandardCharsets.UTF_8));
    }
}
