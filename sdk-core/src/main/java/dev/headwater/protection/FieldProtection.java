package dev.headwater.protection;

import org.apache.kafka.common.config.ConfigException;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The keys behind a contract's field protection: producers seal values marked {@code encrypt} with a {@link DataKey}
 * and replace values marked {@code token} with a deterministic {@link #token}; consumers {@link #open} what they may
 * read. The write and read pipelines call it, so every route protects alike. {@link #NONE} holds no key: a producer
 * whose contract protects fields refuses to build with it (nothing is written in clear instead), and a consumer reads
 * the contract's masks. Implementations must be thread safe and must never log or print key material.
 */
public interface FieldProtection extends AutoCloseable {

    /** The prefix of the settings that configure field protection. */
    String PREFIX = "headwater.protection.";
    /** The record header that carries the reference of the data key the record's protected fields are sealed with. */
    String KEY_HEADER = "hw_key";
    /** The token domain of subject ids. */
    byte[] ERASURE_DOMAIN = "headwater-erasure-subject".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** No keys: seals nothing and opens nothing. */
    FieldProtection NONE = new FieldProtection() {
        @Override
        public DataKey dataKey() {
            throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, "No field protection is configured: "
                    + "set " + PREFIX + "* (headwater-protection) or fieldProtection(...) on the builder", null);
        }

        @Override
        public byte[] open(byte[] reference, byte[] ciphertext, byte[] associatedData) {
            throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, "No field protection is configured: "
                    + "this application has no key to read protected fields with", null);
        }

        @Override
        public String token(String value, byte[] associatedData) {
            throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, "No field protection is configured: "
                    + "set " + PREFIX + "* (headwater-protection) or fieldProtection(...) on the builder", null);
        }

        @Override
        public String toString() {
            return "FieldProtection.NONE";
        }
    };

    /**
     * @return the data key to seal values with now (a new one each key period, or after the key-encryption key
     *     rotated)
     * @throws ProtectionException when no data key can be had (the key service is down: {@code KEY_UNAVAILABLE})
     */
    DataKey dataKey();

    /**
     * Opens a sealed value.
     *
     * @param reference the data key's reference, from the record's {@value #KEY_HEADER} header
     * @param ciphertext the sealed value
     * @param associatedData what it was sealed with
     * @return the clear bytes
     * @throws ProtectionException why not: transient ({@code KEY_UNAVAILABLE}) or for good
     */
    byte[] open(byte[] reference, byte[] ciphertext, byte[] associatedData);

    /**
     * A deterministic token: the same value (in the same field's domain) always gives the same token, and the value
     * cannot be read back from it.
     *
     * @param value the clear value
     * @param associatedData the domain: which contract and field
     * @return the token, as text
     * @throws ProtectionException when the token key cannot be had
     */
    String token(String value, byte[] associatedData);

    /**
     * The id of a subject (for crypto-shredding): a token of its value in a domain of its own, the same in every
     * contract, so that one subject's records share one key wherever they are.
     *
     * @param value the subject's value, such as a customer id
     * @return its id; never the value
     */
    default String subjectId(String value) {
        return token(value, ERASURE_DOMAIN);
    }

    /**
     * The data key records about one subject are sealed with, made when the subject has none.
     *
     * @param subjectId the subject's id, from {@link #subjectId}
     * @return the subject's data key
     * @throws ProtectionException {@code NO_ACCESS} when these keys hold no subject keys (the default)
     */
    default DataKey subjectKey(String subjectId) {
        throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, this + " holds no subject keys: "
                + "crypto-shredding (a contract's erasureSubject) needs keys that store them", null);
    }

    /**
     * Destroys the key of one subject: every record sealed with it can never be read again (crypto-shredding).
     *
     * @param subjectId the subject's id, from {@link #subjectId}
     * @return true when there was a key to destroy
     * @throws ProtectionException {@code NO_ACCESS} when these keys hold no subject keys (the default)
     */
    default boolean destroySubjectKey(String subjectId) {
        throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, this + " holds no subject keys", null);
    }

    /** Releases what the keys hold (clients of a key service). The default does nothing. */
    @Override
    default void close() {
    }

    /**
     * Creates the field protection a client's settings ask for, through the {@link FieldProtectionProvider} on the
     * classpath; {@link #NONE} when no {@value #PREFIX}{@code *} setting is given.
     *
     * @param settings a client's settings; only the {@value #PREFIX} keys are read
     * @return the protection
     * @throws ConfigException when protection is configured but no provider takes the settings
     */
    static FieldProtection configure(Map<String, ?> settings) {
        Map<String, Object> given = new HashMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                given.put(key.substring(PREFIX.length()), value);
            }
        });
        if (given.isEmpty()) {
            return NONE;
        }
        for (FieldProtectionProvider provider : ServiceLoader.load(FieldProtectionProvider.class,
                FieldProtection.class.getClassLoader())) {
            FieldProtection protection = provider.create(given);
            if (protection != null) {
                return protection;
            }
        }
        throw new ConfigException(PREFIX + given.keySet().stream().sorted().findFirst().orElseThrow(), "",
                "field protection is configured but no provider is on the classpath: add the dependency "
                + "dev.headwater:headwater-protection");
    }
}
