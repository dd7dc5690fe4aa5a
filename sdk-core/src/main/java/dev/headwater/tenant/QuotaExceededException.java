package dev.headwater.tenant;

import dev.headwater.HeadwaterException;

/** A tenant's client-side quota refused a record (reject mode, or the wait exceeded its maximum). Nothing was sent. */
public final class QuotaExceededException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    private final String tenant;

    /**
     * @param tenant the tenant
     * @param message what happened and what to do
     */
    public QuotaExceededException(String tenant, String message) {
        super(message);
        this.tenant = tenant;
    }

    /** @return the tenant */
    public String tenant() {
        return tenant;
    }
}
