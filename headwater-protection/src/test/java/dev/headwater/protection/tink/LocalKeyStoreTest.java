package dev.headwater.protection.tink;

import dev.headwater.protection.ProtectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalKeyStoreTest {

    private static final byte[] CONTEXT = "ctx".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    @Test
    void aDataKeyWrappedBeforeARotationStillUnwrapsAfterItAndNewOnesUseTheNewKey() {
        String master = LocalKeyStore.newMasterKey();
        LocalKeyStore store = LocalKeyStore.create(directory.resolve("keys.json"), master);
        byte[] dataKey = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        String before = store.currentKeyId();
        byte[] wrappedBefore = store.wrap(dataKey, CONTEXT);

        String after = store.rotate();

        assertThat(after).isNotEqualTo(before).isEqualTo(store.currentKeyId());
        assertThat(store.keyEncryptionKeyCount()).isEqualTo(2);
        assertThat(store.unwrap(wrappedBefore, CONTEXT)).isEqualTo(dataKey);
        // another process opening the file sees the rotation and unwraps both
        LocalKeyStore elsewhere = LocalKeyStore.open(directory.resolve("keys.json"), master);
        assertThat(elsewhere.currentKeyId()).isEqualTo(after);
        assertThat(elsewhere.unwrap(wrappedBefore, CONTEXT)).isEqualTo(dataKey);
        assertThat(elsewhere.unwrap(store.wrap(dataKey, CONTEXT), CONTEXT)).isEqualTo(dataKey);
    }

    @Test
    void theFileHoldsNeitherTheMasterKeyNorClearKeysAndAWrongMasterKeyIsRefused() throws Exception {
        String master = LocalKeyStore.newMasterKey();
        Path file = directory.resolve("keys.json");
        LocalKeyStore store = LocalKeyStore.create(file, master);
        String text = Files.readString(file);
        assertThat(text).doesNotContain(master).contains("headwater-keystore/1");
        assertThat(text).doesNotContain("AesGcmKey"); // the keysets are encrypted: not even their type is in clear
        assertThat(store.toString()).isEqualTo("LocalKeyStore{" + file + "}");

        assertThatThrownBy(() -> LocalKeyStore.open(file, LocalKeyStore.newMasterKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not open key store " + file);
        assertThatThrownBy(() -> LocalKeyStore.open(file, Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("must be 32 bytes, was 16");
        assertThatThrownBy(() -> LocalKeyStore.create(file, master)).hasMessageContaining("a key store exists there");
    }

    @Test
    void aDataKeyWrappedByAnotherStoreIsNoAccessNotATransientFailure() {
        LocalKeyStore ours = LocalKeyStore.create(directory.resolve("ours.json"), LocalKeyStore.newMasterKey());
        LocalKeyStore theirs = LocalKeyStore.create(directory.resolve("theirs.json"), LocalKeyStore.newMasterKey());
        byte[] wrapped = theirs.wrap(new byte[32], CONTEXT);

        assertThatThrownBy(() -> ours.unwrap(wrapped, CONTEXT))
                .isInstanceOfSatisfying(ProtectionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProtectionException.Reason.NO_ACCESS);
                    assertThat(e.isTransient()).isFalse();
                });
    }
}
