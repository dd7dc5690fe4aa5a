/**
 * Field protection: what a contract marks {@code encrypt} or {@code token} is encrypted or tokenized by the producer's
 * write pipeline before the record leaves the application, and revealed (or masked) by the consumer's read pipeline.
 * {@link dev.headwater.protection.FieldProtection} is the service the pipelines call; {@code headwater-protection}
 * provides one built on Google Tink, with a local key store and AWS KMS.
 */
package dev.headwater.protection;
