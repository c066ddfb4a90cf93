package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine checks before it applies or resumes a plan, before anything is written: the plan is
 * the one reviewed (not edited), for this environment, and the runbook it is applied with is the one it
 * was made from, step by step and parameter by parameter ({@link Action#parameters()}). Each refusal
 * names what differs and says to plan again.
 */
final class PlanChecks {
    private PlanChecks() {}

    /**
     * Refuses a plan of another runbook, an edited plan, a runbook whose steps or action parameters differ
     * from the ones reviewed, or a plan for another environment.
     *
     * @throws StalePlanException if the plan does not match the runbook, or was edited
     * @throws RefusedException if the plan was made for another environment
     */
    static void requireApplicable(Runbook runbook, Plan plan, String environment, BindingKey key) {
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(plan, "plan");
        if (!runbook.id().equals(plan.runbookId())) {
            throw new StalePlanException("plan " + plan.planId() + " was made for runbook " + plan.runbookId()
                    + ", not " + runbook.id() + "; plan " + runbook.id() + " and review that plan");
        }
        if (!plan.isIntact()) {
            throw new StalePlanException("plan " + plan.planId() + " of " + plan.runbookId()
                    + " was edited after it was made (its steps no longer match its fingerprint "
                    + plan.fingerprint()
                            .substring(0, Math.min(12, plan.fingerprint().length()))
                    + "); plan again and review the new plan");
        }
        List<String> changes = changes(runbook, plan, key);
        if (!changes.isEmpty()) {
            throw new StalePlanException("plan " + plan.planId() + " of " + plan.runbookId()
                    + " was reviewed for another definition of the runbook: " + String.join("; ", changes)
                    + ". Nothing was applied; plan again and review the new plan");
        }
        if (!runbook.fingerprint().equals(plan.runbookFingerprint())) {
            throw new StalePlanException("plan " + plan.planId() + " was made from a different definition of runbook "
                    + plan.runbookId() + " than " + runbook.id() + " as it is now; plan again and review the new plan");
        }
        if (plan.environment() != null && !plan.environment().equalsIgnoreCase(environment)) {
            throw new RefusedException("plan " + plan.planId() + " was made for environment '" + plan.environment()
                    + "' but this engine applies to '" + environment + "'; plan again with this engine");
        }
    }

    /** Every difference between the runbook's steps and the reviewed plan's, one sentence each. */
    static List<String> changes(Runbook runbook, Plan plan, BindingKey key) {
        Map<String, PlannedStep> planned = new LinkedHashMap<>();
        plan.steps().forEach(p -> planned.put(p.stepId(), p));
        List<String> out = new ArrayList<>();
        for (Step step : runbook.steps()) {
            PlannedStep p = planned.remove(step.id());
            if (p == null) {
                out.add("step " + step.id() + " (" + step.definition() + ") is not in the reviewed plan");
            } else {
                out.addAll(changes(step, p, key));
            }
        }
        planned.keySet().forEach(id -> out.add("step " + id + " of the reviewed plan is no longer in the runbook"));
        return out;
    }

    /** What differs between one step and its planned step: its definition, and an action's parameters. */
    static List<String> changes(Step step, PlannedStep p, BindingKey key) {
        List<String> out = new ArrayList<>();
        String name = "step " + step.id();
        if (p.definition() != null && !p.definition().equals(step.definition())) {
            out.add(name + " is now " + step.definition() + "; the reviewed plan had " + p.definition());
        }
        if (step instanceof Step.Act a) {
            String on = name + " (" + a.action().type() + " on " + a.action().target() + "): ";
            if (p.parameters() == null) {
                if (p.ready()) {
                    out.add(on + "the reviewed plan recorded no parameters for it");
                }
                return out;
            }
            JsonNode now;
            try {
                now = Parameters.of(a.action(), key);
            } catch (RefusedException e) {
                out.add(on + e.getMessage());
                return out;
            }
            Parameters.differences(p.parameters(), now).forEach(d -> out.add(on + d));
        }
        return out;
    }
}
