package dev.headwater.protection.tink;

import dev.headwater.protection.DataKey;
import dev.headwater.protection.ProtectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AWS KMS through its own SDK, against a local stand-in that speaks KMS's API. */
class AwsKmsKeyServiceTest {

    private static final byte[] FIELD = "orders-value\u0000email".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    static AwsKmsKeyService service(KmsStandIn kms, String keyId) {
        return new AwsKmsKeyService(clientOf(kms), keyId, null, true);
    }

    private static ProtectionException.Reason reasonOf(Runnable action) {
        try {
            action.run();
        } catch (ProtectionException e) {
            return e.reason();
        }
        throw new AssertionError("expected a ProtectionException");
    }

    @Test
    void dataKeysWrappedByKmsOpenAndAKeyChangeKeepsOldRecordsReadable() throws Exception {
        try (KmsStandIn kms = KmsStandIn.start("key-2025", "key-2026");
                AwsKmsKeyService old = service(kms, "key-2025"); AwsKmsKeyService current = service(kms, "key-2026")) {
            DataKey before = TinkFieldProtection.of(old).dataKey();
            byte[] sealedBefore = before.seal("ada@example.com".getBytes(StandardCharsets.UTF_8), FIELD);
            DataKey after = TinkFieldProtection.of(current).dataKey();
            byte[] sealedAfter = after.seal("bob@example.com".getBytes(StandardCharsets.UTF_8), FIELD);

            TinkFieldProtection reader = TinkFieldProtection.of(current);
            assertThat(new String(reader.open(before.reference(), sealedBefore, FIELD), StandardCharsets.UTF_8))
                    .isEqualTo("ada@example.com");
            assertThat(new String(reader.open(after.reference(), sealedAfter, FIELD), StandardCharsets.UTF_8))
                    .isEqualTo("bob@example.com");
        }
    }

    @Test
    void kmsAnswersAreSortedIntoNoAccessDestroyedAndTransient() throws Exception {
        try (KmsStandIn kms = KmsStandIn.start("denied", "disabled", "flaky");
                AwsKmsKeyService denied = service(kms, "denied"); AwsKmsKeyService disabled = service(kms, "disabled");
                AwsKmsKeyService flaky = service(kms, "flaky")) {
            byte[] wrappedDenied = denied.wrap(new byte[32], FIELD);
            byte[] wrappedDisabled = disabled.wrap(new byte[32], FIELD);
            kms.deny("denied");
            kms.disable("disabled");
            assertThat(reasonOf(() -> denied.unwrap(wrappedDenied, FIELD)))
                    .isEqualTo(ProtectionException.Reason.NO_ACCESS);
            assertThat(reasonOf(() -> disabled.unwrap(wrappedDisabled, FIELD)))
                    .isEqualTo(ProtectionException.Reason.KEY_DESTROYED);
            assertThat(reasonOf(() -> flaky.unwrap(new byte[] {0, 1}, FIELD)))
                    .isEqualTo(ProtectionException.Reason.UNREADABLE);

            byte[] wrapped = flaky.wrap(new byte[32], FIELD);
            kms.unavailableFor(100);
            ProtectionException down = org.junit.jupiter.api.Assertions.assertThrows(ProtectionException.class,
                    () -> flaky.unwrap(wrapped, FIELD));
            assertThat(down.isTransient()).isTrue();
            assertThat(down.getMessage()).contains("flaky").doesNotContain("test");
            kms.unavailableFor(0);
            assertThat(flaky.unwrap(wrapped, FIELD)).hasSize(32);
        }
    }

    @Test
    void aTokenKeysetEncryptedByKmsGivesTheSameTokensToEveryApplication() throws Exception {
        try (KmsStandIn kms = KmsStandIn.start("k");
                AwsKmsKeyService maker = service(kms, "k")) {
            Path file = directory.resolve("tokens.keyset");
            maker.createTokenKeys(file);
            AwsKmsKeyService one = new AwsKmsKeyService(clientOf(kms), "k", file, true);
            AwsKmsKeyService two = new AwsKmsKeyService(clientOf(kms), "k", file, true);
            String token = TinkFieldProtection.of(one).token("123-45-6789", FIELD);
            assertThat(TinkFieldProtection.of(two).token("123-45-6789", FIELD)).isEqualTo(token);
            assertThat(java.nio.file.Files.readString(file)).doesNotContain("HmacPrf");
            one.close();
            two.close();
            assertThatThrownBy(() -> TinkFieldProtection.of(maker).token("x", FIELD))
                    .hasMessageContaining("No token keyset is configured");
        }
    }

    private static KmsClient clientOf(KmsStandIn kms) {
        return KmsClient.builder().endpointOverride(URI.create(kms.endpoint())).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
