package dev.headwater;

/**
 * Root of every exception Headwater throws. Unchecked, like Kafka's {@code KafkaException}: callers catch the specific
 * subclass they can act on (a contract violation, a refused quota, a registry error) or this type to catch them all.
 *
 * <p>Messages say what happened, to what (topic, partition, offset, field, rule, configuration key) and what to do.
 */
public class HeadwaterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what happened, to what, and what to do
     */
    public HeadwaterException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the cause that led to it.
     *
     * @param message what happened, to what, and what to do
     * @param cause the underlying failure
     */
    public HeadwaterException(String message, Throwable cause) {
        super(message, cause);
    }
}
