package dev.runbook.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand, and a sleeper that advances it instead of sleeping. */
final class FakeClock extends Clock implements Sleeper {
    private final AtomicReference<Instant> now;

    FakeClock(String iso) {
        this.now = new AtomicReference<>(Instant.parse(iso));
    }

    void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public void sleep(Duration duration) {
        advance(duration);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
