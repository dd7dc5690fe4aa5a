package dev.headwater.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.lineage.internal.CompactLineage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The test vectors of the lineage format 2 specification ({@code docs/lineage-format-2.md}), read from the
 * specification itself: what this reader makes of each value, and the bytes this writer writes for the same event.
 */
class LineageFormat2SpecTest {

    static final Path SPEC = Path.of("../docs/lineage-format-2.md");
    static final LineageDescriptor D = new LineageDescriptor("orders-service", "2.3.1", "retail", "team-orders",
            "retail.OrderPlaced", "retail.orders.placed.v1-value", "1.2.0", 7,
            "http://registry:8081/schemas/ids/7", "application/avro");

    /** One row of the specification's table. */
    record Vector(String hex, String meaning, boolean written, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Vector> vectors() throws IOException {
        List<Vector> vectors = new ArrayList<>();
        boolean table = false;
        for (String line : Files.readAllLines(SPEC)) {
            if (line.startsWith("<!-- vectors:")) {
                table = true;
            } else if (table && line.startsWith("| `")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|");
                vectors.add(new Vector(cells[0].trim().replace("`", ""), cells[1].trim(),
                        cells[2].trim().equals("yes"), cells[3].trim()));
            }
        }
        assertThat(vectors).as("the vectors of %s", SPEC).hasSizeGreaterThan(10);
        return vectors.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theReaderMakesOfEachValueWhatTheSpecificationSays(Vector vector) {
        byte[] value = HexFormat.of().parseHex(vector.hex());
        RecordHeaders headers = new RecordHeaders();
        headers.add(LineageHeaders.COMPACT, value);
        if (vector.meaning().equals("refuse")) {
            assertThatThrownBy(() -> CompactLineage.read(value)).isInstanceOf(IllegalArgumentException.class);
            assertThat(Lineage.read(headers, 0, LineageDescriptors.none())).as("a refused value is no lineage")
                    .isEmpty();
            return;
        }
        Map<String, String> meaning = parse(vector.meaning());
        CompactLineage.Value read = CompactLineage.read(value);
        Lineage lineage = Lineage.read(headers, 0, LineageDescriptors.none()).orElseThrow();
        assertThat(lineage.eventId()).isEqualTo(meaning.get("event")).isEqualTo(read.eventId());
        assertThat(Lineage.eventIdOf(headers)).contains(meaning.get("event"));
        if (meaning.get("correlation").equals("unknown")) {
            assertThat(read.flowUnknown()).isTrue();
            assertThat(lineage.correlationId()).isEmpty();
            assertThat(lineage.complete()).isFalse();
        } else {
            assertThat(lineage.correlationId()).isEqualTo(meaning.get("correlation"));
        }
        if (!meaning.get("causation").equals("unknown")) {
            assertThat(lineage.causationId()).isEqualTo(meaning.get("causation"));
        }
        switch (meaning.get("descriptor")) {
            case "D" -> {
                assertThat(read.descriptor()).isEqualTo(D);
                assertThat(lineage.complete()).isTrue();
                assertThat(lineage.application()).isEqualTo("orders-service");
            }
            case "unknown" -> {
                assertThat(read.descriptor()).isNull();
                assertThat(read.descriptorUnknown() || read.flowUnknown()).isTrue();
                assertThat(lineage.complete()).isFalse();
            }
            default -> {
                assertThat(read.descriptor()).isNull();
                assertThat(read.descriptorUnknown()).isFalse();
            }
        }
        if (vector.written()) {
            long sequence = Long.parseUnsignedLong(meaning.get("event").substring(17));
            String correlation = meaning.get("correlation").equals(meaning.get("event")) ? null
                    : meaning.get("correlation");
            String causation = meaning.get("causation").isEmpty() ? null : meaning.get("causation");
            byte[] written = new CompactLineage.Writer(read.descriptorId(), D).write(sequence, correlation, causation,
                    meaning.get("descriptor").equals("D"));
            assertThat(HexFormat.of().formatHex(written)).as("what the writer writes for the same event")
                    .isEqualTo(vector.hex());
        }
    }

    private static Map<String, String> parse(String meaning) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : meaning.split(";")) {
            String[] pair = part.trim().split("=", 2);
            parts.put(pair[0], pair.length > 1 ? pair[1] : "");
        }
        return parts;
    }
}
