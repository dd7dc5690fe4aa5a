package dev.headwater.protection.tink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import dev.headwater.protection.ProtectionException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * A key store in one file, for development and tests: the key-encryption keys (a Tink AES-256-GCM keyset, the newest
 * primary) and the token key (a Tink HMAC-SHA256 PRF keyset), each encrypted by a master key that never is in the file
 * (give it from the environment: {@code HEADWATER_MASTER_KEY}, 32 bytes in base64, made by {@link #newMasterKey()}).
 * {@link #rotate()} adds a new key-encryption key and makes it primary; the old ones stay, so everything wrapped before
 * still unwraps. Another process's rotation is picked up when the file changes. Thread safe.
 */
public final class LocalKeyStore implements KeyService {

    private static final String FORMAT = "headwater-keystore/1";
    private static final byte[] KEKS = "headwater-keystore/key-encryption-keys".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOKENS = "headwater-keystore/token-keys".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Aead master;
    private volatile Keys keys;

    private record Keys(KeysetHandle keyEncryptionKeys, Aead wrapper, PrfSet tokens, ObjectNode document,
            FileTime modified) {
    }

    private LocalKeyStore(Path file, Aead master) {
        this.file = file;
        this.master = master;
    }

    /** @return a new random master key, 32 bytes in base64: keep it out of the key store's file and of logs */
    public static String newMasterKey() {
        byte[] key = new byte[TinkKeys.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Creates a key store file with one key-encryption key and a token key.
     *
     * @param file where; must not exist
     * @param masterKey the master key, 32 bytes in base64
     * @return the key store
     * @throws IllegalArgumentException when the master key is not 32 bytes of base64
     * @throws UncheckedIOException when the file exists or cannot be written
     */
    public static LocalKeyStore create(Path file, String masterKey) {
        LocalKeyStore store = new LocalKeyStore(file, master(masterKey));
        try {
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString(), null, "a key store exists there: open it, or "
                        + "choose another file");
            }
            KeysetHandle keks = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            KeysetHandle tokens = KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF);
            ObjectNode json = JSON.createObjectNode();
            json.put("format", FORMAT);
            json.put("keyEncryptionKeys", Base64.getEncoder().encodeToString(
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(keks, store.master, KEKS)));
            json.put("tokenKeys", Base64.getEncoder().encodeToString(
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(tokens, store.master, TOKENS)));
            json.putObject("subjectKeys");
            store.write(json);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate the keys of key store " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create key store " + file + ": " + e.getMessage(), e);
        }
        store.load(true);
        return store;
    }

    /**
     * Opens a key store file.
     *
     * @param file the file
     * @param masterKey the master key it was created with, 32 bytes in base64
     * @return the key store
     * @throws IllegalArgumentException when the master key is not 32 bytes of base64, or does not open the file
     * @throws UncheckedIOException when the file cannot be read
     */
    public static LocalKeyStore open(Path file, String masterKey) {
        LocalKeyStore store = new LocalKeyStore(file, master(masterKey));
        store.load(true);
        return store;
    }

    private static Aead master(String masterKey) {
        Objects.requireNonNull(masterKey, "masterKey");
        byte[] key;
        try {
            key = Base64.getDecoder().decode(masterKey.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The master key is not base64 (make one with "
                    + "LocalKeyStore.newMasterKey())");
        }
        if (key.length != TinkKeys.KEY_BYTES) {
            throw new IllegalArgumentException("The master key must be " + TinkKeys.KEY_BYTES + " bytes, was "
                    + key.length + " (make one with LocalKeyStore.newMasterKey())");
        }
        try {
            return TinkKeys.aesGcm(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not make the master key's cipher", e);
        }
    }

    private void write(ObjectNode json) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the file is protected by the master key alone
            }
            Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private synchronized Keys load(boolean force) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Keys known = keys;
            if (!force && known != null && known.modified().equals(modified)) {
                return known;
            }
            JsonNode json = JSON.readTree(file.toFile());
            if (!FORMAT.equals(json.path("format").asText())) {
                throw new IllegalArgumentException("Key store " + file + " is not a " + FORMAT + " file (format '"
                        + json.path("format").asText() + "')");
            }
            KeysetHandle keks = TinkProtoKeysetFormat.parseEncryptedKeyset(
                    Base64.getDecoder().decode(json.path("keyEncryptionKeys").asText()), master, KEKS);
            KeysetHandle tokens = TinkProtoKeysetFormat.parseEncryptedKeyset(
                    Base64.getDecoder().decode(json.path("tokenKeys").asText()), master, TOKENS);
            if (!json.has("subjectKeys")) {
                ((ObjectNode) json).putObject("subjectKeys");
            }
            Keys loaded = new Keys(keks, keks.getPrimitive(RegistryConfiguration.get(), Aead.class),
                    tokens.getPrimitive(RegistryConfiguration.get(), PrfSet.class), (ObjectNode) json, modified);
            keys = loaded;
            return loaded;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The master key does not open key store " + file + " (or the file "
                    + "was altered): give the master key it was created with");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read key store " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the keys, read again when the file changed since */
    private Keys current() {
        try {
            Keys known = keys;
            return Files.getLastModifiedTime(file).equals(known.modified()) ? known : load(false);
        } catch (IOException | RuntimeException e) {
            throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "Key store " + file
                    + " cannot be read now: " + e.getMessage(), e);
        }
    }

    /**
     * Adds a new key-encryption key and makes it primary: data keys made from now on are wrapped by it; every key
     * before stays, so everything wrapped before still unwraps.
     *
     * @return the new key's id
     * @throws UncheckedIOException when the file cannot be written
     */
    public synchronized String rotate() {
        Keys known = current();
        try {
            KeysetHandle rotated = KeysetHandle.newBuilder(known.keyEncryptionKeys())
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId().makePrimary()).build();
            ObjectNode json = known.document().deepCopy();
            json.put("keyEncryptionKeys", Base64.getEncoder().encodeToString(
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(rotated, master, KEKS)));
            write(json);
            return id(load(true).keyEncryptionKeys());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not rotate the key-encryption key of key store " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not rotate key store " + file + ": " + e.getMessage(), e);
        }
    }

    private static String id(KeysetHandle keyset) {
        return Integer.toUnsignedString(keyset.getPrimary().getId());
    }

    /** @return how many key-encryption keys the store holds (one more after each rotation) */
    public int keyEncryptionKeyCount() {
        return current().keyEncryptionKeys().size();
    }

    @Override
    public String currentKeyId() {
        return id(current().keyEncryptionKeys());
    }

    @Override
    public byte[] wrap(byte[] dataKey, byte[] context) {
        try {
            return current().wrapper().encrypt(dataKey, context);
        } catch (GeneralSecurityException e) {
            throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "Key store " + file
                    + " could not wrap a data key", e);
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] context) {
        try {
            return current().wrapper().decrypt(wrapped, context);
        } catch (GeneralSecurityException e) {
            throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, "No key-encryption key of key store "
                    + file + " unwraps this data key: it was wrapped by another key store or KMS", null);
        }
    }

    @Override
    public PrfSet tokenKeys() {
        return current().tokens();
    }

    @Override
    public synchronized byte[] subjectKey(String subjectId, byte[] wrappedIfAbsent) {
        Keys known = current();
        JsonNode stored = known.document().path("subjectKeys").get(subjectId);
        if (stored != null || wrappedIfAbsent == null) {
            return stored == null ? null : Base64.getDecoder().decode(stored.asText());
        }
        ObjectNode json = known.document().deepCopy();
        json.with("subjectKeys").put(subjectId, Base64.getEncoder().encodeToString(wrappedIfAbsent));
        try {
            write(json);
        } catch (IOException e) {
            throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "Could not store a subject key "
                    + "in key store " + file + ": " + e.getMessage(), e);
        }
        load(true);
        return wrappedIfAbsent;
    }

    @Override
    public synchronized boolean destroySubjectKey(String subjectId) {
        Keys known = current();
        if (!known.document().path("subjectKeys").has(subjectId)) {
            return false;
        }
        ObjectNode json = known.document().deepCopy();
        json.with("subjectKeys").remove(subjectId);
        try {
            write(json); // the file is replaced whole: the old one, holding the key, is gone
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("Could not destroy a subject key in key store " + file + ": "
                    + e.getMessage(), e);
        }
        load(true);
        return true;
    }

    /** @return how many subjects have a key of their own */
    public int subjectKeyCount() {
        return current().document().path("subjectKeys").size();
    }

    /** Prints the file only: never keys. */
    @Override
    public String toString() {
        return "LocalKeyStore{" + file + "}";
    }
}
