package dev.headwater.protection.tink;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.util.SecretBytes;

import java.security.GeneralSecurityException;

/** Tink's registrations and the one way this module makes an AES-256-GCM primitive of raw key bytes. */
final class TinkKeys {

    /** AES-256: the size of data keys and master keys, in bytes. */
    static final int KEY_BYTES = 32;

    static {
        try {
            AeadConfig.register();
            PrfConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TinkKeys() {
    }

    /** Makes sure Tink's primitives are registered. */
    static void register() {
        // the static initializer does it
    }

    /**
     * @param key 32 raw key bytes
     * @return AES-256-GCM (12-byte nonce, 16-byte tag, no key-id prefix) under that key
     * @throws GeneralSecurityException when the key is not 32 bytes
     */
    static Aead aesGcm(byte[] key) throws GeneralSecurityException {
        AesGcmParameters parameters = AesGcmParameters.builder().setKeySizeBytes(KEY_BYTES).setIvSizeBytes(12)
                .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
        AesGcmKey aesGcm = AesGcmKey.builder().setParameters(parameters)
                .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get())).build();
        return KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(aesGcm).withRandomId().makePrimary()).build()
                .getPrimitive(RegistryConfiguration.get(), Aead.class);
    }
}
