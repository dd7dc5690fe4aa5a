package dev.headwater.protection;

import dev.headwater.HeadwaterException;

import java.util.Objects;

/**
 * A protected value could not be sealed or opened. {@link #reason()} says whether it is worth trying again
 * ({@link Reason#KEY_UNAVAILABLE}: the key service did not answer) or not (no access, a destroyed key, a value that is
 * not what this application sealed). Messages never hold key material nor clear values.
 */
public class ProtectionException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    /** Why a value could not be sealed or opened. */
    public enum Reason {
        /** The key service did not answer, or answered that it is busy: transient, try again later. */
        KEY_UNAVAILABLE,
        /** This application may not use the key: its reader sees the mask. */
        NO_ACCESS,
        /** The key was destroyed (a shredded subject): the value can never be read again. */
        KEY_DESTROYED,
        /** The value is not a sealed value this key opens (altered, or written by something else). */
        UNREADABLE;

        /** @return the name used in metrics: {@code key_unavailable}, {@code no_access}, ... */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    /**
     * @param reason why
     * @param message what happened and what to do; never key material or clear values
     * @param cause the underlying failure, may be null
     */
    public ProtectionException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why */
    public Reason reason() {
        return reason;
    }

    /** @return true when trying again later may succeed: the key service did not answer */
    public boolean isTransient() {
        return reason == Reason.KEY_UNAVAILABLE;
    }
}
