package dev.runbook.core;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;

/**
 * A {@link Throttle} backed by a resilience4j {@link RateLimiter}. The rate is expressed as {@code
 * perPeriod} permits every {@code period}, chosen so that {@code perPeriod / period} is the requested
 * rate (to the nanosecond) for any rate from {@link #MIN_RATE} up: one permit per period below 100/s,
 * and periods of about 10 ms above. A request larger than one period's permits is taken in chunks, so
 * {@code acquire(n)} works for any {@code n}.
 */
final class RateThrottle implements Throttle {
    /** The slowest rate a throttle accepts: one permit per 30 days or so. */
    static final double MIN_RATE = 1.0 / (30L * 24 * 3600);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int MAX_PER_PERIOD = 1 << 30;

    private final String name;
    private final double permitsPerSecond;
    private final Duration period;
    private final int perPeriod;
    private final RateLimiter limiter;

    private RateThrottle(String name, double permitsPerSecond) {
        this.name = name;
        this.permitsPerSecond = permitsPerSecond;
        // Aim for 10 ms periods, with at least one permit each.
        long wanted = (long) Math.ceil(permitsPerSecond / 100.0);
        this.perPeriod = (int) Math.max(1, Math.min(MAX_PER_PERIOD, wanted));
        long nanos = Math.max(1L, Math.round(perPeriod * (NANOS_PER_SECOND / permitsPerSecond)));
        this.period = Duration.ofNanos(nanos);
        this.limiter = RateLimiter.of(
                name,
                RateLimiterConfig.custom()
                        .limitRefreshPeriod(period)
                        .limitForPeriod(perPeriod)
                        // a chunk never waits more than a few periods; never time out before that
                        .timeoutDuration(period.multipliedBy(4).plusDays(1))
                        .build());
    }

    /**
     * A throttle of {@code permitsPerSecond} for {@code name}; an infinite rate never waits.
     *
     * @throws IllegalArgumentException if the rate is not a number or below {@link #MIN_RATE}
     */
    static Throttle of(String name, double permitsPerSecond) {
        if (Double.isNaN(permitsPerSecond) || permitsPerSecond < MIN_RATE) {
            throw new IllegalArgumentException("rate for '" + name + "' must be at least " + MIN_RATE
                    + " per second (one per 30 days), was " + permitsPerSecond
                    + "; use a positive rate, or Throttle.unlimited() for none");
        }
        if (Double.isInfinite(permitsPerSecond)) {
            return Throttle.unlimited();
        }
        return new RateThrottle(name, permitsPerSecond);
    }

    @Override
    public void acquire(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        int left = permits;
        while (left > 0) {
            int chunk = Math.min(left, perPeriod);
            if (!limiter.acquirePermission(chunk)) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new RunbookException("interrupted while waiting for " + chunk + " permits of '" + name + "' ("
                            + permitsPerSecond + "/s); the step stops here");
                }
                throw new RunbookException("rate limiter '" + name + "' did not grant " + chunk
                        + " permits within its timeout; lower the concurrency of callers sharing it");
            }
            left -= chunk;
        }
    }

    @Override
    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    /** How often permits are refilled. */
    Duration period() {
        return period;
    }

    /** How many permits each period holds. */
    int perPeriod() {
        return perPeriod;
    }

    @Override
    public String toString() {
        return "Throttle[" + name + " " + permitsPerSecond + "/s = " + perPeriod + " per " + period + "]";
    }
}
