package dev.headwater.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.headwater.HeadwaterException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantPolicyTest {

    static final String POLICY = """
            tenant: retail
            owns:
              - "{tenant}.{domain}.{dataset}.v{major}"
            reads:
              - "shared.{domain}.{dataset}.v{major}"
            topics:
              defaultPartitions: 3
              maxPartitions: 12
              maxRetentionMs: 604800000
            quotas:
              produce: {recordsPerSecond: 1000, bytesPerSecond: 1048576, mode: BLOCK, maxWait: PT2S}
              consume: {recordsPerSecond: 5000}
            environments:
              prod:
                topics: {minReplicationFactor: 3, minInSyncReplicas: 2, defaultPartitions: 6}
                quotas:
                  produce: {recordsPerSecond: 5000, mode: REJECT}
            """;

    private final TenantPolicy policy = TenantPolicy.parse(POLICY, "retail.yaml", null);

    @Test
    void ownedNamespacesFollowTheNamingPattern() {
        assertThat(policy.owns("retail.orders.placed.v1")).isTrue();
        assertThat(policy.owns("retail.orders.placed-eu.v12")).isTrue();
        assertThat(policy.owns("retail.orders.placed")).as("no version").isFalse();
        assertThat(policy.owns("retail.Orders.placed.v1")).as("upper case").isFalse();
        assertThat(policy.owns("retail.orders.placed.vX")).as("version not a number").isFalse();
        assertThat(policy.owns("finance.orders.placed.v1")).as("another tenant").isFalse();
        assertThat(policy.owns("retailx.orders.placed.v1")).as("a longer tenant name").isFalse();
        assertThat(policy.mayRead("shared.customers.profiles.v2")).isTrue();
        assertThat(policy.mayRead("finance.ledger.entries.v1")).isFalse();
    }

    @Test
    void aTopicOutsideTheNamespacesIsRefusedNamingTenantTopicAndRule() {
        assertThatThrownBy(() -> policy.checkWrite("finance.ledger.entries.v1"))
                .isInstanceOfSatisfying(GuardrailViolationException.class, e -> {
                    assertThat(e.tenant()).isEqualTo("retail");
                    assertThat(e.topic()).isEqualTo("finance.ledger.entries.v1");
                    assertThat(e.rule()).isEqualTo("owns");
                    assertThat(e.getMessage()).contains("Tenant 'retail' may not write to topic "
                            + "'finance.ledger.entries.v1'").contains("{tenant}.{domain}.{dataset}.v{major}");
                });
        assertThatThrownBy(() -> policy.checkRead("finance.ledger.entries.v1"))
                .isInstanceOfSatisfying(GuardrailViolationException.class, e -> assertThat(e.rule()).isEqualTo("reads"));
    }

    @Test
    void environmentOverridesReplaceOnlyWhatTheyName() {
        TenantPolicy prod = TenantPolicy.parse(POLICY, "retail.yaml", "prod");
        assertThat(prod.topicLimits().minReplicationFactor()).isEqualTo((short) 3);
        assertThat(prod.topicLimits().defaultPartitions()).isEqualTo(6);
        assertThat(prod.topicLimits().maxPartitions()).isEqualTo(12);
        assertThat(prod.produceQuota()).isEqualTo(new Quota(5000, 1048576, Quota.Mode.REJECT, Duration.ofSeconds(2)));
        assertThat(policy.produceQuota().recordsPerSecond()).isEqualTo(1000);
        assertThat(prod.consumeQuota().recordsPerSecond()).isEqualTo(5000);
    }

    @Test
    void invalidPoliciesFailWithTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("maxPartitions", "maxPartition"), "retail.yaml",
                null)).isInstanceOf(HeadwaterException.class).hasMessageContaining("unknown key 'topics.maxPartition'");
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("mode: BLOCK", "mode: SOMETIMES"), "retail.yaml",
                null)).hasMessageContaining("'quotas.produce.mode' is 'SOMETIMES', not one of [BLOCK, REJECT]");
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY, "retail.yaml", "staging"))
                .hasMessageContaining("environment 'staging' is not defined; defined: [prod]");
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("tenant: retail", "tenant: Retail_Team"),
                "retail.yaml", null)).hasMessageContaining("'tenant' must be lower-case");
        assertThatThrownBy(() -> TenantPolicy.builder("retail").owns(List.of("orders.*")).build())
                .hasMessageContaining("must start with the tenant");
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("defaultPartitions: 3", "defaultPartitions: 30"),
                "retail.yaml", null)).hasMessageContaining("defaultPartitions <= maxPartitions");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingBothLines() {
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("tenant: retail\n", "tenant: retail\ntenant: shop\n"),
                "retail.yaml", null)).isInstanceOf(HeadwaterException.class)
                .hasMessageContaining("retail.yaml:2: key 'tenant' is given twice, first at line 1");
    }

    @Test
    void numbersOutOfRangeAreRefusedWithKeyValueFileAndLineNeverTruncated() {
        // 4294967308 is 2^32 + 12: a cast to int would silently read it as 12
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("maxPartitions: 12", "maxPartitions: 4294967308"),
                "retail.yaml", null)).isInstanceOf(HeadwaterException.class)
                .hasMessageContaining("retail.yaml:8: 'topics.maxPartitions' must be a whole number from 1 to "
                        + "2147483647, was '4294967308'");
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("maxPartitions: 12", "maxPartitions: 2.5"),
                "retail.yaml", null)).hasMessageContaining("'topics.maxPartitions' must be a whole number")
                .hasMessageContaining("was '2.5'");
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("minReplicationFactor: 3",
                "minReplicationFactor: 40000"), "retail.yaml", "prod"))
                .hasMessageContaining("retail.yaml:15: 'environments.prod.topics.minReplicationFactor' must be a whole "
                        + "number from 1 to 32767, was '40000'");
    }

    @Test
    void negativeQuotasAreRefusedNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> TenantPolicy.parse(POLICY.replace("recordsPerSecond: 1000", "recordsPerSecond: -5"),
                "retail.yaml", null)).hasMessageContaining("retail.yaml:11: 'quotas.produce.recordsPerSecond' must be a "
                + "whole number from 0 to 9223372036854775807, was '-5'");
        assertThatThrownBy(() -> new Quota(0, -1, Quota.Mode.BLOCK, Duration.ZERO))
                .hasMessage("bytesPerSecond must not be negative, was -1");
    }

    @Test
    void topicNamesKafkaWouldRefuseAreRefusedNamingTheLimit() {
        String tooLong = "retail.orders." + "x".repeat(240) + ".v1";
        assertThatThrownBy(() -> policy.checkWrite(tooLong))
                .isInstanceOfSatisfying(GuardrailViolationException.class, e -> {
                    assertThat(e.rule()).isEqualTo("name");
                    assertThat(e.getMessage()).contains(tooLong.length() + " characters")
                            .contains("Kafka allows 1 to 249 characters");
                });
        assertThatThrownBy(() -> policy.checkWrite("retail.orders.placed/eu.v1"))
                .hasMessageContaining("character '/' at position 20");
        policy.checkWrite("retail.orders." + "x".repeat(249 - "retail.orders..v1".length()) + ".v1");
    }
}
