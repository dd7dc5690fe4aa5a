package dev.headwater.protection.tink;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.prf.PrfSet;
import com.google.crypto.tink.subtle.Random;
import dev.headwater.protection.DataKey;
import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.ProtectionException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Envelope encryption with Google Tink. A producer seals values with an AES-256-GCM data key of its own, made afresh
 * each key period (and when the key service's key-encryption key rotated), wrapped by that key-encryption key; the
 * wrapped data key is the reference each record carries (in the {@value FieldProtection#KEY_HEADER} header: one byte
 * of version and the wrapped key, 66 bytes with a {@link LocalKeyStore}). A consumer unwraps each data key once and
 * keeps it (a bounded number of them); a key it may not unwrap is asked again after a short while, never per record.
 * Tokens are an HMAC-SHA256 PRF of the field's domain and value under the key service's token key, 16 bytes in
 * unpadded base64url (22 characters). Thread safe; never logs nor prints keys.
 */
public final class TinkFieldProtection implements FieldProtection {

    /** The version byte that starts the reference of a producer's data key: the wrapped key follows. */
    static final byte VERSION = 1;
    /** The version byte that starts the reference of a subject's key: the subject's id follows. */
    static final byte SUBJECT = 2;
    /** How long a subject's key, once had, is used without asking the key store whether it was destroyed. */
    static final Duration SUBJECT_KEY_TTL = Duration.ofSeconds(30);
    private static final byte[] WRAP_CONTEXT = "headwater-data-key/1".getBytes(StandardCharsets.UTF_8);
    private static final int TOKEN_BYTES = 16;
    /** How often a producer asks the key service whether its key-encryption key rotated, unless told otherwise. */
    public static final Duration ROTATION_CHECK = Duration.ofSeconds(1);
    private static final long RETRY_REFUSED_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int OPENED_KEYS = 10_000;

    private final KeyService keys;
    private final long periodNanos;
    private final long rotationCheckNanos;
    private final LongSupplier clock;
    private final boolean closeKeys;
    private volatile Sealing current;
    private volatile long rotationCheckedAt;
    private volatile PrfSet tokens;
    private final Map<String, Sealing> subjects = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sealing> eldest) {
            return size() > OPENED_KEYS;
        }
    };
    private final Map<ByteBuffer, Opened> opened = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Opened> eldest) {
            return size() > OPENED_KEYS;
        }
    };

    /**
     * @param keys the key service
     * @param dataKeyPeriod how long a producer seals with one data key
     * @param closeKeys whether closing this closes the key service
     */
    public TinkFieldProtection(KeyService keys, Duration dataKeyPeriod, boolean closeKeys) {
        this(keys, dataKeyPeriod, ROTATION_CHECK, closeKeys);
    }

    /**
     * @param keys the key service
     * @param dataKeyPeriod how long a producer seals with one data key
     * @param rotationCheck how often a producer asks the key service whether its key-encryption key rotated (zero:
     *     before every record; each ask reads the key store file or asks the service)
     * @param closeKeys whether closing this closes the key service
     */
    public TinkFieldProtection(KeyService keys, Duration dataKeyPeriod, Duration rotationCheck, boolean closeKeys) {
        this(keys, dataKeyPeriod, rotationCheck, closeKeys, System::nanoTime);
    }

    /** With the clock of a test. */
    TinkFieldProtection(KeyService keys, Duration dataKeyPeriod, Duration rotationCheck, boolean closeKeys,
            LongSupplier clock) {
        TinkKeys.register();
        this.keys = Objects.requireNonNull(keys, "keys");
        if (dataKeyPeriod.isNegative() || dataKeyPeriod.isZero()) {
            throw new IllegalArgumentException("dataKeyPeriod must be positive, was " + dataKeyPeriod);
        }
        if (rotationCheck.isNegative()) {
            throw new IllegalArgumentException("rotationCheck must not be negative, was " + rotationCheck);
        }
        this.periodNanos = dataKeyPeriod.toNanos();
        this.rotationCheckNanos = rotationCheck.toNanos();
        this.closeKeys = closeKeys;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param keys the key service, left open when this closes
     * @return protection with a new data key every hour
     */
    public static TinkFieldProtection of(KeyService keys) {
        return new TinkFieldProtection(keys, Duration.ofHours(1), false);
    }

    @Override
    public DataKey dataKey() {
        Sealing sealing = current;
        long now = clock.getAsLong();
        if (sealing != null && now - sealing.made < periodNanos && (now - rotationCheckedAt < rotationCheckNanos
                || sealing.keyEncryptionKey.equals(checkedKeyId(now)))) {
            return sealing;
        }
        synchronized (this) {
            sealing = current;
            String keyId = checkedKeyId(now);
            if (sealing == null || now - sealing.made >= periodNanos || !sealing.keyEncryptionKey.equals(keyId)) {
                sealing = newDataKey(keyId, now);
                current = sealing;
            }
            return sealing;
        }
    }

    private String checkedKeyId(long now) {
        String id = keys.currentKeyId();
        rotationCheckedAt = now;
        return id;
    }

    private Sealing newDataKey(String keyId, long now) {
        byte[] clear = Random.randBytes(TinkKeys.KEY_BYTES);
        try {
            byte[] wrapped = keys.wrap(clear, WRAP_CONTEXT);
            byte[] reference = new byte[1 + wrapped.length];
            reference[0] = VERSION;
            System.arraycopy(wrapped, 0, reference, 1, wrapped.length);
            return new Sealing(TinkKeys.aesGcm(clear), reference, keyId, now);
        } catch (GeneralSecurityException e) {
            throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "Could not make a data key", e);
        } finally {
            Arrays.fill(clear, (byte) 0);
        }
    }

    @Override
    public byte[] open(byte[] reference, byte[] ciphertext, byte[] associatedData) {
        Aead aead = opener(reference);
        try {
            return aead.decrypt(ciphertext, associatedData);
        } catch (GeneralSecurityException e) {
            throw new ProtectionException(ProtectionException.Reason.UNREADABLE, "The sealed value does not open "
                    + "with its data key: it was altered, or moved from another field", null);
        }
    }

    private Aead opener(byte[] reference) {
        ByteBuffer id = ByteBuffer.wrap(reference);
        Opened known;
        synchronized (opened) {
            known = opened.get(id);
        }
        long now = clock.getAsLong();
        boolean subject = reference.length > 1 && reference[0] == SUBJECT;
        if (known != null && (known.aead != null && !subject || now - known.at < (subject
                ? SUBJECT_KEY_TTL.toNanos() : RETRY_REFUSED_NANOS))) {
            if (known.aead != null) {
                return known.aead;
            }
            throw known.refused;
        }
        if (reference.length < 2 || reference[0] != VERSION && reference[0] != SUBJECT) {
            throw new ProtectionException(ProtectionException.Reason.UNREADABLE, "The " + KEY_HEADER + " header is "
                    + "not a data key reference of version " + VERSION + " or " + SUBJECT, null);
        }
        Opened result;
        byte[] clear = null;
        try {
            byte[] wrapped = Arrays.copyOfRange(reference, 1, reference.length);
            if (subject) {
                String subjectId = new String(wrapped, StandardCharsets.UTF_8);
                wrapped = keys.subjectKey(subjectId, null);
                if (wrapped == null) {
                    throw new ProtectionException(ProtectionException.Reason.KEY_DESTROYED, "The key of the record's "
                            + "subject was destroyed (crypto-shredding): its protected fields can never be read", null);
                }
            }
            clear = keys.unwrap(wrapped, WRAP_CONTEXT);
            result = new Opened(TinkKeys.aesGcm(clear), null, now);
        } catch (ProtectionException e) {
            if (e.isTransient()) {
                throw e; // the key service did not answer: ask again with the next attempt
            }
            result = new Opened(null, e, now);
        } catch (GeneralSecurityException e) {
            result = new Opened(null, new ProtectionException(ProtectionException.Reason.UNREADABLE,
                    "The unwrapped data key is not an AES-256 key", null), now);
        } finally {
            if (clear != null) {
                Arrays.fill(clear, (byte) 0);
            }
        }
        synchronized (opened) {
            opened.put(ByteBuffer.wrap(reference.clone()), result);
        }
        if (result.aead == null) {
            throw result.refused;
        }
        return result.aead;
    }

    @Override
    public String token(String value, byte[] associatedData) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[associatedData.length + 1 + text.length];
        System.arraycopy(associatedData, 0, input, 0, associatedData.length);
        System.arraycopy(text, 0, input, associatedData.length + 1, text.length);
        PrfSet prf = tokens;
        if (prf == null) {
            prf = keys.tokenKeys(); // the token key never changes: tokens must stay the same to join
            tokens = prf;
        }
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(prf.computePrimary(input, TOKEN_BYTES));
        } catch (GeneralSecurityException e) {
            throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "Could not compute a token", e);
        }
    }

    @Override
    public DataKey subjectKey(String subjectId) {
        long now = clock.getAsLong();
        Sealing known;
        synchronized (subjects) {
            known = subjects.get(subjectId);
        }
        if (known != null && now - known.made < SUBJECT_KEY_TTL.toNanos()) {
            return known;
        }
        byte[] clear = Random.randBytes(TinkKeys.KEY_BYTES);
        byte[] stored = null;
        try {
            byte[] wrapped = keys.subjectKey(subjectId, keys.wrap(clear, WRAP_CONTEXT));
            stored = keys.unwrap(wrapped, WRAP_CONTEXT); // another producer's key when it made one first
            byte[] id = subjectId.getBytes(StandardCharsets.UTF_8);
            byte[] reference = new byte[1 + id.length];
            reference[0] = SUBJECT;
            System.arraycopy(id, 0, reference, 1, id.length);
            Sealing sealing = new Sealing(TinkKeys.aesGcm(stored), reference, "subject", now);
            synchronized (subjects) {
                subjects.put(subjectId, sealing);
            }
            return sealing;
        } catch (GeneralSecurityException e) {
            throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "Could not make a subject key",
                    e);
        } finally {
            Arrays.fill(clear, (byte) 0);
            if (stored != null) {
                Arrays.fill(stored, (byte) 0);
            }
        }
    }

    @Override
    public boolean destroySubjectKey(String subjectId) {
        boolean destroyed = keys.destroySubjectKey(subjectId);
        synchronized (subjects) {
            subjects.remove(subjectId);
        }
        forgetOpenedKeys();
        return destroyed;
    }

    /** Forgets every data key opened, so that the next record asks the key service again. */
    public void forgetOpenedKeys() {
        synchronized (opened) {
            opened.clear();
        }
    }

    @Override
    public void close() {
        if (closeKeys) {
            try {
                keys.close();
            } catch (Exception e) {
                throw new IllegalStateException("Could not close key service " + keys, e);
            }
        }
    }

    /** Names the key service only. */
    @Override
    public String toString() {
        return "TinkFieldProtection{" + keys + "}";
    }

    /** A data key in use by a producer. */
    private static final class Sealing implements DataKey {
        private final Aead aead;
        private final byte[] reference;
        private final String keyEncryptionKey;
        private final long made;

        Sealing(Aead aead, byte[] reference, String keyEncryptionKey, long made) {
            this.aead = aead;
            this.reference = reference;
            this.keyEncryptionKey = keyEncryptionKey;
            this.made = made;
        }

        @Override
        public byte[] reference() {
            return reference.clone();
        }

        @Override
        public byte[] seal(byte[] clear, byte[] associatedData) {
            try {
                return aead.encrypt(clear, associatedData);
            } catch (GeneralSecurityException e) {
                throw new ProtectionException(ProtectionException.Reason.UNREADABLE, "Could not seal a value", e);
            }
        }

        @Override
        public String toString() {
            return "DataKey{wrapped by " + keyEncryptionKey + "}";
        }
    }

    /** A data key a consumer unwrapped, or why it could not. */
    private record Opened(Aead aead, ProtectionException refused, long at) {
    }
}
