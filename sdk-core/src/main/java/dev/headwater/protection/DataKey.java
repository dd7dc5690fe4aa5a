package dev.headwater.protection;

/**
 * The data key a producer seals values with now: authenticated encryption under a key of its own, and a reference a
 * consumer hands back to {@link FieldProtection#open} (the data key wrapped by a key-encryption key, or its id). Every
 * protected field of a record is sealed with one data key, and the record carries its reference once, in the
 * {@value FieldProtection#KEY_HEADER} header. Thread safe.
 */
public interface DataKey {

    /** @return what a consumer needs besides the ciphertext to open it; never the clear key */
    byte[] reference();

    /**
     * @param clear the value's bytes
     * @param associatedData bound to the ciphertext, not in it: which contract and field it belongs to
     * @return the ciphertext
     * @throws ProtectionException when it cannot be sealed
     */
    byte[] seal(byte[] clear, byte[] associatedData);
}
