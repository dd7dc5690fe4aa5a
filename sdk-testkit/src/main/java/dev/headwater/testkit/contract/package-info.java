/**
 * Contract tests without a broker: {@link dev.headwater.testkit.contract.ContractVerification} (loading, examples,
 * compatibility with the previous version, consumer-driven contracts through
 * {@link dev.headwater.pipeline.ConsumerExpectation}), as JUnit assertions over the checks of
 * {@link dev.headwater.pipeline.ContractChecks}, which the Maven plugin and the command-line tool run too.
 */
package dev.headwater.testkit.contract;
