package dev.headwater.lineage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FastTextTest {

    @Test
    void writesUuidsLikeUuidToString() {
        for (int i = 0; i < 1000; i++) {
            UUID uuid = i % 2 == 0 ? UUID.randomUUID() : TimeOrderedUuid.next();
            assertThat(new String(FastText.uuid(uuid), StandardCharsets.US_ASCII)).isEqualTo(uuid.toString());
        }
    }

    @Test
    void writesTimesAsRfc3339WithMillisecondsThatInstantParsesBack() {
        Random random = new Random(7);
        long[] samples = {0L, 1_795_000_000_000L, 1_795_000_020_000L, 1_795_000_020_007L, -1L};
        for (long millis : samples) {
            assertRoundTrip(millis);
        }
        for (int i = 0; i < 1000; i++) {
            assertRoundTrip(Math.floorMod(random.nextLong(), 4_000_000_000_000L));
        }
    }

    @Test
    void readsBackEveryTimeItWritesIncludingAcrossSecondAndDayBoundaries() {
        Random random = new Random(11);
        long[] samples = {0L, 999L, 1000L, 1_795_000_019_999L, 1_795_000_020_000L, 1_795_046_399_999L,
            1_795_046_400_000L, -1L, -86_400_001L};
        for (long millis : samples) {
            assertThat(FastText.parseInstant(FastText.instant(millis))).isEqualTo(millis);
        }
        for (int i = 0; i < 10_000; i++) {
            long millis = Math.floorMod(random.nextLong(), 4_000_000_000_000L);
            assertThat(FastText.parseInstant(FastText.instant(millis))).as("%d", millis).isEqualTo(millis);
        }
    }

    @Test
    void leavesOtherRfc3339FormsAndMalformedTimesToTheFullParser() {
        String[] others = {"2026-11-26T14:00:00Z", "2026-11-26T14:00:00.123456Z", "2026-11-26T15:00:00.123+01:00",
            "2026-13-26T14:00:00.123Z", "2026-02-30T14:00:00.123Z", "2026-11-26T25:00:00.123Z",
            "2026-11-26 14:00:00.123Z", "2026-11-26T14:0a:00.123Z", "2026-11-26T14:00:00.12xZ", "", "not a time"};
        for (String other : others) {
            assertThat(FastText.parseInstant(other.getBytes(StandardCharsets.US_ASCII))).as(other)
                    .isEqualTo(Long.MIN_VALUE);
        }
        assertThat(FastText.parseInstant(null)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void timeOrderedUuidsAreVersionSevenAndIncrease() {
        UUID previous = TimeOrderedUuid.next();
        for (int i = 0; i < 10_000; i++) {
            UUID next = TimeOrderedUuid.next();
            assertThat(next.version()).isEqualTo(7);
            assertThat(next.variant()).isEqualTo(2);
            assertThat(Long.compareUnsigned(next.getMostSignificantBits(), previous.getMostSignificantBits()))
                    .isPositive();
            previous = next;
        }
    }

    private static void assertRoundTrip(long millis) {
        String text = new String(FastText.instant(millis), StandardCharsets.US_ASCII);
        assertThat(text).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.parse(text)).isEqualTo(Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.MILLIS));
    }
}
