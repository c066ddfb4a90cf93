package dev.runbook.core;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Applies the inverses of the changed steps, newest first, after a failure with {@link OnFailure#ROLLBACK}. */
final class Rollback {
    private final Run run;

    Rollback(Run run) {
        this.run = run;
    }

    /** Returns whether every changed step was undone. */
    boolean run(Map<String, StepPlan> applied) {
        List<String> ids = new ArrayList<>(applied.keySet());
        Collections.reverse(ids);
        boolean all = true;
        for (String stepId : ids) {
            Step.Act step = (Step.Act) run.runbook().step(stepId);
            StepOutcome o = undo(step, applied.get(stepId));
            run.outcomes().add(o);
            all &= o.outcome().isSuccess();
            if (run.auditBroken()) {
                return false;
            }
        }
        return all;
    }

    private StepOutcome undo(Step.Act step, StepPlan original) {
        String id = "rollback-" + step.id();
        String title = "undo " + step.title();
        Instant t0 = run.clock().instant();
        Optional<Action> inverse = step.action().inverse(original);
        if (inverse.isEmpty()) {
            return new StepOutcome(
                    id,
                    StepKind.ACTION,
                    title,
                    Outcome.FAILED,
                    step.action().type() + " has no inverse; restore "
                            + step.action().target() + " by hand",
                    Duration.ZERO,
                    null,
                    null,
                    null,
                    "NoInverse: " + step.action().type(),
                    null);
        }
        String span = Run.span();
        try {
            run.audit(AuditEvent.Type.STEP_STARTED, span, id, null, title, Map.of("inverseOf", step.id()));
        } catch (AuditException e) {
            return StepOutcome.notAttempted(step, "rollback not attempted: the audit sink failed");
        }
        StepOutcome o;
        try {
            ActionContext ctx = run.context(id);
            StepPlan sp = inverse.get().plan(ctx);
            ApplyResult r = sp.isNoop()
                    ? ApplyResult.unchanged(sp.summary()).build()
                    : inverse.get().apply(sp, ctx);
            Verification v = sp.isNoop()
                    ? Verification.skipped("nothing to undo")
                    : inverse.get().verify(sp, r, ctx);
            o = new StepOutcome(
                    id,
                    StepKind.ACTION,
                    title,
                    v.ok() ? r.outcome() : Outcome.FAILED,
                    r.summary(),
                    Duration.between(t0, run.clock().instant()),
                    r.counts(),
                    r.items(),
                    v,
                    v.ok() ? null : "VerificationFailed: " + v.message(),
                    r.details());
        } catch (RuntimeException e) {
            o = new StepOutcome(
                    id,
                    StepKind.ACTION,
                    title,
                    Outcome.FAILED,
                    e.getMessage(),
                    Duration.ZERO,
                    null,
                    null,
                    null,
                    Run.errorText(e),
                    null);
        }
        try {
            run.audit(
                    o.outcome().isSuccess() ? AuditEvent.Type.STEP_FINISHED : AuditEvent.Type.STEP_FAILED,
                    span,
                    id,
                    o.outcome(),
                    o.message(),
                    Map.of());
        } catch (AuditException e) {
            // remembered by the run; it stops
        }
        return o;
    }
}
