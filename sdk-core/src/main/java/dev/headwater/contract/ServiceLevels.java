package dev.headwater.contract;

import java.time.Duration;
import java.util.Objects;

/**
 * What consumers of a data product can count on.
 *
 * @param freshness the largest delay from a record's creation to its availability to consumers; zero when unset
 * @param expectedRecordsPerMinute the expected volume; 0 when unset
 */
public record ServiceLevels(Duration freshness, long expectedRecordsPerMinute) {

    /** No service levels. */
    public static final ServiceLevels NONE = new ServiceLevels(Duration.ZERO, 0);

    /** Checks the parts. */
    public ServiceLevels {
        Objects.requireNonNull(freshness, "freshness");
        if (freshness.isNegative() || expectedRecordsPerMinute < 0) {
            throw new IllegalArgumentException("service levels must not be negative");
        }
    }

    /** @return true when a freshness objective is set */
    public boolean hasFreshness() {
        return !freshness.isZero();
    }
}
