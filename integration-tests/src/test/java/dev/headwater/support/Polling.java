package dev.headwater.support;

import dev.headwater.consumer.GovernedConsumer;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Drives a governed consumer's loop from a test. */
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
}
