package dev.headwater.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.event;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

class ContainersModeTest {

    @Test
    void withoutDockerTheContainersModeSkipsTestsWithTheReason() {
        Assumptions.assumeFalse(HeadwaterEnvironment.dockerAvailable(), "Docker is available: nothing to skip");
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsContainers.class))
                .execute()
                .containerEvents()
                .assertThatEvents()
                .haveExactly(1, event(skippedWithReason(reason -> reason.contains(
                        "Headwater's Testcontainers mode needs a Docker engine and none is available here; the test "
                                + "is skipped"))));
    }

    /** Run only through the engine test kit above. */
    @HeadwaterTest(mode = HeadwaterTest.Mode.CONTAINERS)
    static class NeedsContainers {
        @Test
        void usesTheEnvironment(HeadwaterEnvironment env) {
            throw new AssertionError("never reached without Docker: " + env);
        }
    }
}
