package dev.headwater.lineage;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;

/**
 * The record a thread is handling right now, so that records produced while handling it carry its correlation id and
 * name it as their cause without any code from the application. The governed consumer sets it around each call of the
 * handler; the governed producer reads it on send.
 *
 * <p>A context made for a consumed record with {@link #of(String, int, long, Headers)} reads its ids from the record
 * only when they are first asked for, so a handler that produces nothing costs nothing. Immutable in what it returns;
 * safe to read from any thread.
 */
public final class LineageContext {

    private static final ThreadLocal<LineageContext> CURRENT = new ThreadLocal<>();

    private final String topic;
    private final int partition;
    private final long offset;
    private final Headers headers;
    private volatile String correlationId;
    private volatile String causationId;

    /**
     * Creates a context from known ids.
     *
     * @param correlationId the correlation id of the consumed record (its event id when it had none), non-null
     * @param causationId what the consumed record is, such as {@code topic/partition/offset}, non-null
     */
    public LineageContext(String correlationId, String causationId) {
        this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
        this.causationId = Objects.requireNonNull(causationId, "causationId");
        this.topic = null;
        this.partition = -1;
        this.offset = -1;
        this.headers = null;
    }

    private LineageContext(String topic, int partition, long offset, Headers headers) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /**
     * Creates the context of a consumed record: its causation id is {@code topic/partition/offset}, its correlation
     * id the record's own correlation id (see {@link Lineage#correlationOf}), or the causation id for a record without
     * lineage. Both are read when first asked for.
     *
     * @param topic the record's topic
     * @param partition the record's partition
     * @param offset the record's offset
     * @param headers the record's headers
     * @return the context
     */
    public static LineageContext of(String topic, int partition, long offset, Headers headers) {
        return new LineageContext(topic, partition, offset, headers);
    }

    /** @return the correlation id records produced in this context carry */
    public String correlationId() {
        String id = correlationId;
        if (id == null) {
            id = Lineage.correlationOf(headers).orElseGet(this::causationId);
            correlationId = id;
        }
        return id;
    }

    /** @return what records produced in this context were caused by: {@code topic/partition/offset} */
    public String causationId() {
        String id = causationId;
        if (id == null) {
            id = topic + "/" + partition + "/" + offset;
            causationId = id;
        }
        return id;
    }

    /**
     * Returns the context of the record this thread is handling.
     *
     * @return the current context, or empty outside a handler
     */
    public static Optional<LineageContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Makes this context current for the calling thread until the returned scope is closed.
     *
     * @return a scope that restores the previous context when closed
     */
    public Scope makeCurrent() {
        LineageContext previous = CURRENT.get();
        CURRENT.set(this);
        // restored by set, also to null, not remove: a consumer makes a context current for every record, and
        // removing the thread's entry each time makes the next set add it again (with the map's clean-up work)
        return () -> CURRENT.set(previous);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LineageContext that && correlationId().equals(that.correlationId())
                && causationId().equals(that.causationId());
    }

    @Override
    public int hashCode() {
        return Objects.hash(correlationId(), causationId());
    }

    @Override
    public String toString() {
        return "LineageContext[correlationId=" + correlationId() + ", causationId=" + causationId() + "]";
    }

    /** Restores the previous context when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
