package dev.runbook.core;

import java.time.Duration;

/**
 * Waits for a while. The system one sleeps; the test one advances a controllable clock.
 *
 * <pre>{@code
 * Sleeper.system().sleep(Duration.ofMillis(200));
 * }</pre>
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Waits for {@code duration}.
     *
     * @throws RunbookException if the thread is interrupted (the interrupt flag is kept)
     */
    void sleep(Duration duration);

    /** Sleeps the current thread. */
    static Sleeper system() {
        return duration -> {
            try {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunbookException("interrupted while waiting " + duration, e);
            }
        };
    }
}
