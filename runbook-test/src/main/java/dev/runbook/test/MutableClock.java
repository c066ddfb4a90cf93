package dev.runbook.test;

import dev.runbook.core.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand, and a {@link Sleeper} that advances it instead of sleeping, so that
 * waits and timeouts run instantly and deterministically.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
 * RunbookEngine engine = RunbookEngine.builder().clock(clock).sleeper(clock).build();
 * clock.advance(Duration.ofMinutes(5));
 * }</pre>
 */
public final class MutableClock extends Clock implements Sleeper {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock at {@code instant}, in UTC. */
    public static MutableClock at(Instant instant) {
        return new MutableClock(new AtomicReference<>(instant), ZoneOffset.UTC);
    }

    /** A clock at an ISO-8601 instant such as {@code 2026-11-21T03:00:00Z}. */
    public static MutableClock at(String isoInstant) {
        return at(Instant.parse(isoInstant));
    }

    /** Moves the clock forward. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward; was asked to move " + d);
        }
        now.updateAndGet(t -> t.plus(d));
    }

    /** Sets the clock. */
    public void set(Instant instant) {
        now.set(instant);
    }

    /** Advances the clock by {@code duration} at once. */
    @Override
    public void sleep(Duration duration) {
        advance(duration);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new MutableClock(now, zone);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + "]";
    }
}
