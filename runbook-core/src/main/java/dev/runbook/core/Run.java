package dev.runbook.core;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One application of a plan: the step loop, audit pairing, journal, resume and rollback. Every step
 * runs between a start and an end audit record; a failed audit or journal write stops the run before
 * its next step, leaving it resumable.
 */
final class Run {
    final RunbookEngine engine;
    final Runbook runbook;
    final Plan plan;
    final String runId;
    final RunAudit audit;
    private final RunRecord resumed;
    private final List<StepOutcome> outcomes = new ArrayList<>();
    private final Map<String, StepPlan> applied = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private String journalFailure;
    private String abandoned;

    Run(RunbookEngine engine, Runbook runbook, Plan plan, String runId, RunRecord resumed) {
        this.engine = engine;
        this.runbook = runbook;
        this.plan = plan;
        this.runId = runId;
        this.resumed = resumed;
        this.audit = new RunAudit(engine, runId, runbook.id());
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
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("plan", plan.planId());
        data.put("title", runbook.title());
        data.put("severity", runbook.severity());
        data.put("environment", engine.environment);
        data.put("guards", engine.guards.toString());
        if (resumed != null) {
            data.put(
                    "finishedBeforeResume",
                    resumed.finishedSteps().stream()
                            .filter(o -> o.outcome().isSuccess())
                            .map(StepOutcome::stepId)
                            .toList());
        }
        try {
            audit.write(
                    AuditEvent.Type.RUN_STARTED,
                    runSpan,
                    null,
                    null,
                    (resumed == null ? "apply plan " : "resume plan ") + plan.planId(),
                    data);
        } catch (AuditException e) {
            // Nothing was touched. Close the span in the sinks that took the start, then refuse.
            audit.tryWrite(AuditEvent.Type.RUN_FAILED, runSpan, null, Outcome.NOT_ATTEMPTED, e.getMessage(), Map.of());
            throw e;
        }
        if (resumed != null) {
            closeInterruptedSpans(runSpan);
        }
        emit(
                RunEvent.Type.RUN_STARTED,
                null,
                null,
                null,
                null,
                (resumed == null ? "apply plan " : "resume plan ") + plan.planId());
        boolean failed = false;
        for (Step step : runbook.steps()) {
            Optional<StepOutcome> done = resumed == null ? Optional.empty() : resumed.finished(step.id());
            if (done.isPresent() && done.get().outcome().isSuccess()) {
                StepOutcome o = Outcomes.carried(done.get());
                outcomes.add(o);
                if (step instanceof Step.Act && o.outcome() == Outcome.CHANGED) {
                    applied.put(step.id(), plan.step(step.id()).action());
                }
                continue;
            }
            String stop = stopReason(failed);
            if (stop != null) {
                outcomes.add(StepOutcome.notAttempted(step, "not attempted: " + stop));
                continue;
            }
            StepOutcome o = runStep(step, plan.step(step.id()), false);
            outcomes.add(o);
            failed |= !o.outcome().isSuccess();
        }
        RunStatus status = failed ? RunStatus.FAILED : RunStatus.SUCCEEDED;
        if (failed && runbook.onFailure() == OnFailure.ROLLBACK && stopReason(false) == null) {
            status = new Rollback(this).run(applied) ? RunStatus.ROLLED_BACK : RunStatus.FAILED;
        }
        boolean intact = audit.failure() == null && journalFailure == null;
        if (!intact) {
            status = RunStatus.FAILED;
        }
        audit.tryWrite(
                status == RunStatus.SUCCEEDED ? AuditEvent.Type.RUN_FINISHED : AuditEvent.Type.RUN_FAILED,
                runSpan,
                null,
                status == RunStatus.SUCCEEDED ? Outcome.CHANGED : Outcome.FAILED,
                "run " + status + (intact ? "" : ": " + stopReason(false)),
                Map.of("status", status));
        Instant ended = engine.clock.instant();
        emit(new RunEvent(
                RunEvent.Type.RUN_FINISHED,
                ended,
                runId,
                runbook.id(),
                runbook.title(),
                runbook.severity(),
                engine.incidentId,
                engine.environment,
                engine.actor,
                null,
                null,
                null,
                null,
                Duration.between(started, ended),
                status,
                "run " + status));
        if (audit.failure() == null && journalFailure == null) {
            try {
                engine.journal.finished(runId, status);
            } catch (RuntimeException e) {
                journalFailure = e.getMessage();
            }
        } else {
            // The journal keeps the run open, so that it can be resumed once the sink or journal works.
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
                outcomes,
                warnings);
    }

    /** Tells the engine's listeners about a step (or, with a null step, the run). */
    void emit(RunEvent.Type type, Step step, Outcome outcome, Duration took, RunStatus status, String message) {
        if (engine.listeners.isEmpty()) {
            return;
        }
        emit(new RunEvent(
                type,
                engine.clock.instant(),
                runId,
                runbook.id(),
                runbook.title(),
                runbook.severity(),
                engine.incidentId,
                engine.environment,
                engine.actor,
                step == null ? null : step.id(),
                step == null ? null : step.kind(),
                step instanceof Step.Act a ? a.action().type() : null,
                outcome,
                took,
                status,
                message));
    }

