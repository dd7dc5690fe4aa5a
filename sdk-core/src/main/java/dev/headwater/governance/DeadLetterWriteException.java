package dev.headwater.governance;

import dev.headwater.HeadwaterException;

/**
 * A dead letter could not be written: the record it was made for was neither written where it was meant to go nor
 * set aside, and must not be counted as done (a consumer leaves it uncommitted; a producer's caller gets this).
 */
public final class DeadLetterWriteException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be written where, and what to check
     * @param cause why
     */
    public DeadLetterWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
