package dev.runbook.core;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plain {@link ActionContext}: fixed ids, a clock, a sleeper, guards, and throttles backed by
 * resilience4j. The engine builds one per step; JShell users get one from {@link
 * ActionContext#standalone()}.
 *
 * <pre>{@code
 * ActionContext ctx = ActionContext.builder().runId("r1").stepId("flush").guards(Guards.defaults()).build();
 * }</pre>
 */
public final class SimpleActionContext implements ActionContext {
    private final String runId;
    private final String stepId;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Guards guards;
    private final ProgressListener progress;
    private final Map<String, Throttle> throttles = new ConcurrentHashMap<>();

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

    /**
     * The throttle for {@code name} at {@code permitsPerSecond}, backed by resilience4j. Asking twice
     * for the same name and rate in this context gives the same throttle, so its budget is shared.
     *
     * @throws IllegalArgumentException if the rate is not positive (or slower than one per 30 days)
     */
    @Override
    public Throttle throttle(String name, double permitsPerSecond) {
        Objects.requireNonNull(name, "name");
        String key = name + "@" + permitsPerSecond;
        Throttle existing = throttles.get(key);
        if (existing != null) {
            return existing;
        }
        Throttle created = RateThrottle.of(name, permitsPerSecond);
        Throttle raced = throttles.putIfAbsent(key, created);
        return raced == null ? created : raced;
    }

    @Override
    public void progress(String what, long done, long total) {
        try {
            progress.progress(stepId, what, done, total);
        } catch (RuntimeException ignored) {
            // listeners never throw into an action
        }
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
