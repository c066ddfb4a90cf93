package dev.runbook.core;

import dev.runbook.core.audit.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Runs one step of a run, between the start and end audit records that {@link Run} writes: checks and
 * waits, manual confirmations, and actions (guards again, approval, apply under the engine's retry and
 * timeout policy, then verification polled until the step's verify timeout).
 */
final class StepRunner {
    private final Run run;
    private final RunbookEngine engine;
    private final Step step;
    private final PlannedStep planned;
    private final String span;
    private final boolean interrupted;
    private final boolean rollback;

    StepRunner(Run run, Step step, PlannedStep planned, String span, boolean interrupted, boolean rollback) {
        this.run = run;
        this.engine = run.engine;
        this.step = step;
        this.planned = planned;
        this.span = span;
        this.interrupted = interrupted;
        this.rollback = rollback;
    }

    StepOutcome run(Instant t0) {
        if (step instanceof Step.Check<?> c) {
            CheckResult r = c.evaluate();
            return outcome(
                    t0,
                    r.passed() ? Outcome.UNCHANGED : Outcome.FAILED,
                    r.sentence(),
                    null,
                    null,
                    r.passed() ? null : "CheckFailed: " + r.sentence());
        }
        if (step instanceof Step.Wait<?> w) {
            return runWait(w, t0);
        }
        if (step instanceof Step.Manual m) {
            Approval a = decide(ApprovalRequest.Kind.CONFIRM_MANUAL, m.instructions());
            if (!a.approved()) {
                return outcome(
                        t0,
                        Outcome.FAILED,
                        "manual step not confirmed: " + a,
                        null,
                        null,
                        "ApprovalDeniedException: manual step '" + m.title() + "' was not confirmed (" + a + ")");
            }
            return outcome(t0, Outcome.CHANGED, "confirmed " + a, null, null, null);
        }
        return runAction((Step.Act) step, t0);
    }

    private <T> StepOutcome runWait(Step.Wait<T> w, Instant t0) {
        WaitResult<T> r =
                Probes.waitUntil(w.probe(), w.condition(), w.timeout(), w.poll(), engine.clock, engine.sleeper);
        return outcome(
                t0,
                r.satisfied() ? Outcome.UNCHANGED : Outcome.FAILED,
                r.toString(),
                null,
                null,
                r.satisfied() ? null : "WaitTimedOut: " + r);
    }

    private StepOutcome runAction(Step.Act a, Instant t0) {
        ActionContext ctx = run.context(a.id());
        StepPlan sp = planned.action();
        String note = "";
        if (interrupted) {
            // The step started in a run that crashed: what it saw may have been partly changed by itself.
            // Plan it again and say so, rather than apply a plan the step itself made stale.
            StepPlan fresh = a.action().plan(ctx);
            note = " (planned again on resume, " + run.resumeNote(a) + "; first plan: " + sp.summary() + ")";
            sp = fresh;
        }
        requireSameAction(a, planned, sp);
        if (sp.isNoop()) {
            return outcome(t0, Outcome.UNCHANGED, sp.summary() + note, null, null, null);
        }
        List<String> violations = engine.guards.violations(a.id(), sp, engine.clock);
        if (!violations.isEmpty()) {
            throw new GuardViolationException(
                    String.join("; ", violations) + " (checked again at apply; nothing was changed in this step)");
        }
        boolean needsApproval = planned.requiresApproval()
                || a.action().destructive()
                || engine.guards.requiresApproval(engine.environment);
        if (needsApproval) {
            Approval approval = decide(ApprovalRequest.Kind.APPROVE_STEP, null);
            if (!approval.approved()) {
                throw new ApprovalDeniedException("step " + a.id() + " was not approved: " + approval
                        + "; the run stopped before changing anything in this step. Get an approval, then plan"
                        + " and apply again");
            }
        }
        run.audit.requireIntact("apply of step " + a.id());
        ApplyResult result;
        try {
            result = run.engine.applyPolicy().apply(a.action(), sp, ctx);
        } catch (TimeoutException e) {
            String why = "step " + a.id() + " did not finish within " + engine.stepTimeout
                    + " and may still be running; check " + sp.target() + ", then plan again";
            run.abandon(why);
            return outcome(
                    t0,
                    Outcome.UNKNOWN,
                    "apply " + why,
                    null,
                    null,
                    "TimeoutException: apply exceeded " + engine.stepTimeout);
        }
        if (!rollback && changedSomething(result.outcome())) {
            run.markApplied(a.id(), sp);
        }
        Verification v = verify(a, sp, result, ctx);
        Outcome outcome = v.ok() ? result.outcome() : Outcome.FAILED;
        return new StepOutcome(
                a.id(),
                a.kind(),
                a.title(),
                outcome,
                result.summary() + note,
                Duration.between(t0, engine.clock.instant()),
                result.counts(),
                result.items(),
                v,
                v.ok() ? null : "VerificationFailed: " + v.message(),
                result.details());
    }

    private static boolean changedSomething(Outcome o) {
        return o == Outcome.CHANGED || o == Outcome.FAILED || o == Outcome.UNKNOWN;
    }

    /** Checked again at each step (the run checked every step before its first write). */
    private void requireSameAction(Step.Act a, PlannedStep p, StepPlan sp) {
        if (!sp.actionType().equals(a.action().type())
                || !sp.target().equals(a.action().target())) {
            throw new StalePlanException("step " + a.id() + " was planned as " + sp.actionType() + " on " + sp.target()
                    + " but the runbook now has " + a.action().type() + " on "
                    + a.action().target()
                    + "; plan again and review the new plan");
        }
        List<String> changes = PlanChecks.changes(a, p, engine.bindingKey);
        if (!changes.isEmpty()) {
            throw new StalePlanException(String.join("; ", changes) + "; nothing was applied in this step: plan again"
                    + " and review the new plan");
        }
    }

    private Verification verify(Step.Act a, StepPlan sp, ApplyResult result, ActionContext ctx) {
        Instant deadline = engine.clock.instant().plus(a.verifyTimeout());
        while (true) {
            Verification v;
            try {
                v = a.action().verify(sp, result, ctx);
            } catch (RuntimeException e) {
                v = Verification.failed("the post-condition could not be checked: " + Outcomes.errorText(e));
            }
            if (v.ok() || !engine.clock.instant().isBefore(deadline)) {
                return v;
            }
            engine.sleeper.sleep(engine.verifyPoll);
        }
    }

    private Approval decide(ApprovalRequest.Kind kind, String instructions) {
        ApprovalRequest req = new ApprovalRequest(
                kind,
                run.runId,
                run.runbook.id(),
                engine.environment,
                engine.actor,
                planned,
                instructions,
                run.runbook.severity(),
                run.plan.fingerprint());
        run.emit(RunEvent.Type.APPROVAL_NEEDED, step, null, null, null, req.describe());
        Approval a;
        try {
            a = engine.approvals.decide(req);
        } catch (RuntimeException e) {
            a = Approval.denied("approval-gate", "the gate failed: " + e.getMessage());
        }
        if (a == null) {
            a = Approval.denied("approval-gate", "the gate gave no answer");
        }
        AuditEvent.Type type = kind == ApprovalRequest.Kind.CONFIRM_MANUAL && a.approved()
                ? AuditEvent.Type.MANUAL_CONFIRMED
                : a.approved() ? AuditEvent.Type.APPROVAL_GRANTED : AuditEvent.Type.APPROVAL_DENIED;
        run.audit.write(
                type,
                span,
                step.id(),
                null,
                a.toString(),
                Map.of("approver", a.approver(), "reason", a.reason(), "approved", a.approved()));
        return a;
    }

    private StepOutcome outcome(
            Instant t0, Outcome o, String message, Map<String, Long> counts, Verification v, String error) {
        return new StepOutcome(
                step.id(),
                step.kind(),
                step.title(),
                o,
                message,
                Duration.between(t0, engine.clock.instant()),
                counts,
                null,
                v,
                error,
                null);
    }
}
