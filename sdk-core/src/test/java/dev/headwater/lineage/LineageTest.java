package dev.headwater.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class LineageTest {

    private static final Instant NOW = Instant.parse("2026-11-26T14:05:09.042Z");

    private final LineageStamp stamp = builder().format(LineageFormat.CLOUDEVENTS).build();
    private final LineageStamp compact = builder().build();

    private static LineageStamp.Builder builder() {
        return LineageStamp.builder("orders-service").applicationVersion("2.3.1")
                .type("retail.OrderPlaced").owner("team-orders").tenant("retail")
                .contract("retail.orders.placed.v1-value", "1.2.0").schema("http://registry:8081/", 7)
                .contentType("application/avro").clock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** A finder that knows the descriptors it was given, as the descriptor topic would. */
    private static LineageDescriptors knowing(LineageStamp... stamps) {
        Map<Long, LineageDescriptor> known = new HashMap<>();
        for (LineageStamp stamp : stamps) {
            known.put(stamp.descriptorId(), stamp.descriptor());
        }
        return id -> Optional.ofNullable(known.get(id));
    }

    @Test
    void compactLineageOfARecordThatStartsAFlowTakesOneHeaderOfAtMost16Bytes() {
        compact.descriptorPublished();
        Headers headers = new RecordHeaders();

        compact.stamp(headers, null, null);

        assertThat(headers.toArray()).hasSize(1);
        Header header = headers.lastHeader(LineageHeaders.COMPACT);
        assertThat(header.key().length() + header.value().length).isLessThanOrEqualTo(16);
    }

    @Test
    void aRecordStampedBeforeItsDescriptorIsPublishedIsSeenToCarryItInline() {
        Headers before = new RecordHeaders();
        compact.stamp(before, null, null);
        compact.descriptorPublished();
        Headers after = new RecordHeaders();
        compact.stamp(after, null, null);
        Headers cloudEvents = new RecordHeaders();
        stamp.stamp(cloudEvents, null, null);

        assertThat(Lineage.carriesDescriptorInline(before)).isTrue();
        assertThat(Lineage.carriesDescriptorInline(after)).isFalse();
        assertThat(Lineage.carriesDescriptorInline(cloudEvents)).as("format 1").isFalse();
        assertThat(Lineage.carriesDescriptorInline(new RecordHeaders())).as("no lineage").isFalse();
    }

    @Test
    void compactLineageReadsBackEveryFieldTheCloudEventsFormatGives() {
        Headers cloudEvents = new RecordHeaders();
        stamp.stamp(cloudEvents, "corr-1", "retail.carts.v1/0/12");
        Headers compactHeaders = new RecordHeaders();
        compact.descriptorPublished();
        String eventId = compact.stamp(compactHeaders, "corr-1", "retail.carts.v1/0/12");

        Lineage expected = Lineage.from(cloudEvents).orElseThrow();
        Lineage lineage = Lineage.read(compactHeaders, NOW.toEpochMilli(), knowing(compact)).orElseThrow();

        assertThat(lineage.eventId()).isEqualTo(eventId).startsWith(String.format("%016x-", compact.descriptorId()));
        assertThat(lineage.format()).isEqualTo(2);
        assertThat(lineage.complete()).isTrue();
        assertThat(lineage).usingRecursiveComparison().ignoringFields("eventId", "format")
                .isEqualTo(expected);
    }

    @Test
    void aCompactRecordWhoseDescriptorIsUnknownStillYieldsItsEventIdTimeCorrelationAndCausation() {
        compact.descriptorPublished();
        Headers headers = new RecordHeaders();
        String eventId = compact.stamp(headers, "corr-1", "retail.carts.v1/0/12");

        Lineage lineage = Lineage.read(headers, NOW.toEpochMilli(), LineageDescriptors.none()).orElseThrow();

        assertThat(lineage.complete()).isFalse();
        assertThat(lineage.eventId()).isEqualTo(eventId);
        assertThat(lineage.createdAt()).isEqualTo(NOW);
        assertThat(lineage.correlationId()).isEqualTo("corr-1");
        assertThat(lineage.causationId()).isEqualTo("retail.carts.v1/0/12");
        assertThat(lineage.application()).isEmpty();
        assertThat(lineage.schemaId()).isEqualTo(-1);
    }

    @Test
    void compactRecordsCarryTheDescriptorInlineUntilItIsPublished() {
        Headers before = new RecordHeaders();
        compact.stamp(before, null, null);
        compact.descriptorPublished();
        Headers after = new RecordHeaders();
        compact.stamp(after, null, null);

        Lineage inline = Lineage.read(before, NOW.toEpochMilli(), LineageDescriptors.none()).orElseThrow();
        assertThat(inline.complete()).isTrue();
        assertThat(inline.application()).isEqualTo("orders-service");
        assertThat(inline.contractVersion()).isEqualTo("1.2.0");
        assertThat(before.lastHeader(LineageHeaders.COMPACT).value().length)
                .isGreaterThan(after.lastHeader(LineageHeaders.COMPACT).value().length + 50);
    }

    @Test
    void aDescriptorLearnedFromAnInlineRecordCompletesLaterRecordsThatOnlyReferToIt() {
        Map<Long, LineageDescriptor> learned = new HashMap<>();
        LineageDescriptors finder = new LineageDescriptors() {
            @Override
            public Optional<LineageDescriptor> find(long id) {
                return Optional.ofNullable(learned.get(id));
            }

            @Override
            public void learn(long id, LineageDescriptor descriptor) {
                learned.put(id, descriptor);
            }
        };
        Headers first = new RecordHeaders();
        compact.stamp(first, null, null);
        compact.descriptorPublished();
        Headers second = new RecordHeaders();
        compact.stamp(second, null, null);

        Lineage.read(first, 1, finder);

        assertThat(Lineage.read(second, 1, finder).orElseThrow().tenant()).isEqualTo("retail");
    }

    @Test
    void eachCompactRecordOfAProducerHasItsOwnEventIdAndTheCorrelationOfAFlowIsItsFirstEventId() {
        compact.descriptorPublished();
        Headers first = new RecordHeaders();
        String firstId = compact.stamp(first, null, null);
        Headers derived = new RecordHeaders();
        String derivedId = compact.stamp(derived, Lineage.correlationOf(first).orElseThrow(), "orders/0/1");

        assertThat(derivedId).isNotEqualTo(firstId);
        assertThat(Lineage.correlationOf(first)).contains(firstId);
        assertThat(Lineage.correlationOf(derived)).contains(firstId);
        assertThat(Lineage.from(derived).orElseThrow().correlationId()).isEqualTo(firstId);
        // a format 2 event id as correlation is written as its 8 + varint bytes, not as text
        assertThat(derived.lastHeader(LineageHeaders.COMPACT).value().length)
                .isLessThan(firstId.length() + "orders/0/1".length() + 10);
    }

    @Test
    void readsFormat1AndFormat2RecordsSideBySide() {
        compact.descriptorPublished();
        Headers one = new RecordHeaders();
        stamp.stamp(one, null, null);
        Headers two = new RecordHeaders();
        compact.stamp(two, null, null);
        LineageDescriptors finder = knowing(compact);

        assertThat(Lineage.read(one, -1, finder).orElseThrow().format()).isEqualTo(1);
        assertThat(Lineage.read(two, -1, finder).orElseThrow().format()).isEqualTo(2);
        assertThat(Lineage.read(one, -1, finder).orElseThrow().tenant())
                .isEqualTo(Lineage.read(two, -1, finder).orElseThrow().tenant());
    }

    @Test
    void aMalformedCompactHeaderIsNotTakenForLineage() {
        // a sequence whose varint never ends
        Headers headers = new RecordHeaders().add(LineageHeaders.COMPACT, new byte[] {1, 2, 3, 4, 5, 6, 7, 8,
            (byte) 0x80});

        assertThat(Lineage.from(headers)).isEmpty();
        assertThat(Lineage.correlationOf(headers)).isEmpty();
    }

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
