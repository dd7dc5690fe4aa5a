/**
 * Field protection built on Google Tink: {@link dev.headwater.protection.tink.TinkFieldProtection} seals values with
 * AES-256-GCM data keys (one per producer and key period) wrapped by a key-encryption key that a
 * {@link dev.headwater.protection.tink.KeyService} holds: {@link dev.headwater.protection.tink.LocalKeyStore} (a Tink
 * keyset file protected by a master key from the environment, for development and tests) or
 * {@link dev.headwater.protection.tink.AwsKmsKeyService} (AWS KMS). Configured by {@code headwater.protection.*}
 * settings, see {@link dev.headwater.protection.tink.TinkProtectionProvider}.
 */
package dev.headwater.protection.tink;
