package dev.runbook.core;

import java.time.Duration;

/**
 * How a wait on a probe ended.
 *
 * <pre>{@code
 * WaitResult<Long> r = Probes.waitUntil(lag, Conditions.atMost(0), Duration.ofMinutes(5));
 * r.satisfied();
 * }</pre>
 *
 * @param probe the probe's name
 * @param condition what was waited for
 * @param satisfied whether it held before the timeout
 * @param lastValue the last value read, or null
 * @param reads how many times the probe was read
 * @param waited how long the wait took
 * @param lastError the last read's error message, if the last read failed
 * @param <T> the probe's value type
 */
public record WaitResult<T>(
        String probe, String condition, boolean satisfied, T lastValue, int reads, Duration waited, String lastError) {

    @Override
    public String toString() {
        return (satisfied ? "satisfied: " : "timed out: ") + probe + " " + condition + " (last "
                + Shown.value(lastValue) + ", "
                + reads + " reads in " + waited.toMillis() + " ms"
                + (lastError == null ? "" : ", last error: " + lastError) + ")";
    }
}
