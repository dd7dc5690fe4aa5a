/**
 * Contract tests without a broker: {@link dev.headwater.testkit.contract.ContractVerification} (loading, examples,
 * compatibility with the previous version) and consumer-driven contracts
 * ({@link dev.headwater.testkit.contract.ConsumerExpectation}).
 */
package dev.headwater.testkit.contract;
