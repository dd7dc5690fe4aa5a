package dev.headwater.protection.tink;

import dev.headwater.protection.DataKey;
import dev.headwater.protection.FieldProtection;
import dev.headwater.protection.ProtectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TinkFieldProtectionTest {

    private static final byte[] EMAIL = "orders-value\u0000email".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PHONE = "orders-value\u0000phone".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    private final Map<String, String> masters = new java.util.HashMap<>();

    private LocalKeyStore store(String name) {
        String master = LocalKeyStore.newMasterKey();
        masters.put(name, master);
        return LocalKeyStore.create(directory.resolve(name), master);
    }

    @Test
    void aSealedValueOpensOnlyWithItsDataKeyAndItsField() {
        TinkFieldProtection protection = TinkFieldProtection.of(store("keys.json"));
        DataKey key = protection.dataKey();
        byte[] clear = "ada@example.com".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = key.seal(clear, EMAIL);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("ada@example.com");
        assertThat(sealed).hasSize(clear.length + 12 + 16); // nonce and tag, no key-id prefix
        assertThat(key.reference()).hasSize(1 + 5 + 12 + 32 + 16);
        assertThat(protection.open(key.reference(), sealed, EMAIL)).isEqualTo(clear);
        assertThatThrownBy(() -> protection.open(key.reference(), sealed, PHONE))
                .isInstanceOfSatisfying(ProtectionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtectionException.Reason.UNREADABLE));
    }

    @Test
    void aReaderWithAnotherKeyStoreCannotOpenAndIsToldItHasNoAccess() {
        TinkFieldProtection writer = TinkFieldProtection.of(store("writer.json"));
        TinkFieldProtection reader = TinkFieldProtection.of(store("reader.json"));
        DataKey key = writer.dataKey();
        byte[] sealed = key.seal(new byte[] {1, 2, 3}, EMAIL);

        assertThatThrownBy(() -> reader.open(key.reference(), sealed, EMAIL))
                .isInstanceOfSatisfying(ProtectionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtectionException.Reason.NO_ACCESS));
        assertThatThrownBy(() -> FieldProtection.NONE.open(key.reference(), sealed, EMAIL))
                .isInstanceOfSatisfying(ProtectionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtectionException.Reason.NO_ACCESS));
    }

    @Test
    void aProducerTakesANewDataKeyWhenTheKeyEncryptionKeyRotatesAndOldValuesStillOpen() throws Exception {
        LocalKeyStore store = store("keys.json");
        AtomicLong clock = new AtomicLong();
        TinkFieldProtection protection = new TinkFieldProtection(store, Duration.ofHours(1),
                TinkFieldProtection.ROTATION_CHECK, false, clock::get);
        DataKey first = protection.dataKey();
        byte[] sealedFirst = first.seal(new byte[] {42}, EMAIL);
        assertThat(protection.dataKey()).isSameAs(first);

        store.rotate();
        assertThat(protection.dataKey()).as("within the rotation check's second").isSameAs(first);
        clock.addAndGet(TinkFieldProtection.ROTATION_CHECK.toNanos());

        DataKey second = protection.dataKey();
        assertThat(second).isNotSameAs(first);
        assertThat(second.reference()).isNotEqualTo(first.reference());
        byte[] sealedSecond = second.seal(new byte[] {43}, EMAIL);
        TinkFieldProtection reader = TinkFieldProtection.of(LocalKeyStore.open(directory.resolve("keys.json"),
                masters.get("keys.json")));
        assertThat(reader.open(first.reference(), sealedFirst, EMAIL)).containsExactly(42);
        assertThat(reader.open(second.reference(), sealedSecond, EMAIL)).containsExactly(43);
    }

    @Test
    void aProducerTakesANewDataKeyEachKeyPeriod() throws Exception {
        AtomicLong clock = new AtomicLong();
        TinkFieldProtection protection = new TinkFieldProtection(store("keys.json"), Duration.ofMinutes(5),
                TinkFieldProtection.ROTATION_CHECK, false, clock::get);
        DataKey first = protection.dataKey();
        clock.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
        assertThat(protection.dataKey()).isSameAs(first);
        clock.addAndGet(1);
        assertThat(protection.dataKey()).isNotSameAs(first);
    }

    @Test
    void tokensAreTheSameForTheSameValueAndFieldAndDifferOtherwise() {
        LocalKeyStore store = store("keys.json");
        TinkFieldProtection one = TinkFieldProtection.of(store);
        TinkFieldProtection another = TinkFieldProtection.of(store);

        String token = one.token("123-45-6789", EMAIL);
        assertThat(token).hasSize(22).doesNotContain("123");
        assertThat(another.token("123-45-6789", EMAIL)).isEqualTo(token);
        assertThat(one.token("123-45-6780", EMAIL)).isNotEqualTo(token);
        assertThat(one.token("123-45-6789", PHONE)).isNotEqualTo(token);
        assertThat(TinkFieldProtection.of(store("other.json")).token("123-45-6789", EMAIL)).isNotEqualTo(token);
    }

    @Test
    void aDataKeyThatCannotBeUnwrappedIsAskedAgainOnlyAfterAWhileNotPerRecord() throws Exception {
        try (KmsStandIn kms = KmsStandIn.start("k1")) {
            AwsKmsKeyService keys = AwsKmsKeyServiceTest.service(kms, "k1");
            TinkFieldProtection writer = TinkFieldProtection.of(keys);
            DataKey key = writer.dataKey();
            byte[] sealed = key.seal(new byte[] {1}, EMAIL);
            TinkFieldProtection reader = TinkFieldProtection.of(keys);
            kms.deny("k1");
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> reader.open(key.reference(), sealed, EMAIL))
                        .isInstanceOf(ProtectionException.class);
            }
            assertThat(kms.decrypts()).isEqualTo(1);
        }
    }

    @Test
    void settingsNameTheMissingKeyOrVariableAndNeverAValue() {
        assertThatThrownBy(() -> FieldProtection.configure(Map.of("headwater.protection.keystor", "x")))
                .hasMessageContaining("headwater.protection.keystor is not a field protection setting");
        assertThatThrownBy(() -> FieldProtection.configure(Map.of("headwater.protection.keystore",
                directory.resolve("k.json").toString(), "headwater.protection.master.key.env", "NO_SUCH_VARIABLE_HW")))
                .hasMessageContaining("Environment variable NO_SUCH_VARIABLE_HW")
                .hasMessageContaining("is not set");
        assertThatThrownBy(() -> FieldProtection.configure(Map.of("headwater.protection.kms", "aws")))
                .hasMessageContaining("headwater.protection.aws.key.id is required with kms=aws");
        assertThatThrownBy(() -> FieldProtection.configure(Map.of("headwater.protection.rotation.check.ms", "-1")))
                .hasMessageContaining("headwater.protection.rotation.check.ms")
                .hasMessageContaining("must be a whole number of at least 0");
        assertThat(FieldProtection.configure(Map.of("bootstrap.servers", "x"))).isSameAs(FieldProtection.NONE);
    }
}
