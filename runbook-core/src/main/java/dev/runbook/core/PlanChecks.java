package dev.runbook.core;

import java.util.Objects;

/** What the engine checks before it applies or resumes a plan; each refusal says to plan again. */
final class PlanChecks {
    private PlanChecks() {}

    /**
     * Refuses a plan of another runbook definition, an edited plan, or a plan for another environment.
     *
     * @throws StalePlanException if the plan does not match the runbook, or was edited
     * @throws RefusedException if the plan was made for another environment
     */
    static void requireApplicable(Runbook runbook, Plan plan, String environment) {
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(plan, "plan");
        if (!runbook.id().equals(plan.runbookId()) || !runbook.fingerprint().equals(plan.runbookFingerprint())) {
            throw new StalePlanException("plan " + plan.planId() + " was made from a different definition of runbook "
                    + plan.runbookId() + " than " + runbook.id() + " as it is now; plan again and review the new plan");
        }
        if (!plan.isIntact()) {
            throw new StalePlanException("plan " + plan.planId() + " of " + plan.runbookId()
                    + " was edited after it was made (its steps no longer match its fingerprint "
                    + plan.fingerprint()
                            .substring(0, Math.min(12, plan.fingerprint().length()))
                    + "); plan again and review the new plan");
        }
        if (plan.environment() != null && !plan.environment().equalsIgnoreCase(environment)) {
            throw new RefusedException("plan " + plan.planId() + " was made for environment '" + plan.environment()
                    + "' but this engine applies to '" + environment + "'; plan again with this engine");
        }
    }
}
