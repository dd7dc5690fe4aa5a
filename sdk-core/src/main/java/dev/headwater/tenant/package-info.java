/**
 * Tenants: the guardrails of a shared platform ({@link dev.headwater.tenant.TenantPolicy}: owned and readable topic
 * namespaces, topic limits, quotas), client-side quotas shared per tenant ({@link dev.headwater.tenant.TenantQuotas}),
 * and provisioning of topics and broker quotas ({@link dev.headwater.tenant.TenantProvisioner}).
 */
package dev.headwater.tenant;
