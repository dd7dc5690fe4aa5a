package dev.headwater.consumer.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Calls a handler again after a failure, with exponential back-off capped at {@code maxBackoff}, as often as allowed.
 * The wait between attempts ends early when the consumer stops ({@link #stop()}), so that closing never waits for a
 * back-off. Errors and interruptions are never retried. Thread safe. Internal: not for users.
 */
public final class HandlerRetry {

    /** Thrown when the consumer stopped during a back-off: the record is neither handled nor dead-lettered. */
    public static final class Stopped extends Exception {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped while waiting to retry", null, false, false);
        }
    }

    /** A call that may fail. */
    @FunctionalInterface
    public interface Attempt {
        /** @throws Exception when the attempt failed */
        void run() throws Exception;
    }

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Predicate<Throwable> retryable;
    private final Object signal = new Object();
    private volatile boolean stopped;

    /**
     * @param maxAttempts attempts in all, at least 1
     * @param initialBackoff the wait before the second attempt, doubled each time
     * @param maxBackoff the longest wait between two attempts
     * @param retryable which failures are worth another attempt
     */
    public HandlerRetry(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
            Predicate<Throwable> retryable) {
        this.maxAttempts = maxAttempts;
        this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
        this.retryable = Objects.requireNonNull(retryable, "retryable");
    }

    /**
     * @param maxAttempts attempts in all
     * @param initialBackoff the first wait
     * @param maxBackoff the longest wait
     * @return the longest time all waits of one record can take together
     */
    public static Duration worstCaseWait(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        long total = 0;
        long wait = initialBackoff.toMillis();
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            total += Math.min(wait, maxBackoff.toMillis());
            wait = Math.min(wait * 2, maxBackoff.toMillis());
        }
        return Duration.ofMillis(total);
    }

    /**
     * Runs an attempt until it succeeds, fails with what is not retryable, or runs out of attempts.
     *
     * @param attempt the call
     * @throws Exception the last failure (an {@link Error} or {@link InterruptedException} at once)
     * @throws Stopped when the consumer stopped during a back-off
     */
    public void run(Attempt attempt) throws Exception {
        long wait = initialBackoff.toMillis();
        for (int number = 1; ; number++) {
            try {
                attempt.run();
                return;
            } catch (Error | InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (number >= maxAttempts || !retryable.test(e)) {
                    throw e;
                }
            }
            pause(Math.min(wait, maxBackoff.toMillis()));
            wait = Math.min(wait * 2, maxBackoff.toMillis());
        }
    }

    private void pause(long millis) throws InterruptedException, Stopped {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (signal) {
            long left;
            while (!stopped && (left = deadline - System.nanoTime()) > 0) {
                signal.wait(Math.max(1, left / 1_000_000));
            }
        }
        if (stopped) {
            throw new Stopped();
        }
    }

    /** Ends a back-off in progress and every later one. */
    public void stop() {
        stopped = true;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Refuses retries whose back-offs alone could outlast {@code max.poll.interval.ms}: the group would then take the
     * partitions away while the loop waits, and the retried record would be handled twice.
     *
     * @param maxAttempts attempts in all
     * @param initialBackoff the first wait
     * @param maxBackoff the longest wait
     * @param kafka the consumer's Kafka settings
     * @throws IllegalArgumentException saying what to change
     */
    public static void checkFits(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
            java.util.Map<String, ?> kafka) {
        Object configured = kafka.get("max.poll.interval.ms");
        long interval = configured == null ? 300_000 : Long.parseLong(configured.toString());
        Duration worst = worstCaseWait(maxAttempts, initialBackoff, maxBackoff);
        if (worst.toMillis() >= interval / 2) {
            throw new IllegalArgumentException("GovernedConsumer setting 'retry': " + maxAttempts + " attempts "
                    + "starting at " + initialBackoff + " can wait " + worst + " for one record, more than half of "
                    + "max.poll.interval.ms (" + interval + " ms): the group would take the partition away meanwhile. "
                    + "Use fewer attempts or a shorter back-off, or raise max.poll.interval.ms");
        }
    }
}