    /**
     * Calls each listener; one that throws is recorded as a warning of the run and in the audit ({@code
     * LISTENER_FAILED}), and the run goes on.
     */
    void emit(RunEvent event) {
        for (RunListener l : engine.listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                String name = safeName(l);
                String why = "listener " + name + " failed on " + event.type()
                        + (event.stepId() == null ? "" : " of step " + event.stepId()) + ": " + Outcomes.errorText(e)
                        + "; the run went on";
                synchronized (warnings) {
                    warnings.add(why);
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("listener", name);
                data.put("event", event.type());
                data.put("error", Outcomes.errorText(e));
                audit.tryWrite(AuditEvent.Type.LISTENER_FAILED, null, event.stepId(), null, why, data);
            }
        }
    }

    private static String safeName(RunListener l) {
        try {
            return l.name();
        } catch (RuntimeException e) {
            return l.getClass().getName();
        }
    }

    /** Why the run must not start another step, or null. */
    String stopReason(boolean failed) {
        if (audit.failure() != null) {
            return "the audit sink failed (" + audit.failure() + "); fix it, then resume run " + runId;
        }
        if (journalFailure != null) {
            return "the journal failed (" + journalFailure + "); fix it, then resume run " + runId;
        }
        if (abandoned != null) {
            return abandoned;
        }
        return failed && runbook.onFailure() != OnFailure.CONTINUE ? "an earlier step failed" : null;
    }

    /**
     * A crash leaves start records without their end (the attempt's RUN_STARTED, the interrupted step's
     * STEP_STARTED). The resume writes those ends, as UNKNOWN: whether the interrupted work took effect
     * is for the step's new plan to find out.
     */
    private void closeInterruptedSpans(String runSpan) {
        for (Map.Entry<String, String> open : resumed.openSpans().entrySet()) {
            boolean runLevel = open.getValue().isEmpty();
            audit.tryWrite(
                    runLevel ? AuditEvent.Type.RUN_FAILED : AuditEvent.Type.STEP_FAILED,
                    open.getKey(),
                    runLevel ? null : open.getValue(),
                    Outcome.UNKNOWN,
                    "interrupted: the process stopped before this record's end was written; closed by the resume",
                    Map.of("closedBy", runSpan));
        }
    }

    /** Runs one step between a paired start and end audit record, journaling its start and end. */
    StepOutcome runStep(Step step, PlannedStep planned, boolean rollback) {
        String span = span();
        // On resume, a step that started but did not finish successfully may have changed part of
        // what it observed: it is planned again rather than applied from the old plan.
        boolean interrupted =
                !rollback && resumed != null && resumed.startedSteps().contains(step.id());
        Map<String, Object> data = Outcomes.stepData(planned);
        if (interrupted) {
            data.put("interrupted", true);
        }
        try {
            audit.write(
                    AuditEvent.Type.STEP_STARTED,
                    span,
                    step.id(),
                    null,
                    interrupted ? step.title() + " (" + resumeNote(step) + ": planning it again)" : step.title(),
                    data);
        } catch (AuditException e) {
            return notStarted(step, span, "the audit sink failed (" + audit.failure() + ")");
        }
        try {
            engine.journal.stepStarted(runId, step.id());
        } catch (RuntimeException e) {
            journalFailure = e.getMessage();
            return notStarted(step, span, "the journal failed (" + e.getMessage() + ")");
        }
        Instant t0 = engine.clock.instant();
        StepOutcome o;
        try {
            o = new StepRunner(this, step, planned, span, interrupted, rollback).run(t0);
        } catch (RuntimeException e) {
            o = Outcomes.failed(step, Duration.between(t0, engine.clock.instant()), e);
        }
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("counts", o.counts());
        if (o.error() != null) {
            end.put("error", o.error());
        }
        audit.tryWrite(
                o.outcome().isSuccess() ? AuditEvent.Type.STEP_FINISHED : AuditEvent.Type.STEP_FAILED,
                span,
                step.id(),
                o.outcome(),
                o.message(),
                end);
        emit(
                o.outcome().isSuccess() ? RunEvent.Type.STEP_FINISHED : RunEvent.Type.STEP_FAILED,
                step,
                o.outcome(),
                o.duration(),
                null,
                o.error() == null ? o.message() : o.message() + " (" + o.error() + ")");
        try {
            engine.journal.stepFinished(runId, o);
        } catch (RuntimeException e) {
            journalFailure = e.getMessage();
        }
        return o;
    }

    private StepOutcome notStarted(Step step, String span, String why) {
        StepOutcome o = StepOutcome.notAttempted(step, "not attempted: " + why);
        audit.tryWrite(AuditEvent.Type.STEP_FAILED, span, step.id(), Outcome.NOT_ATTEMPTED, o.message(), Map.of());
        return o;
    }

    /** Why a resumed step is planned again: it was interrupted, or it ended in a failure. */
    String resumeNote(Step step) {
        return resumed.finished(step.id())
                .map(o -> "it ended " + o.outcome() + " before the resume")
                .orElse("interrupted by a crash in an earlier attempt");
    }

    /** Remembers a step whose apply changed something, for a rollback. */
    void markApplied(String stepId, StepPlan sp) {
        applied.put(stepId, sp);
    }

    /** Stops the run for good: an apply timed out and may still be running. */
    void abandon(String why) {
        abandoned = why;
    }

    ActionContext context(String stepId) {
        return context(engine, runId, stepId);
    }

    List<StepOutcome> outcomes() {
        return outcomes;
    }

    static String span() {
        return UUID.randomUUID().toString();
    }
}
