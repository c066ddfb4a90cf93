package dev.runbook.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waiting on probes: poll until a condition holds or a timeout passes.
 *
 * <pre>{@code
 * WaitResult<Long> r = Probes.waitUntil(lag, Conditions.atMost(0), Duration.ofMinutes(5));
 * if (!r.satisfied()) System.out.println(r);
 * }</pre>
 */
public final class Probes {
    /** The default time between two reads of a probe while waiting. */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(500);

    private Probes() {}

    /** Waits with the system clock, polling every {@link #DEFAULT_POLL}. */
    public static <T> WaitResult<T> waitUntil(Probe<T> probe, Condition<? super T> condition, Duration timeout) {
        return waitUntil(probe, condition, timeout, DEFAULT_POLL, Clock.systemUTC(), Sleeper.system());
    }

    /**
     * Reads {@code probe} until {@code condition} holds or {@code timeout} passes. A read that throws
     * counts as not satisfied; the last error is kept in the result. Never throws for a timeout.
     *
     * @throws IllegalArgumentException if timeout or poll is negative or zero
     */
    public static <T> WaitResult<T> waitUntil(
            Probe<T> probe,
            Condition<? super T> condition,
            Duration timeout,
            Duration poll,
            Clock clock,
            Sleeper sleeper) {
        if (timeout.isNegative() || poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("timeout must be >= 0 and poll > 0, were " + timeout + " and " + poll);
        }
        Instant start = clock.instant();
        Instant deadline = start.plus(timeout);
        int reads = 0;
        T last = null;
        String lastError = null;
        while (true) {
            reads++;
            try {
                last = probe.read();
                lastError = null;
                if (condition.predicate() != null && last != null && test(condition, last)) {
                    return new WaitResult<>(
                            probe.name(),
                            condition.description(),
                            true,
                            last,
                            reads,
                            Duration.between(start, clock.instant()),
                            null);
                }
            } catch (RuntimeException e) {
                lastError = e.getMessage();
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                return new WaitResult<>(
                        probe.name(),
                        condition.description(),
                        false,
                        last,
                        reads,
                        Duration.between(start, now),
                        lastError);
            }
            Duration left = Duration.between(now, deadline);
            sleeper.sleep(left.compareTo(poll) < 0 ? left : poll);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> boolean test(Condition<? super T> condition, T value) {
        return ((Condition<T>) condition).test(value);
    }
}
