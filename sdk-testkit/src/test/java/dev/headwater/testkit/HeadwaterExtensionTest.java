package dev.headwater.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
class HeadwaterExtensionTest {

    private static EmbeddedKafkaCluster fromBeforeAll;

    @BeforeAll
    static void captureCluster(EmbeddedKafkaCluster kafka) {
        fromBeforeAll = kafka;
    }

    @Test
    void injectsOneRunningClusterIntoLifecycleAndTestMethods(EmbeddedKafkaCluster kafka) {
        assertThat(kafka).isSameAs(fromBeforeAll);
        assertThat(kafka.bootstrapServers()).startsWith("localhost:");
        assertThat(kafka.brokerCount()).isEqualTo(1);
    }

    @Nested
    @HeadwaterTest(scope = HeadwaterTest.Scope.RUN)
    class AnotherClassOfTheSameRun {
        @Test
        void sharesTheRunScopedCluster(EmbeddedKafkaCluster kafka) {
            assertThat(kafka).isSameAs(fromBeforeAll);
        }
    }

    @Nested
    @HeadwaterTest
    class AClassScopedClass {
        @Test
        void getsAClusterOfItsOwn(EmbeddedKafkaCluster kafka) {
            assertThat(kafka).isNotSameAs(fromBeforeAll);
            assertThat(kafka.bootstrapServers()).isNotEqualTo(fromBeforeAll.bootstrapServers());
        }
    }
}
