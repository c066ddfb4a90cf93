package dev.runbook.test;

import dev.runbook.core.Change;
import dev.runbook.core.PlannedStep;
import dev.runbook.core.StepKind;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on one step of a plan; {@link #and()} goes back to the plan.
 *
 * <pre>{@code
 * assertThat(plan).hasStep("flush").withChange(Change.CHANGE).withBlastRadius("keys", 10)
 *     .requiresApproval().and().isReady();
 * }</pre>
 */
public final class PlannedStepAssert extends AbstractAssert<PlannedStepAssert, PlannedStep> {
    private final PlanAssert plan;

    PlannedStepAssert(PlannedStep actual, PlanAssert plan) {
        super(actual, PlannedStepAssert.class);
        this.plan = plan;
    }

    /** Back to the plan's assertions. */
    public PlanAssert and() {
        return plan;
    }

    /** The step's change. */
    public PlannedStepAssert withChange(Change change) {
        if (actual.change() != change) {
            failWithMessage(
                    "expected step %s to have change %s, but it has %s: %s",
                    actual.stepId(), change, actual.change(), actual.summary());
        }
        return this;
    }

    /** Shorthand for {@code withChange(Change.CHANGE)}. */
    public PlannedStepAssert changes() {
        return withChange(Change.CHANGE);
    }

    /** Shorthand for {@code withChange(Change.NONE)}. */
    public PlannedStepAssert isUnchanged() {
        return withChange(Change.NONE);
    }

    /** The step's kind. */
    public PlannedStepAssert withKind(StepKind kind) {
        if (actual.kind() != kind) {
            failWithMessage("expected step %s to be a %s, but it is a %s", actual.stepId(), kind, actual.kind());
        }
        return this;
    }

    /** A blast-radius figure of the step's action. */
    public PlannedStepAssert withBlastRadius(String what, long expected) {
        if (actual.action() == null) {
            failWithMessage(
                    "expected step %s to have blast radius %s=%s, but it is a %s, not an action",
                    actual.stepId(), what, expected, actual.kind());
        }
        Long got = actual.action().blastRadius().get(what);
        if (got == null || got != expected) {
            failWithMessage(
                    "expected step %s to have blast radius %s=%s, but it has %s",
                    actual.stepId(), what, expected, actual.action().blastRadius());
        }
        return this;
    }

    /** The step's summary contains {@code fragment}. */
    public PlannedStepAssert withSummaryContaining(String fragment) {
        if (actual.summary() == null || !actual.summary().contains(fragment)) {
            failWithMessage(
                    "expected step %s's summary to contain '%s', but it is '%s'",
                    actual.stepId(), fragment, actual.summary());
        }
        return this;
    }

    /** Some warning of the step's action contains {@code fragment}. */
    public PlannedStepAssert withWarningContaining(String fragment) {
        if (actual.action() == null || actual.action().warnings().stream().noneMatch(w -> w.contains(fragment))) {
            failWithMessage(
                    "expected step %s to have a warning containing '%s', but its warnings are %s",
                    actual.stepId(),
                    fragment,
                    actual.action() == null ? "none" : actual.action().warnings());
        }
        return this;
    }

    /** Apply will ask for approval before this step. */
    public PlannedStepAssert requiresApproval() {
        if (!actual.requiresApproval()) {
            failWithMessage("expected step %s to require approval, but it does not", actual.stepId());
        }
        return this;
    }

    /** Apply will not ask for approval before this step. */
    public PlannedStepAssert doesNotRequireApproval() {
        if (actual.requiresApproval()) {
            failWithMessage("expected step %s not to require approval, but it does", actual.stepId());
        }
        return this;
    }

    /** The step has a refusal containing {@code fragment}. */
    public PlannedStepAssert isRefusedWith(String fragment) {
        if (actual.refusals().stream().noneMatch(r -> r.contains(fragment))) {
            failWithMessage(
                    "expected step %s to be refused with '%s', but its refusals are %s",
                    actual.stepId(), fragment, actual.refusals());
        }
        return this;
    }

    /** The step has no refusal. */
    public PlannedStepAssert isNotRefused() {
        if (!actual.ready()) {
            failWithMessage("expected step %s to have no refusal, but it has %s", actual.stepId(), actual.refusals());
        }
        return this;
    }
}
