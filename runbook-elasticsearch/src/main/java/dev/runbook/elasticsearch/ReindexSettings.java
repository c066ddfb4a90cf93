package dev.runbook.elasticsearch;

import java.time.Duration;
import java.util.Objects;

/**
 * Every parameter of a {@link Reindex}, as its plan records it.
 *
 * @param source the index (or alias) to copy from
 * @param dest the existing index, with its corrected mapping, to copy into
 * @param slices parallel slices ({@code 0} for {@code auto}; default 1)
 * @param requestsPerSecond throttle in documents per second ({@code -1}: unthrottled, the default)
 * @param timeout cancel the task if it has not finished after this long (default 2 hours)
 * @param pollInterval how often the tasks API is asked for progress (default 2 seconds)
 */
public record ReindexSettings(
        String source, String dest, int slices, double requestsPerSecond, Duration timeout, Duration pollInterval) {

    public ReindexSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    static ReindexSettings defaults(String source, String dest) {
        return new ReindexSettings(source, dest, 1, -1, Duration.ofHours(2), Duration.ofSeconds(2));
    }

    ReindexSettings withSlices(int n) {
        return new ReindexSettings(source, dest, n, requestsPerSecond, timeout, pollInterval);
    }

    ReindexSettings withRequestsPerSecond(double r) {
        return new ReindexSettings(source, dest, slices, r, timeout, pollInterval);
    }

    ReindexSettings withTimeout(Duration t) {
        return new ReindexSettings(source, dest, slices, requestsPerSecond, t, pollInterval);
    }

    ReindexSettings withPollInterval(Duration p) {
        return new ReindexSettings(source, dest, slices, requestsPerSecond, timeout, p);
    }
}
