package dev.headwater.protection.tink;

import com.google.crypto.tink.prf.PrfSet;

/**
 * Holds the key-encryption keys that wrap data keys, and the token key: a local key store, or a cloud KMS. A wrapped
 * data key carries what the service needs to unwrap it (which key-encryption key), so a key rotated since still
 * unwraps what it wrapped. Implementations are thread safe and never log, print or return key material except the
 * data keys they unwrap.
 */
public interface KeyService extends AutoCloseable {

    /**
     * @return the id of the key-encryption key that wraps new data keys now; it changes when the key is rotated, and
     *     producers then take a new data key
     * @throws dev.headwater.protection.ProtectionException when the service cannot be reached
     */
    String currentKeyId();

    /**
     * @param dataKey the clear data key
     * @param context bound to the wrapped key
     * @return the data key wrapped by the current key-encryption key
     * @throws dev.headwater.protection.ProtectionException {@code KEY_UNAVAILABLE} when the service did not answer
     */
    byte[] wrap(byte[] dataKey, byte[] context);

    /**
     * @param wrapped a wrapped data key
     * @param context what it was wrapped with
     * @return the clear data key
     * @throws dev.headwater.protection.ProtectionException {@code KEY_UNAVAILABLE} when the service did not answer,
     *     {@code NO_ACCESS}, {@code KEY_DESTROYED} or {@code UNREADABLE} for good
     */
    byte[] unwrap(byte[] wrapped, byte[] context);

    /**
     * @return the token key: the same for every application of the platform, so that tokens join
     * @throws dev.headwater.protection.ProtectionException {@code NO_ACCESS} when this service holds none
     */
    PrfSet tokenKeys();

    /**
     * The wrapped key of one subject, for crypto-shredding: records about the subject are sealed with it, and
     * {@link #destroySubjectKey} makes them unreadable.
     *
     * @param subjectId the subject's id (a token of its value, never the value)
     * @param wrappedIfAbsent stored and returned when the subject has no key yet; null to only look
     * @return the subject's wrapped key; null when it has none (never had one, or it was destroyed)
     * @throws dev.headwater.protection.ProtectionException {@code NO_ACCESS} when this service holds no subject keys
     */
    default byte[] subjectKey(String subjectId, byte[] wrappedIfAbsent) {
        throw new dev.headwater.protection.ProtectionException(
                dev.headwater.protection.ProtectionException.Reason.NO_ACCESS, this + " holds no subject keys: "
                + "crypto-shredding needs a key service that stores them (LocalKeyStore)", null);
    }

    /**
     * Destroys the key of one subject: every record sealed with it can never be read again.
     *
     * @param subjectId the subject's id
     * @return true when there was a key to destroy
     */
    default boolean destroySubjectKey(String subjectId) {
        throw new dev.headwater.protection.ProtectionException(
                dev.headwater.protection.ProtectionException.Reason.NO_ACCESS, this + " holds no subject keys", null);
    }

    /** Releases clients of the service. */
    @Override
    default void close() {
    }
}
