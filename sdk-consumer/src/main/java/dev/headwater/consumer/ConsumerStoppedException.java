package dev.headwater.consumer;

import dev.headwater.HeadwaterException;

/**
 * Thrown by the governed consumer's loop when a record could not be handled and there is no dead-letter topic to set it
 * aside (stop-on-error). The record's offset was not committed: after a fix, consumption resumes at that record.
 */
public final class ConsumerStoppedException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the topic, partition and offset of the record and what to do
     * @param cause why the record failed
     */
    public ConsumerStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
