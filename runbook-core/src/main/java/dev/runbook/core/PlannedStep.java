package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link Plan}: what it will do, or why it will not.
 *
 * <pre>{@code
 * PlannedStep s = plan.step("flush-stock-cache");
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
 * @param definition the step as the runbook defined it when planned (kind, probe and condition, or
 *     action type and target), to name what changed when a rebuilt runbook is refused
 * @param parameters for action steps, the action's {@link Action#parameters()} as reviewed (canonical
 *     JSON, secrets as keyed hashes: {@link Parameters}); apply refuses an action whose parameters differ
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
        List<String> refusals,
        String definition,
        JsonNode parameters) {

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
