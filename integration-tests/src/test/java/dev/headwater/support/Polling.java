package dev.headwater.support;

import dev.headwater.consumer.GovernedConsumer;
import dev.headwater.producer.GovernedProducer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Drives a governed consumer's loop from a test, and waits for conditions with a deadline. */
public final class Polling {

    private Polling() {
    }

    /**
     * Polls until {@code done} holds or the timeout passes; the caller asserts what was handled.
     *
     * @param consumer the consumer
     * @param done when to stop
     * @param timeout how long to poll at most
     */
    public static void pollUntil(GovernedConsumer<?, ?> consumer, BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            consumer.pollOnce(Duration.ofMillis(200));
        }
    }

    /**
     * Waits until a condition holds, checking it every millisecond.
     *
     * @param what what is awaited, for the failure message
     * @param condition the condition
     * @param timeout how long to wait at most
     * @throws AssertionError naming what did not happen in time
     */
    public static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until a producer's lineage descriptor is on the descriptor topic, so its records no longer carry it. */
    public static void awaitDescriptorPublished(GovernedProducer<?, ?> producer) {
        await("publishing the producer's lineage descriptor", () -> !producer.lineage().carriesDescriptorInline(),
                Duration.ofSeconds(30));
    }
}
