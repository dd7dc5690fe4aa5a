package dev.headwater.deadletter.internal;

import dev.headwater.contract.Violation;
import dev.headwater.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;

/**
 * Writes the {@link DeadLetterHeaders} of a dead-lettered record: the one place both the producer and the consumer
 * side write them, so they cannot drift apart. Internal: not for users.
 */
public final class DeadLetterRecords {

    private DeadLetterRecords() {
    }

    /**
     * Why and where a record was set aside. Fields that do not apply are empty strings or -1.
     *
     * @param reason {@code CONTRACT_VIOLATION}, {@code DESERIALIZATION} or {@code HANDLER}
     * @param error the exception that refused the record
     * @param violations the contract violations, empty when none
     * @param contract {@code subject@version} of the contract checked, or empty
     * @param application the application that set the record aside (producer side), or empty
     * @param sourceTopic the topic the record was meant for (producer) or read from (consumer)
     * @param sourcePartition the partition it was read from, or -1
     * @param sourceOffset the offset it was read from, or -1
     * @param consumerGroup the consumer group that refused it, or empty
     */
    public record Reason(String reason, Throwable error, List<Violation> violations, String contract,
            String application, String sourceTopic, int sourcePartition, long sourceOffset, String consumerGroup) {

        /** Checks that nothing is null. */
        public Reason {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(error, "error");
            violations = List.copyOf(violations);
            Objects.requireNonNull(contract, "contract");
            Objects.requireNonNull(application, "application");
            Objects.requireNonNull(sourceTopic, "sourceTopic");
            Objects.requireNonNull(consumerGroup, "consumerGroup");
        }

        /** @return where the record was read from or meant for, for messages */
        public String where() {
            return sourcePartition < 0 ? "topic '" + sourceTopic + "'" : "topic '" + sourceTopic + "' partition "
                    + sourcePartition + " offset " + sourceOffset;
        }
    }

    /**
     * Writes every dead-letter header that applies, replacing earlier values of the same keys (a record dead-lettered
     * twice says why the last time).
     *
     * @param headers the record's headers, changed in place; its own headers are kept
     * @param reason why and where
     */
    public static void mark(Headers headers, Reason reason) {
        put(headers, DeadLetterHeaders.REASON, reason.reason());
        put(headers, DeadLetterHeaders.ERROR_CLASS, reason.error().getClass().getName());
        put(headers, DeadLetterHeaders.ERROR_MESSAGE, String.valueOf(reason.error().getMessage()));
        if (!reason.violations().isEmpty()) {
            put(headers, DeadLetterHeaders.RULES, reason.violations().stream().map(Violation::rule).distinct()
                    .collect(Collectors.joining(",")));
            put(headers, DeadLetterHeaders.VIOLATIONS, reason.violations().stream().map(Violation::toString)
                    .collect(Collectors.joining("\n")));
        }
        if (!reason.contract().isEmpty()) {
            put(headers, DeadLetterHeaders.CONTRACT, reason.contract());
        }
        if (!reason.application().isEmpty()) {
            put(headers, DeadLetterHeaders.APPLICATION, reason.application());
        }
        put(headers, DeadLetterHeaders.SOURCE_TOPIC, reason.sourceTopic());
        if (reason.sourcePartition() >= 0) {
            put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(reason.sourcePartition()));
            put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(reason.sourceOffset()));
        }
        if (!reason.consumerGroup().isEmpty()) {
            put(headers, DeadLetterHeaders.CONSUMER_GROUP, reason.consumerGroup());
        }
        put(headers, DeadLetterHeaders.TIME, Instant.now().toString());
    }

    /**
     * Sets a header, replacing any earlier value of the same key.
     *
     * @param headers the record's headers
     * @param key the header key
     * @param value the value, written as UTF-8
     */
    public static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
