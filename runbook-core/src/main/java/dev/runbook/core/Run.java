package dev.runbook.core;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditSink;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One application of a plan: the step loop, audit pairing, approvals, journal, rollback. */
final class Run {
    private final RunbookEngine engine;
    private final Runbook runbook;
    private final Plan plan;
    private final String runId;
    private final RunRecord resumed;
    private final List<StepOutcome> outcomes = new ArrayList<>();
    private final Map<String, StepPlan> applied = new LinkedHashMap<>();
    private String auditFailure;

    Run(RunbookEngine engine, Runbook runbook, Plan plan, String runId, RunRecord resumed) {
        this.engine = engine;
        this.runbook = runbook;
        this.plan = plan;
        this.runId = runId;
        this.resumed = resumed;
    }

    static ActionContext context(RunbookEngine engine, String runId, String stepId) {
        return SimpleActionContext.builder()
                .runId(runId)
                .stepId(stepId)
                .clock(engine.clock)
                .sleeper(engine.sleeper)
                .guards(engine.guards)
                .build();
    }

    Report execute() {
        Instant started = engine.clock.instant();
        String runSpan = span();
        // Fails closed: if this first record cannot be written, nothing has been touched yet.
        audit(
                AuditEvent.Type.RUN_STARTED,
                runSpan,
                null,
                null,
                (resumed == null ? "apply plan " : "resume plan ") + plan.planId(),
                Map.of("plan", plan.planId()));
        boolean failed = false;
        for (Step step : runbook.steps()) {
            Optional<StepOutcome> done = resumed == null ? Optional.empty() : resumed.finished(step.id());
            if (done.isPresent() && done.get().outcome().isSuccess()) {
                StepOutcome o = done.get();
                outcomes.add(o);
                recordApplied(step, o);
                continue;
            }
            if (failed && runbook.onFailure() != OnFailure.CONTINUE || auditFailure != null) {
                outcomes.add(StepOutcome.notAttempted(
                        step,
                        auditFailure != null
                                ? "not attempted: the audit sink failed (" + auditFailure + ")"
                                : "not attempted: an earlier step failed"));
                continue;
            }
            StepOutcome o = runStep(step);
            outcomes.add(o);
            if (!o.outcome().isSuccess()) {
                failed = true;
            }
        }
        RunStatus status = failed ? RunStatus.FAILED : RunStatus.SUCCEEDED;
        if (failed && runbook.onFailure() == OnFailure.ROLLBACK && auditFailure == null) {
            status = new Rollback(this).run(applied) ? RunStatus.ROLLED_BACK : RunStatus.FAILED;
        }
        if (auditFailure != null) {
            status = RunStatus.FAILED;
        }
        try {
            audit(
                    status == RunStatus.SUCCEEDED ? AuditEvent.Type.RUN_FINISHED : AuditEvent.Type.RUN_FAILED,
                    runSpan,
                    null,
                    status == RunStatus.SUCCEEDED ? Outcome.CHANGED : Outcome.FAILED,
                    "run " + status,
                    Map.of());
            engine.journal.finished(runId, status);
        } catch (AuditException e) {
            // The run is over; the report says the audit is incomplete and the journal keeps the run resumable.
            auditFailure = auditFailure == null ? e.getMessage() : auditFailure;
            status = RunStatus.FAILED;
        }
        return new Report(
                runId,
                plan.planId(),
                runbook.id(),
                status,
                engine.actor,
                engine.incidentId,
                started,
                engine.clock.instant(),
                outcomes);
    }

    private void recordApplied(Step step, StepOutcome o) {
        if (step instanceof Step.Act && o.outcome() == Outcome.CHANGED) {
            applied.put(step.id(), plan.step(step.id()).action());
        }
    }

