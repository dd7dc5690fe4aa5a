package dev.headwater.protection.tink;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import dev.headwater.protection.ProtectionException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Key-encryption keys held by AWS KMS: data keys are wrapped by KMS's {@code Encrypt} under one symmetric KMS key and
 * unwrapped by {@code Decrypt} (the wrapped key names its KMS key, so data keys wrapped before a change of key, or
 * before KMS rotated the key's material, still unwrap), with the context as KMS encryption context. The token key, when
 * tokens are used, is a Tink PRF keyset in a file, encrypted by the same KMS key ({@link #createTokenKeys}). KMS
 * answers of no access ({@code AccessDeniedException}) mean the reader sees the masks; a disabled, pending-deletion or
 * missing key means the key is destroyed; throttling, 5xx and no answer are transient. Thread safe.
 */
public final class AwsKmsKeyService implements KeyService {

    private static final String CONTEXT_KEY = "headwater";
    private static final byte[] TOKENS = "headwater-token-keys".getBytes(StandardCharsets.UTF_8);
    private static final Set<String> DESTROYED = Set.of("NotFoundException", "DisabledException",
            "KMSInvalidStateException", "KmsInvalidStateException");
    private static final Set<String> UNREADABLE = Set.of("InvalidCiphertextException", "IncorrectKeyException");

    private final KmsClient kms;
    private final String keyId;
    private final Path tokenKeysFile;
    private final boolean closeClient;
    private volatile PrfSet tokens;

    /**
     * @param kms the KMS client (region, credentials and endpoint as the application configures them)
     * @param keyId the KMS key that wraps new data keys: key id, ARN or alias
     * @param tokenKeysFile the token keyset made by {@link #createTokenKeys}, or null when no contract uses tokens
     * @param closeClient whether closing this closes the client
     */
    public AwsKmsKeyService(KmsClient kms, String keyId, Path tokenKeysFile, boolean closeClient) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.tokenKeysFile = tokenKeysFile;
        this.closeClient = closeClient;
        TinkKeys.register();
    }

    /**
     * Makes the token key of a platform: a Tink HMAC-SHA256 PRF keyset encrypted by the KMS key, in a file every
     * application that tokenizes reads.
     *
     * @param file where; must not exist
     * @throws ProtectionException when KMS cannot encrypt it
     * @throws UncheckedIOException when the file exists or cannot be written
     */
    public void createTokenKeys(Path file) {
        try {
            if (Files.exists(file)) {
                throw new IOException("a token keyset exists there: keep it, or tokens no longer join");
            }
            KeysetHandle keyset = KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF);
            Files.writeString(file, Base64.getEncoder().encodeToString(
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, asAead(), TOKENS)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate the token keyset", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write token keyset " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String currentKeyId() {
        return keyId;
    }

    @Override
    public byte[] wrap(byte[] dataKey, byte[] context) {
        try {
            return kms.encrypt(EncryptRequest.builder().keyId(keyId).plaintext(SdkBytes.fromByteArray(dataKey))
                    .encryptionContext(context(context)).build()).ciphertextBlob().asByteArray();
        } catch (SdkException e) {
            throw failure(e, "wrap a data key");
        }
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] context) {
        try {
            return kms.decrypt(DecryptRequest.builder().ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                    .encryptionContext(context(context)).build()).plaintext().asByteArray();
        } catch (SdkException e) {
            throw failure(e, "unwrap a data key");
        }
    }

    private static Map<String, String> context(byte[] context) {
        return Map.of(CONTEXT_KEY, Base64.getEncoder().encodeToString(context));
    }

    private ProtectionException failure(SdkException e, String what) {
        // no answer (a client exception), throttling, 408 and 5xx: transient
        ProtectionException.Reason reason = ProtectionException.Reason.KEY_UNAVAILABLE;
        String code = "";
        if (e instanceof KmsException kmsError) {
            code = kmsError.awsErrorDetails() == null ? "" : kmsError.awsErrorDetails().errorCode();
            int status = kmsError.statusCode();
            if ("AccessDeniedException".equals(code)) {
                reason = ProtectionException.Reason.NO_ACCESS;
            } else if (DESTROYED.contains(code)) {
                reason = ProtectionException.Reason.KEY_DESTROYED;
            } else if (UNREADABLE.contains(code)) {
                reason = ProtectionException.Reason.UNREADABLE;
            } else if (status >= 400 && status < 500 && status != 408 && status != 429
                    && !"ThrottlingException".equals(code)) {
                reason = ProtectionException.Reason.NO_ACCESS;
            }
        }
        return new ProtectionException(reason, "AWS KMS could not " + what + " with key " + keyId + " ("
                + (code.isEmpty() ? e.getClass().getSimpleName() : code) + "): " + reason.id(), e);
    }

    @Override
    public PrfSet tokenKeys() {
        PrfSet known = tokens;
        if (known != null) {
            return known;
        }
        if (tokenKeysFile == null) {
            throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, "No token keyset is configured: make "
                    + "one with AwsKmsKeyService.createTokenKeys and set headwater.protection.aws.token.keys", null);
        }
        synchronized (this) {
            if (tokens == null) {
                try {
                    KeysetHandle keyset = TinkProtoKeysetFormat.parseEncryptedKeyset(Base64.getDecoder().decode(
                            Files.readString(tokenKeysFile).strip()), asAead(), TOKENS);
                    tokens = keyset.getPrimitive(RegistryConfiguration.get(), PrfSet.class);
                } catch (IOException e) {
                    throw new ProtectionException(ProtectionException.Reason.KEY_UNAVAILABLE, "Could not read token "
                            + "keyset " + tokenKeysFile + ": " + e.getMessage(), e);
                } catch (GeneralSecurityException e) {
                    throw new ProtectionException(ProtectionException.Reason.NO_ACCESS, "KMS key " + keyId
                            + " does not open token keyset " + tokenKeysFile, null);
                }
            }
            return tokens;
        }
    }

    /** KMS's Encrypt and Decrypt as a Tink {@link Aead}, to encrypt the token keyset. */
    private Aead asAead() {
        return new Aead() {
            @Override
            public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
                return wrap(plaintext, associatedData);
            }

            @Override
            public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
                try {
                    return unwrap(ciphertext, associatedData);
                } catch (ProtectionException e) {
                    if (e.isTransient()) {
                        throw e;
                    }
                    throw new GeneralSecurityException(e.getMessage());
                }
            }
        };
    }

    @Override
    public void close() {
        if (closeClient) {
            kms.close();
        }
    }

    /** Names the key only. */
    @Override
    public String toString() {
        return "AwsKmsKeyService{" + keyId + "}";
    }
}
