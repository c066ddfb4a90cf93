package dev.runbook.notify;

import dev.runbook.core.Sleeper;
import java.time.Duration;
import java.util.Objects;

/**
 * How a notifier, pager, status page or approval gate retries: on 5xx, on 429 and when the service
 * cannot be reached, with exponential backoff, waiting exactly what a {@code Retry-After} header asks
 * (seconds or an HTTP date). A 4xx other than 429 is not retried. A {@code Retry-After} longer than
 * {@link #maxRetryAfter()} is not clamped: delivery stops there and says so. Waits go through the
 * {@link Sleeper}, so tests advance a clock instead of sleeping.
 *
 * <pre>{@code
 * DeliveryPolicy p = DeliveryPolicy.defaults().attempts(5).sleeper(testClock);
 * }</pre>
 *
 * @param maxAttempts attempts in all, at least 1
 * @param initialBackoff the wait before the second attempt; doubled each time
 * @param maxBackoff the longest backoff
 * @param maxRetryAfter the longest {@code Retry-After} honoured
 * @param timeout how long one request may take
 * @param sleeper how waits happen
 */
public record DeliveryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryAfter,
        Duration timeout,
        Sleeper sleeper) {

    public DeliveryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        for (Duration d : new Duration[] {initialBackoff, maxBackoff, maxRetryAfter, timeout}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("delivery durations must be >= 0, was " + d);
            }
        }
        if (timeout.isZero()) {
            throw new IllegalArgumentException("the request timeout must be > 0");
        }
        Objects.requireNonNull(sleeper, "sleeper");
    }

    /** 4 attempts, backoff 1 s doubling up to 30 s, {@code Retry-After} up to 2 min, 10 s per request. */
    public static DeliveryPolicy defaults() {
        return new DeliveryPolicy(
                4,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofMinutes(2),
                Duration.ofSeconds(10),
                Sleeper.system());
    }

    /** This policy with {@code n} attempts in all. */
    public DeliveryPolicy attempts(int n) {
        return new DeliveryPolicy(n, initialBackoff, maxBackoff, maxRetryAfter, timeout, sleeper);
    }

    /** This policy with another first backoff. */
    public DeliveryPolicy backoff(Duration initial) {
        return new DeliveryPolicy(maxAttempts, initial, maxBackoff, maxRetryAfter, timeout, sleeper);
    }

    /** This policy waiting through {@code s} (a test's clock). */
    public DeliveryPolicy sleeper(Sleeper s) {
        return new DeliveryPolicy(maxAttempts, initialBackoff, maxBackoff, maxRetryAfter, timeout, s);
    }

    /** The backoff before attempt {@code attempt + 1}: initial, doubled each attempt, at most max. */
    Duration backoffAfter(int attempt) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
