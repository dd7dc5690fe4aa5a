package dev.headwater.governance;

import dev.headwater.contract.Violation;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * What the {@link WritePipeline} decided for one record: send it, dead-letter it, or refuse it. A record to send or
 * dead-letter comes with everything its route writes (topic, value bytes, headers with lineage and trace context,
 * event id); a refused one with the exception to give the caller. The route writes it, then tells the pipeline how it
 * ended ({@link WritePipeline#acknowledged}, {@link WritePipeline#failed} or {@link WritePipeline#handedOff}), once.
 * Not thread safe: it belongs to the send that asked for it.
 */
public final class Write {

    /** What becomes of the record. */
    public enum Outcome {
        /** Write it to the topic it was meant for. */
        SEND,
        /** Write it to the contract's dead-letter topic, with the {@code hw_dlq_*} headers. */
        DEAD_LETTER,
        /** Do not write it: the caller gets {@link #error()}. */
        REFUSED
    }

    private final Outcome outcome;
    private final String intendedTopic;
    private final String topic;
    private final byte[] value;
    private final Headers headers;
    private final String eventId;
    private final List<Violation> violations;
    private final RuntimeException error;
    final Span span;
    final WriteSteps steps;

    private Write(WriteSteps steps, Outcome outcome, String intendedTopic, String topic, byte[] value, Headers headers, String eventId,
            List<Violation> violations, RuntimeException error, Span span) {
        this.outcome = outcome;
        this.intendedTopic = intendedTopic;
        this.topic = topic;
        this.value = value;
        this.headers = headers;
        this.eventId = eventId;
        this.violations = violations;
        this.error = error;
        this.span = span;
        this.steps = steps;
    }

    static Write send(WriteSteps steps, String topic, byte[] value, Headers headers, String eventId, Span span) {
        return new Write(steps, Outcome.SEND, topic, topic, value, headers, eventId, List.of(), null, span);
    }

    static Write deadLetter(WriteSteps steps, String intendedTopic, String deadLetterTopic, byte[] value,
            Headers headers, String eventId, List<Violation> violations, Span span) {
        return new Write(steps, Outcome.DEAD_LETTER, intendedTopic, deadLetterTopic, value, headers, eventId,
                List.copyOf(violations), null, span);
    }

    static Write refused(WriteSteps steps, String intendedTopic, RuntimeException error,
            List<Violation> violations) {
        return new Write(steps, Outcome.REFUSED, intendedTopic, intendedTopic, null, null, "", List.copyOf(violations),
                Objects.requireNonNull(error, "error"), null);
    }

    /** @return what becomes of the record */
    public Outcome outcome() {
        return outcome;
    }

    /** @return the topic the record was meant for */
    public String intendedTopic() {
        return intendedTopic;
    }

    /** @return the topic to write to: the intended one, or the dead-letter topic */
    public String topic() {
        return topic;
    }

    /** @return the value in its wire format, or null (a null value, or refused) */
    public byte[] value() {
        return value;
    }

    /** @return the headers to write: the record's own, lineage, trace context and, for dead letters, why; or null */
    public Headers headers() {
        return headers;
    }

    /** @return the record's lineage event id; empty when refused */
    public String eventId() {
        return eventId;
    }

    /** @return the contract violations: why it is dead-lettered or refused; empty otherwise */
    public List<Violation> violations() {
        return violations;
    }

    /** @return why the record is refused, or null when it is written */
    public RuntimeException error() {
        return error;
    }

    @Override
    public String toString() {
        return "Write{" + outcome + " " + topic + (error == null ? "" : ": " + error.getMessage()) + "}";
    }
}
