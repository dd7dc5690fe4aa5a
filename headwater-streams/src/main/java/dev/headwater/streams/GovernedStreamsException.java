package dev.headwater.streams;

import dev.headwater.HeadwaterException;
import dev.headwater.governance.Read;
import dev.headwater.governance.Write;

/**
 * A record the Streams route did not pass: an output its contract refused or dead-letters, or an input that could
 * not be read or broke the read rules. Thrown by {@link GovernedSerde} to Kafka Streams, whose exception handlers
 * ({@link GovernedProductionExceptionHandler}, {@link GovernedDeserializationExceptionHandler}) turn it into the
 * dead letter the pipeline decided, so that the application keeps running.
 */
public final class GovernedStreamsException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    /** The write decision of an output; null for an input. */
    private final transient Write write;
    /** The read outcome of an input; null for an output. */
    private final transient Read read;

    private GovernedStreamsException(String message, Throwable cause, Write write, Read read) {
        super(message, cause);
        this.write = write;
        this.read = read;
    }

    static GovernedStreamsException deadLettered(Write write) {
        return new GovernedStreamsException("The output for topic '" + write.intendedTopic() + "' broke rules that "
                + "dead-letter it (" + write.violations() + "): it goes to '" + write.topic() + "' instead", null,
                write, null);
    }

    static GovernedStreamsException refused(Write write) {
        return new GovernedStreamsException("The output for topic '" + write.intendedTopic() + "' was refused: "
                + write.error().getMessage(), write.error(), write, null);
    }

    static GovernedStreamsException unread(Read read) {
        return new GovernedStreamsException("The input from topic '" + read.record().topic() + "' was not read ("
                + read.outcome() + (read.reason().isEmpty() ? "" : ", " + read.reason()) + "): "
                + (read.error() == null ? "" : read.error().getMessage()), read.error(), null, read);
    }

    /** @return the write decision of a refused or dead-lettered output; null for an input */
    public Write write() {
        return write;
    }

    /** @return the read outcome of an input not read; null for an output */
    public Read read() {
        return read;
    }
}
