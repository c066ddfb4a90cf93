package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies the inverses of the steps that changed something, newest first, after a failure with {@link
 * OnFailure#ROLLBACK}. Each inverse is built from the before-state its step recorded, planned now, and
 * then run like any step: audited, guard-checked, approved if needed, applied and verified. Its outcome
 * is reported as {@code rollback-<step id>}.
 */
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
            Step.Act step = (Step.Act) run.runbook.step(stepId);
            StepOutcome o = undo(step, applied.get(stepId));
            run.outcomes().add(o);
            all &= o.outcome().isSuccess();
        }
        return all;
    }

    private StepOutcome undo(Step.Act step, StepPlan original) {
        String id = "rollback-" + step.id();
        String title = "undo " + step.title();
        String stop = run.stopReason(false);
        Optional<Action> inverse;
        try {
            inverse = step.action().inverse(original);
        } catch (RuntimeException e) {
            return failed(
                    id, title, "cannot build the inverse of " + step.action().type() + ": " + e.getMessage(), e);
        }
        if (inverse.isEmpty()) {
            return failed(
                    id,
                    title,
                    step.action().type() + " has no inverse; restore "
                            + step.action().target() + " by hand to its recorded before-state "
                            + abbreviate(original.before()),
                    null);
        }
        Step.Act undo = new Step.Act(id, title, inverse.get(), step.verifyTimeout());
        if (stop != null) {
            return StepOutcome.notAttempted(undo, "rollback not attempted: " + stop);
        }
        StepPlan sp;
        JsonNode parameters;
        try {
            parameters = Parameters.of(inverse.get(), run.engine.bindingKey);
            sp = inverse.get().plan(run.context(id));
        } catch (RuntimeException e) {
            return failed(id, title, "cannot plan the inverse of " + step.id() + ": " + e.getMessage(), e);
        }
        List<String> violations = run.engine.guards.violations(id, sp, run.engine.clock);
        boolean approval = !sp.isNoop()
                && (inverse.get().destructive() || run.engine.guards.requiresApproval(run.engine.environment));
        PlannedStep planned = new PlannedStep(
                id,
                StepKind.ACTION,
                title,
                sp.change(),
                sp.summary(),
                sp,
                null,
                approval,
                violations,
                undo.definition(),
                parameters);
        return run.runStep(undo, planned, true);
    }

    private static String abbreviate(Object value) {
        String s = String.valueOf(value);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private static StepOutcome failed(String id, String title, String message, RuntimeException e) {
        return new StepOutcome(
                id,
                StepKind.ACTION,
                title,
                Outcome.FAILED,
                message,
                Duration.ZERO,
                null,
                null,
                null,
                e == null ? "NoInverse: " + message : Outcomes.errorText(e),
                null);
    }
}
