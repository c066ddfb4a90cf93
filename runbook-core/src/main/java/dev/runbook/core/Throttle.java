package dev.runbook.core;

/**
 * A rate limit an action obeys while it works (keys per second, records per second).
 *
 * <pre>{@code
 * Throttle t = ctx.throttle("redis.unlink", 50_000);
 * t.acquire(batch.size());
 * }</pre>
 */
public interface Throttle {

    /**
     * Blocks until {@code permits} may be used.
     *
     * @throws IllegalArgumentException if permits is negative
     */
    void acquire(int permits);

    /** The configured rate. */
    double permitsPerSecond();

    /** A throttle that never waits. */
    static Throttle unlimited() {
        return new Throttle() {
            @Override
            public void acquire(int permits) {
                if (permits < 0) {
                    throw new IllegalArgumentException("permits must be >= 0, was " + permits);
                }
            }

            @Override
            public double permitsPerSecond() {
                return Double.POSITIVE_INFINITY;
            }
        };
    }
}
