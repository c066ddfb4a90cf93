package dev.runbook.core;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditSink;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Plans and applies runbooks. {@link #plan} only reads; {@link #apply} runs exactly the reviewed plan
 * or refuses; guards are checked at both; destructive steps need an approval; every step is audited
 * before it changes anything, and a failed audit write stops the run; progress goes to a journal so
 * that {@link #resume} finishes a crashed run.
 *
 * <pre>{@code
 * RunbookEngine engine = RunbookEngine.builder()
 *     .actor("alice").incident("INC-2211").environment("prod")
 *     .guards(Guards.defaults())
 *     .approvals(ApprovalGate.console())
 *     .audit(JsonLinesAuditSink.open(Path.of("audit.jsonl")))
 *     .journal(Journal.files(Path.of("runbook-journal")))
 *     .build();
 * Plan plan = engine.plan(runbook);   // read-only; print it, review it
 * Report report = engine.apply(runbook, plan);
 * }</pre>
 */
public final class RunbookEngine {
    private static final DateTimeFormatter RUN_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    final Clock clock;
    final Sleeper sleeper;
    final Guards guards;
    final ApprovalGate approvals;
    final List<AuditSink> sinks;
    final Journal journal;
    final String actor;
    final String incidentId;
    final String environment;
    final int maxAttempts;
    final Duration initialBackoff;
    final Duration stepTimeout;
    final Duration verifyPoll;
    final BindingKey bindingKey;
    final Duration connectTimeout;
    final List<RunListener> listeners;

    private RunbookEngine(Builder b) {
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.guards = b.guards;
        this.approvals = b.approvals;
        this.sinks = List.copyOf(b.sinks);
        this.journal = b.journal;
        this.actor = b.actor;
        this.incidentId = b.incidentId;
        this.environment = b.environment;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.stepTimeout = b.stepTimeout;
        this.verifyPoll = b.verifyPoll;
        this.bindingKey = b.bindingKey;
        this.connectTimeout = b.connectTimeout;
        this.listeners = List.copyOf(b.listeners);
    }

    /**
     * Starts an engine with no guards, no audit sinks, an in-memory journal, every approval denied, and
     * environment {@code dev}: say {@code .environment("prod")} in production, or the guards' {@link
     * Guards.Builder#requireApprovalIn(String...) approval in prod} (part of {@link Guards#defaults()})
     * never applies.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Dry-runs the runbook: evaluates prechecks, plans every action, checks guards. Never applies
     * anything. A plan that cannot be applied says why in {@link Plan#refusals()}.
     */
    public Plan plan(Runbook runbook) {
        return new Planner(this).plan(runbook, "plan-" + shortId());
    }

    /**
     * Applies exactly {@code plan}. Step failures are data in the report; only a plan that cannot be
     * applied at all throws. Guards and prechecks are checked again at each step; a step that changes
     * something and is destructive (or runs in an environment that requires it) needs an approval; a
     * failed audit write stops the run before the next step, which the report shows as NOT_ATTEMPTED.
     *
     * @throws StalePlanException if the plan was made from another definition of the runbook (another
     *     step, or an action with other {@link Action#parameters()}), or was edited after it was made;
     *     nothing is written, and the refusal is audited ({@code APPLY_REFUSED})
     * @throws RefusedException if the plan has refusals (guards, refused actions, failed prechecks) or
     *     was made for another environment
     * @throws dev.runbook.core.audit.AuditException if the run's first audit record cannot be written
     */
    public Report apply(Runbook runbook, Plan plan) {
        String runId = newRunId(runbook);
        try {
            requireMatches(runbook, plan);
            if (!plan.isReady()) {
                throw new RefusedException("plan " + plan.planId() + " of " + runbook.id() + " cannot be applied: "
                        + String.join("; ", plan.refusals()) + ". Fix the cause and plan again.");
            }
        } catch (RunbookException e) {
            throw auditRefusal(runbook, plan, runId, e);
        }
        journal.begin(runId, plan);
        return new Run(this, runbook, plan, runId, null).execute();
    }

    /**
     * Resumes a run that stopped before it ended (a crash, a killed JVM, a failed audit sink or
     * journal). Steps that finished successfully are not repeated: their outcomes are carried into the
     * report. A step that started but did not finish successfully (interrupted, or failed before the
     * crash) is planned again, which its outcome message and its STEP_STARTED audit record ({@code
     * "interrupted": true}) show, then applied. Steps that never started are applied from the original plan, so a world that moved
     * since makes them fail as stale. Use the same journal (for a file journal, the same directory).
     *
     * <pre>{@code
     * Report r = engine.resume(runbook, "INC-004-20261121T030000-1a2b3c4d");
     * }</pre>
     *
     * @throws IllegalArgumentException if the journal has no such run
     * @throws IllegalStateException if the run already ended
     * @throws StalePlanException if the runbook's definition changed since the run's plan
     * @throws dev.runbook.core.audit.AuditException if the run's first audit record cannot be written
     */
    public Report resume(Runbook runbook, String runId) {
        RunRecord record = journal.load(runId)
                .orElseThrow(() -> new IllegalArgumentException(
                        "the journal has no run '" + runId + "'; check the run id in the report or the audit log"
                                + " (unfinished runs in this journal: " + journal.unfinished() + ")"));
        if (record.ended()) {
            throw new IllegalStateException("run " + runId + " already ended with " + record.status()
                    + "; plan and apply the runbook again instead of resuming");
        }
        try {
            requireMatches(runbook, record.plan());
        } catch (RunbookException e) {
            throw auditRefusal(runbook, record.plan(), runId, e);
        }
        return new Run(this, runbook, record.plan(), runId, record).execute();
    }

    private void requireMatches(Runbook runbook, Plan plan) {
        PlanChecks.requireApplicable(runbook, plan, environment, bindingKey);
    }

    /**
     * Records a refused apply (nothing was written) in the audit, and returns the refusal to throw. A
     * sink that fails here does not turn the refusal into something else: its failure is attached.
     */
    private RunbookException auditRefusal(Runbook runbook, Plan plan, String runId, RunbookException refusal) {
        RunAudit audit = new RunAudit(this, runId, runbook == null ? String.valueOf(plan.runbookId()) : runbook.id());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("plan", plan == null ? null : plan.planId());
        data.put("planFingerprint", plan == null ? null : plan.fingerprint());
        data.put("refusal", refusal.getClass().getSimpleName());
        audit.tryWrite(
                AuditEvent.Type.APPLY_REFUSED, Run.span(), null, Outcome.NOT_ATTEMPTED, refusal.getMessage(), data);
        if (audit.failure() != null) {
            refusal.addSuppressed(new AuditException("the refusal could not be audited: " + audit.failure()));
        }
        return refusal;
    }

    ApplyPolicy applyPolicy() {
        return new ApplyPolicy(maxAttempts, initialBackoff, stepTimeout);
    }

    /** A run id that is safe as a file name: the runbook id, the time and a random suffix. */
    private String newRunId(Runbook runbook) {
        String base = runbook.id().replaceAll("[^A-Za-z0-9._-]+", "-");
        return base + "-" + RUN_TIME.format(clock.instant()) + "-" + shortId();
    }

    /** The settings, for people: {@code RunbookEngine[environment prod, actor alice, ...]}. */
    @Override
    public String toString() {
        return "RunbookEngine[environment " + environment + ", actor " + actor
                + (incidentId == null ? "" : ", incident " + incidentId) + ", " + guards + ", approvals "
                + approvals + ", " + Plural.of(sinks.size(), "audit sink") + ", journal " + journal
                + ", retries " + maxAttempts + ", step timeout "
                + (stepTimeout == null ? "none" : Outcomes.human(stepTimeout))
                + ", connect timeout " + Outcomes.human(connectTimeout) + ", " + bindingKey + "]";
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Builds a {@link RunbookEngine}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private Guards guards = Guards.none();
        private ApprovalGate approvals =
                ApprovalGate.denyAll("no approval gate is configured; build the engine with .approvals(...)");
        private final List<AuditSink> sinks = new ArrayList<>();
        private Journal journal = Journal.inMemory();
        private String actor = System.getProperty("user.name", "unknown");
        private String incidentId;
        private String environment = "dev";
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration stepTimeout;
        private Duration verifyPoll = Duration.ofMillis(250);
        private BindingKey bindingKey = BindingKey.fromEnvironment();
        private Duration connectTimeout = Duration.ofSeconds(5);
        private final List<RunListener> listeners = new ArrayList<>();

        /** The clock for plans, audit times, freezes and waits; the system UTC clock unless set. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How waits and verify polls pause; tests pass a sleeper that advances a fake clock. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The guards checked at plan and again at apply; {@link Guards#none()} unless set. */
        public Builder guards(Guards guards) {
            this.guards = Objects.requireNonNull(guards, "guards");
            return this;
        }

        /** Who approves destructive steps; unless set, every approval is denied. */
        public Builder approvals(ApprovalGate approvals) {
            this.approvals = Objects.requireNonNull(approvals, "approvals");
            return this;
        }

        /** Adds an audit sink; every sink must accept every record, or the run stops. */
        public Builder audit(AuditSink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /** Where run progress is kept for {@link RunbookEngine#resume}; in memory unless set. */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Who runs the runbook, for the audit and approvals; the OS user unless set. */
        public Builder actor(String actor) {
            this.actor = Objects.requireNonNull(actor, "actor");
            return this;
        }

        /** The incident this run is for, such as {@code INC-2211}, recorded in every audit record. */
        public Builder incident(String incidentId) {
            this.incidentId = incidentId;
            return this;
        }

        /**
         * The environment applied to, such as {@code prod}; plans record it and apply checks it. {@code dev}
         * unless set, where {@link Guards#defaults()}' approval in {@code prod} does not apply: a production
         * engine says {@code .environment("prod")}.
         */
        public Builder environment(String environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Retries of an apply that failed with a retriable {@link TargetUnavailableException}, with
         * exponential backoff from {@code initialBackoff}.
         *
         * @throws IllegalArgumentException if attempts is below 1
         */
        public Builder retries(int maxAttempts, Duration initialBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
            return this;
        }

        /**
         * The longest an action's apply may take, enforced with a resilience4j TimeLimiter. Past it the
         * apply's thread is interrupted, the step is UNKNOWN, and the run stops without rollback, since
         * the apply may still be running.
         *
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder stepTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("step timeout must be > 0, was " + timeout);
            }
            this.stepTimeout = timeout;
            return this;
        }

        /** How often a failing post-condition is checked again until the step's verify timeout. */
        public Builder verifyPoll(Duration poll) {
            if (poll.isNegative() || poll.isZero()) {
                throw new IllegalArgumentException("verify poll must be > 0, was " + poll);
            }
            this.verifyPoll = poll;
            return this;
        }

        /**
         * The key that binds secret parameters into plans ({@link Action#parameters()}); the engine that
         * applies a plan needs the key of the engine that made it. {@link BindingKey#fromEnvironment()}
         * unless set: {@code RUNBOOK_BINDING_KEY}, else a random key for this JVM.
         */
        public Builder bindingKey(BindingKey key) {
            this.bindingKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * How long planning waits for a server to answer its first request (see {@link Endpoint}): each
         * endpoint is checked once per plan; one that does not answer in time refuses its steps at once.
         * 5 s unless set.
         *
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout must be > 0, was " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public String toString() {
            return "RunbookEngine.Builder[environment " + environment + ", actor " + actor + ", " + guards + ", "
                    + Plural.of(sinks.size(), "audit sink") + "]";
        }

        /**
         * Adds a listener of run events (started, approval needed, step finished or failed, finished): a
         * notifier, a pager, metrics. A listener that throws is recorded in the audit and the report's
         * warnings; it never fails a step.
         */
        public Builder listener(RunListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The engine; it is immutable and may run several runbooks at once. */
        public RunbookEngine build() {
            return new RunbookEngine(this);
        }
    }
}
