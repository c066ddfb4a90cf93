package dev.runbook.test;

import dev.runbook.core.Plan;
import dev.runbook.core.PlannedStep;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Plan}; failures print the plan table.
 *
 * <pre>{@code
 * assertThat(plan).isReady().hasSteps("memory-is-high", "flush").hasStep("flush").changes();
 * }</pre>
 */
public final class PlanAssert extends AbstractAssert<PlanAssert, Plan> {

    PlanAssert(Plan actual) {
        super(actual, PlanAssert.class);
    }

    /** Every step can be applied. */
    public PlanAssert isReady() {
        isNotNull();
        if (!actual.isReady()) {
            failWithMessage(
                    "expected the plan to be ready, but it has refusals:%n  %s%n%s",
                    String.join("\n  ", actual.refusals()), actual);
        }
        return this;
    }

    /** At least one step cannot be applied. */
    public PlanAssert isNotReady() {
        isNotNull();
        if (actual.isReady()) {
            failWithMessage("expected the plan to have refusals, but it is ready:%n%s", actual);
        }
        return this;
    }

    /** Some refusal contains {@code fragment}. */
    public PlanAssert hasRefusalContaining(String fragment) {
        isNotNull();
        if (actual.refusals().stream().noneMatch(r -> r.contains(fragment))) {
            failWithMessage(
                    "expected a refusal containing '%s', but the refusals are %s%n%s",
                    fragment, actual.refusals(), actual);
        }
        return this;
    }

    /** Applying would change nothing. */
    public PlanAssert isNoop() {
        isNotNull();
        if (!actual.isNoop()) {
            failWithMessage("expected a plan that changes nothing, but:%n%s", actual);
        }
        return this;
    }

    /** Applying would change something. */
    public PlanAssert changesSomething() {
        isNotNull();
        if (actual.isNoop()) {
            failWithMessage("expected a plan that changes something, but every step is unchanged:%n%s", actual);
        }
        return this;
    }

    /** The step ids, exactly and in order. */
    public PlanAssert hasSteps(String... stepIds) {
        isNotNull();
        var ids = actual.steps().stream().map(PlannedStep::stepId).toList();
        if (!ids.equals(java.util.List.of(stepIds))) {
            failWithMessage("expected steps %s, but the plan has %s", java.util.List.of(stepIds), ids);
        }
        return this;
    }

    /** The secret's value appears neither in the plan's table nor in its JSON. */
    public PlanAssert doesNotReveal(dev.runbook.core.Secret secret) {
        isNotNull();
        var found = Revealed.where(secret, actual);
        if (!found.isEmpty()) {
            failWithMessage("expected the plan not to reveal the secret, but it is in %s", found);
        }
        return this;
    }

    /** The plan reads back from its JSON as an equal plan. */
    public PlanAssert survivesJson() {
        isNotNull();
        Plan back = Plan.fromJson(actual.toJson());
        if (!back.equals(actual)) {
            failWithMessage("expected the plan to survive JSON, but it read back as%n%s%ninstead of%n%s", back, actual);
        }
        return this;
    }

    /** Assertions on the step with this id; fails if there is none. */
    public PlannedStepAssert hasStep(String stepId) {
        isNotNull();
        PlannedStep step = actual.steps().stream()
                .filter(s -> s.stepId().equals(stepId))
                .findFirst()
                .orElse(null);
        if (step == null) {
            failWithMessage(
                    "expected a step '%s', but the plan's steps are %s",
                    stepId, actual.steps().stream().map(PlannedStep::stepId).toList());
        }
        return new PlannedStepAssert(step, this);
    }
}
