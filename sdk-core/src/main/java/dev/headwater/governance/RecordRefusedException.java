package dev.headwater.governance;

import dev.headwater.HeadwaterException;
import java.util.Objects;

/**
 * A consumed record the {@link ReadPipeline} refused (it cannot be decoded, or breaks a read rule), thrown by routes
 * whose framework handles failures itself (Spring's error handler), so that it dead-letters exactly what the pipeline
 * decided. Its message is the refusal's; its cause the exception that refused the record.
 */
public final class RecordRefusedException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    private final transient Read read;

    /** @param read the refused record */
    public RecordRefusedException(Read read) {
        super(Objects.requireNonNull(read, "read").error().getMessage(), read.error());
        this.read = read;
    }

    /** @return the refusal: reason, error, violations, the record as read */
    public Read read() {
        return read;
    }
}
