package dev.headwater.testkit;

import java.time.Duration;

/** Polls an assertion until it holds or a deadline passes: tests wait on conditions, never on sleeps. */
final class Eventually {

    private Eventually() {
    }

    static void assertThat(Duration timeout, ThrowingRunnable assertion) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
