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

    /** Releases clients of the service. */
    @Override
    default void close() {
    }
}