    /** Runs one step between a paired start and end audit record. */
    StepOutcome runStep(Step step) {
        String span = span();
        PlannedStep planned = plan.step(step.id());
        try {
            audit(AuditEvent.Type.STEP_STARTED, span, step.id(), null, step.title(), stepData(planned));
        } catch (AuditException e) {
            return StepOutcome.notAttempted(step, "not attempted: the audit sink failed (" + e.getMessage() + ")");
        }
        engine.journal.stepStarted(runId, step.id());
        Instant t0 = engine.clock.instant();
        StepOutcome o;
        try {
            o = new StepRunner(
                            this,
                            engine,
                            step,
                            planned,
                            resumed != null && resumed.startedSteps().contains(step.id()))
                    .run(t0);
        } catch (RuntimeException e) {
            o = failed(step, t0, e);
        }
        try {
            audit(
                    o.outcome().isSuccess() ? AuditEvent.Type.STEP_FINISHED : AuditEvent.Type.STEP_FAILED,
                    span,
                    step.id(),
                    o.outcome(),
                    o.message(),
                    o.error() == null
                            ? Map.of("counts", o.counts())
                            : Map.of("counts", o.counts(), "error", o.error()));
        } catch (AuditException e) {
            // The step's end is not recorded: stop before the next mutation.
        }
        engine.journal.stepFinished(runId, o);
        recordApplied(step, o);
        return o;
    }

    StepOutcome failed(Step step, Instant t0, RuntimeException e) {
        return new StepOutcome(
                step.id(),
                step.kind(),
                step.title(),
                Outcome.FAILED,
                e.getMessage(),
                Duration.between(t0, engine.clock.instant()),
                null,
                null,
                null,
                errorText(e),
                null);
    }

    static String errorText(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * Writes a record to every sink. The first failure is remembered, so that the run stops before its
     * next mutation, and rethrown.
     */
    void audit(AuditEvent.Type type, String span, String stepId, Outcome outcome, String message, Map<String, ?> data) {
        AuditEvent event = new AuditEvent(
                UUID.randomUUID().toString(),
                engine.clock.instant(),
                type,
                span,
                runId,
                runbook.id(),
                engine.incidentId,
                engine.actor,
                stepId,
                outcome,
                message,
                Json.tree(data));
        for (AuditSink sink : engine.sinks) {
            try {
                sink.write(event);
            } catch (RuntimeException e) {
                String why =
                        "audit sink " + sink.getClass().getSimpleName() + " failed on " + type + ": " + e.getMessage();
                if (auditFailure == null) {
                    auditFailure = why;
                }
                throw e instanceof AuditException ae ? ae : new AuditException(why, e);
            }
        }
    }

    boolean auditBroken() {
        return auditFailure != null;
    }

    ActionContext context(String stepId) {
        return context(engine, runId, stepId);
    }

    String runId() {
        return runId;
    }

    java.time.Clock clock() {
        return engine.clock;
    }

    Runbook runbook() {
        return runbook;
    }

    Plan plan() {
        return plan;
    }

    List<StepOutcome> outcomes() {
        return outcomes;
    }

    static String span() {
        return UUID.randomUUID().toString();
    }

    private static Map<String, Object> stepData(PlannedStep p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", p.kind());
        m.put("summary", p.summary());
        if (p.action() != null) {
            m.put("target", p.action().target());
            m.put("blastRadius", p.action().blastRadius());
            m.put("fingerprint", p.action().fingerprint());
        }
        return m;
    }

    /** Applies with retries on retriable unavailability, under the engine's step timeout if set. */
    ApplyResult applyWithPolicies(Action action, StepPlan sp, ActionContext ctx) throws TimeoutException {
        Retry retry = Retry.of(
                "apply-" + ctx.stepId(),
                RetryConfig.custom()
                        .maxAttempts(engine.maxAttempts)
                        .intervalFunction(IntervalFunction.ofExponentialBackoff(engine.initialBackoff, 2.0))
                        .retryOnException(e -> e instanceof TargetUnavailableException t && t.retriable())
                        .failAfterMaxAttempts(false)
                        .build());
        if (engine.stepTimeout == null) {
            return retry.executeSupplier(() -> action.apply(sp, ctx));
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runbook-apply-" + ctx.stepId());
            t.setDaemon(true);
            return t;
        });
        try {
            Future<ApplyResult> f = executor.submit(() -> retry.executeSupplier(() -> action.apply(sp, ctx)));
            try {
                return f.get(engine.stepTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new RunbookException("apply of " + action.type() + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunbookException("interrupted while applying " + action.type(), e);
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
