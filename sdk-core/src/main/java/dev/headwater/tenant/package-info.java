/**
 * Tenants: the guardrails of a shared platform ({@link dev.headwater.tenant.TenantPolicy}: owned and readable topic
 * namespaces, topic limits, quotas) and client-side quotas shared per tenant ({@link dev.headwater.tenant.TenantQuotas}).
 * Provisioning topics and broker quotas is the delivery tooling's ({@code dev.headwater.pipeline.TenantProvisioner} in
 * headwater-pipeline).
 */
package dev.headwater.tenant;
