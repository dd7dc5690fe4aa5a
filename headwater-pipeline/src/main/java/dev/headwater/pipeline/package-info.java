/**
 * What a delivery pipeline does with data contracts and tenant policies, in one implementation that the Maven plugin,
 * the command-line tool and the testkit's contract tests share: {@link dev.headwater.pipeline.ContractChecks}
 * (examples, compatibility, consumer expectations, guardrails), {@link dev.headwater.pipeline.ConsumerExpectation}
 * (what a consuming team relies on), {@link dev.headwater.pipeline.ContractDirectory} (the contracts of a directory,
 * loaded and checked together), {@link dev.headwater.pipeline.ContractRegistration} (registering with a dry run) and
 * {@link dev.headwater.pipeline.TenantProvisioning} (topics and quotas from a tenant's policy, drift).
 */
package dev.headwater.pipeline;
