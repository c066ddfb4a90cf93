package dev.runbook.core;

import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link Plan}: what it will do, or why it will not.
 *
 * <pre>{@code
 * PlannedStep s = plan.step("02-flush-stock-cache");
 * s.action().radius("keys"); // 1_000_000
 * }</pre>
 *
 * @param stepId the step's id
 * @param kind the step's kind
 * @param title the step's title
 * @param change whether the step changes something (checks, waits and manual notes do not)
 * @param summary one sentence
 * @param action the action's step plan, for action steps
 * @param check what a precheck read, for prechecks
 * @param requiresApproval whether apply will ask for approval before this step
 * @param refusals why this step cannot be applied (guards, a refused action, a failed precheck)
 */
public record PlannedStep(
        String stepId,
        StepKind kind,
        String title,
        Change change,
        String summary,
        StepPlan action,
        CheckResult check,
        boolean requiresApproval,
        List<String> refusals) {

    public PlannedStep {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(change, "change");
        refusals = List.copyOf(refusals == null ? List.of() : refusals);
    }

    /** Whether nothing stops this step from being applied. */
    public boolean ready() {
        return refusals.isEmpty();
    }
}
