package dev.headwater.contract;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens to records that break an observed rule, besides being counted: the first {@code records} of each
 * {@code period} are sampled, per client and rule, to the log (a pointer: topic, partition and offset or event id, the
 * violations with sensitive values redacted) or, when a topic is named, to that topic (the record as written or read,
 * with an {@code hw_observed} header naming the rules it broke).
 *
 * @param records how many violating records are sampled per period and rule; 0 samples none
 * @param period the period the count restarts after
 * @param topic where samples go; empty for the log
 */
public record ObservationSampling(int records, Duration period, String topic) {

    /** Ten records per hour, to the log: what a contract without an {@code observe} block gets. */
    public static final ObservationSampling DEFAULT = new ObservationSampling(10, Duration.ofHours(1), "");

    /** Checks the parts. */
    public ObservationSampling {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(topic, "topic");
        if (records < 0) {
            throw new IllegalArgumentException("observe.sample must not be negative, was " + records);
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("observe.period must be positive, was " + period);
        }
    }
}
