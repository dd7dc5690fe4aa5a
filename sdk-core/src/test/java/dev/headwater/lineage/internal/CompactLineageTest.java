package dev.headwater.lineage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.lineage.LineageDescriptor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CompactLineageTest {

    private static final LineageDescriptor DESCRIPTOR = new LineageDescriptor("orders-service", "2.3.1", "retail",
            "team-orders", "retail.OrderPlaced", "retail.orders.placed.v1-value", "1.2.0", 7,
            "http://registry:8081/schemas/ids/7", "application/avro");

    @Test
    void aRecordThatStartsAFlowTakes11To13BytesForItsFirst34BillionRecordsWithItsKeyWithin16() {
        CompactLineage.Writer writer = new CompactLineage.Writer(-1L, DESCRIPTOR);

        for (long sequence : new long[] {0, 127, 128, 1L << 21, (1L << 35) - 1}) {
            byte[] value = writer.write(sequence, null, null, false);
            assertThat("hw".length() + value.length).as("sequence %d", sequence).isLessThanOrEqualTo(15);
            assertThat(value.length).isEqualTo(8 + CompactLineage.varintSize(sequence));
            assertThat(CompactLineage.read(value).sequence()).isEqualTo(sequence);
        }
    }

    @Test
    void readsBackEveryPartItWrote() {
        CompactLineage.Writer writer = new CompactLineage.Writer(0x0123456789abcdefL, DESCRIPTOR);
        String correlation = CompactLineage.eventId(0xfedcba9876543210L, 300);

        CompactLineage.Value value = CompactLineage.read(writer.write(42, correlation, "orders/2/17", true));

        assertThat(value.descriptorId()).isEqualTo(0x0123456789abcdefL);
        assertThat(value.sequence()).isEqualTo(42);
        assertThat(value.eventId()).isEqualTo("0123456789abcdef-42").isEqualTo(writer.eventId(42));
        assertThat(value.correlationId()).isEqualTo("fedcba9876543210-300");
        assertThat(value.causationId()).isEqualTo("orders/2/17");
        assertThat(value.descriptor()).isEqualTo(DESCRIPTOR);
    }

    @Test
    void theWritersEventIdIsTheDescriptorIdInHexADashAndTheSequenceInDecimal() {
        CompactLineage.Writer writer = new CompactLineage.Writer(0x00000000000000a5L, DESCRIPTOR);

        for (long sequence : new long[] {0, 9, 10, 99, 100, 1_000_000, 999_999_999, 1_000_000_000, Integer.MAX_VALUE,
                Integer.MAX_VALUE + 1L, 12_345_678_901L, Long.MAX_VALUE, -1}) {
            assertThat(writer.eventId(sequence)).as("sequence %d", sequence)
                    .isEqualTo("00000000000000a5-" + Long.toUnsignedString(sequence))
                    .isEqualTo(CompactLineage.eventId(0xa5L, sequence));
        }
    }

    @Test
    void correlationIdsOfOtherFormsAreKeptAsText() {
        CompactLineage.Writer writer = new CompactLineage.Writer(1, DESCRIPTOR);

        for (String correlation : new String[] {"corr-42", "0123456789abcdef-042", "0123456789ABCDEF-1",
            "0123456789abcdef-", "0123456789abcdef-18446744073709551616", "", "ünïcode-✓",
            "018f4a2c-7d3e-7b21-9c44-5e6f70819a2b"}) {
            assertThat(CompactLineage.read(writer.write(1, correlation, null, false)).correlationId())
                    .isEqualTo(correlation);
        }
    }

    @Test
    void aDescriptorRoundTripsWithAnyText() {
        LineageDescriptor unusual = new LineageDescriptor("ünïcode ✓", "", "", "", "", "", "", -1, "", "x".repeat(300));

        byte[] bytes = CompactLineage.writeDescriptor(unusual);

        assertThat(CompactLineage.readDescriptor(bytes, 0, bytes.length)).isEqualTo(unusual);
    }

    @Test
    void truncatedOrCorruptValuesAreRefusedWithAnIllegalArgumentNeverAnIndexError() {
        CompactLineage.Writer writer = new CompactLineage.Writer(5, DESCRIPTOR);
        byte[] whole = writer.write(1_000_000, "corr", "orders/0/1", true);
        int idAndSequence = 8 + CompactLineage.varintSize(1_000_000);
        for (int length = 0; length < whole.length; length++) {
            byte[] truncated = Arrays.copyOf(whole, length);
            if (length == idAndSequence) {
                // cut right after the sequence: a well-formed value of a record that starts a flow
                assertThat(CompactLineage.read(truncated).correlationId()).isNull();
            } else if (CompactLineage.isCompact(truncated)) {
                assertThatThrownBy(() -> CompactLineage.read(truncated)).isInstanceOf(IllegalArgumentException.class);
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] noise = new byte[random.nextInt(10, 60)];
            for (int b = 0; b < noise.length; b++) {
                noise[b] = (byte) random.nextInt(256);
            }
            noise[noise.length / 2] = (byte) (0x20 | random.nextInt(8));
            try {
                CompactLineage.read(noise);
            } catch (IllegalArgumentException expected) {
                // refused as it should be
            }
        }
    }

    @Test
    void hexKeysOfDescriptorsRoundTrip() {
        for (long id : new long[] {0, 1, -1, Long.MIN_VALUE, 0x0123456789abcdefL}) {
            assertThat(CompactLineage.parseHex(CompactLineage.hex(id))).isEqualTo(id);
        }
        assertThatThrownBy(() -> CompactLineage.parseHex("abc")).isInstanceOf(NumberFormatException.class);
    }
}
