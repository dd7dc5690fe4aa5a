package dev.headwater.lineage;

import java.util.Objects;
import java.util.Optional;

/**
 * The record a thread is handling right now, so that records produced while handling it carry its correlation id and
 * name it as their cause without any code from the application. The governed consumer sets it around each call of the
 * handler; the governed producer reads it on send.
 *
 * @param correlationId the correlation id of the consumed record (its event id when it had none)
 * @param causationId what the consumed record is: {@code topic/partition/offset}
 */
public record LineageContext(String correlationId, String causationId) {

    private static final ThreadLocal<LineageContext> CURRENT = new ThreadLocal<>();

    /**
     * Creates a context.
     *
     * @param correlationId the correlation id, non-null
     * @param causationId the causation id, non-null
     */
    public LineageContext {
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(causationId, "causationId");
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
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** Restores the previous context when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
