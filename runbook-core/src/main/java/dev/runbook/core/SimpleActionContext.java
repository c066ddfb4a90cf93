package dev.runbook.core;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The plain {@link ActionContext}: fixed ids, a clock, a sleeper, guards, and throttles backed by
 * resilience4j. The engine builds one per step; JShell users get one from {@link
 * ActionContext#standalone()}.
 *
 * <pre>{@code
 * ActionContext ctx = ActionContext.builder().runId("r1").stepId("01-flush").guards(Guards.defaults()).build();
 * }</pre>
 */
public final class SimpleActionContext implements ActionContext {
    private final String runId;
    private final String stepId;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Guards guards;
    private final ProgressListener progress;

    private SimpleActionContext(Builder b) {
        this.runId = b.runId;
        this.stepId = b.stepId;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.guards = b.guards;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Sleeper sleeper() {
        return sleeper;
    }

    @Override
    public Guards guards() {
        return guards;
    }

    @Override
    public Throttle throttle(String name, double permitsPerSecond) {
        return resilienceThrottle(name, permitsPerSecond);
    }

    @Override
    public void progress(String what, long done, long total) {
        try {
            progress.progress(stepId, what, done, total);
        } catch (RuntimeException ignored) {
            // listeners never throw into an action
        }
    }

    /**
     * A throttle of {@code permitsPerSecond} backed by a resilience4j {@link RateLimiter} refreshed every
     * 10 ms; requests larger than one refresh period's permits are taken in chunks.
     *
     * @throws IllegalArgumentException if the rate is not positive
     */
    static Throttle resilienceThrottle(String name, double permitsPerSecond) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException(
                    "rate for '" + name + "' must be a positive number, was " + permitsPerSecond);
        }
        Duration period = permitsPerSecond >= 100
                ? Duration.ofMillis(10)
                : Duration.ofMillis(Math.round(1000 / permitsPerSecond));
        int perPeriod = (int) Math.max(1, Math.round(permitsPerSecond * period.toNanos() / 1e9));
        RateLimiter limiter = RateLimiter.of(
                name,
                RateLimiterConfig.custom()
                        .limitRefreshPeriod(period)
                        .limitForPeriod(perPeriod)
                        .timeoutDuration(Duration.ofDays(1))
                        .build());
        return new Throttle() {
            @Override
            public void acquire(int permits) {
                if (permits < 0) {
                    throw new IllegalArgumentException("permits must be >= 0, was " + permits);
                }
                int left = permits;
                while (left > 0) {
                    int chunk = Math.min(left, perPeriod);
                    if (!limiter.acquirePermission(chunk)) {
                        throw new RunbookException("rate limiter '" + name + "' did not grant " + chunk + " permits");
                    }
                    left -= chunk;
                }
            }

            @Override
            public double permitsPerSecond() {
                return permitsPerSecond;
            }
        };
    }

    /** Receives progress of long steps. Implementations are fast and never throw. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(String stepId, String what, long done, long total);

        static ProgressListener none() {
            return (s, w, d, t) -> {};
        }
    }

    /** Builds a {@link SimpleActionContext}. */
    public static final class Builder {
        private String runId = "standalone-" + UUID.randomUUID();
        private String stepId = "standalone";
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private Guards guards = Guards.none();
        private ProgressListener progress = ProgressListener.none();

        public Builder runId(String runId) {
            this.runId = Objects.requireNonNull(runId, "runId");
            return this;
        }

        public Builder stepId(String stepId) {
            this.stepId = Objects.requireNonNull(stepId, "stepId");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public Builder guards(Guards guards) {
            this.guards = Objects.requireNonNull(guards, "guards");
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public SimpleActionContext build() {
            return new SimpleActionContext(this);
        }
    }
}
