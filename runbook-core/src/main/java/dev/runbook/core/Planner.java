package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a {@link Plan}: evaluates prechecks, plans each action, and checks guards. Reads only: it never
 * calls an action's apply. An action whose plan throws is a refusal of its step, not an exception.
 */
final class Planner {
    private final RunbookEngine engine;
    private final Reachability reachability;

    Planner(RunbookEngine engine) {
        this.engine = engine;
        this.reachability = new Reachability(engine.connectTimeout);
    }

    Plan plan(Runbook runbook, String planId) {
        List<PlannedStep> steps = new ArrayList<>();
        for (Step step : runbook.steps()) {
            steps.add(planStep(step, planId));
        }
        return new Plan(
                planId,
                runbook.id(),
                runbook.title(),
                runbook.severity(),
                runbook.service(),
                engine.environment,
                engine.clock.instant(),
                runbook.fingerprint(),
                steps,
                null);
    }

    PlannedStep planStep(Step step, String planId) {
        if (step instanceof Step.Check<?> c && c.kind() == StepKind.PRECHECK) {
            CheckResult r;
            try {
                reachability.require(c.probe().endpoint(), c.id());
                r = c.evaluate();
            } catch (TargetUnavailableException e) {
                r = new CheckResult(c.probe().name(), c.condition().description(), false, null, e.getMessage());
            }
            List<String> refusals =
                    r.passed() ? List.of() : List.of("precheck '" + c.title() + "' does not hold: " + r.sentence());
            return new PlannedStep(
                    c.id(),
                    c.kind(),
                    c.title(),
                    Change.NONE,
                    r.sentence(),
                    null,
                    r,
                    false,
                    refusals,
                    c.definition(),
                    null);
        }
        if (step instanceof Step.Check<?> c) {
            String summary = "after the actions, check " + c.probe().name() + " "
                    + c.condition().description();
            return new PlannedStep(
                    c.id(),
                    c.kind(),
                    c.title(),
                    Change.NONE,
                    summary,
                    null,
                    null,
                    false,
                    List.of(),
                    c.definition(),
                    null);
        }
        if (step instanceof Step.Act a) {
            return planAction(a, planId);
        }
        if (step instanceof Step.Wait<?> w) {
            String summary = "wait until " + w.probe().name() + " "
                    + w.condition().description() + " (at most " + Outcomes.human(w.timeout()) + ")";
            return new PlannedStep(
                    w.id(),
                    w.kind(),
                    w.title(),
                    Change.NONE,
                    summary,
                    null,
                    null,
                    false,
                    List.of(),
                    w.definition(),
                    null);
        }
        Step.Manual m = (Step.Manual) step;
        return new PlannedStep(
                m.id(),
                m.kind(),
                m.title(),
                Change.NONE,
                m.instructions(),
                null,
                null,
                true,
                List.of(),
                m.definition(),
                null);
    }

    PlannedStep planAction(Step.Act a, String planId) {
        ActionContext ctx = Run.context(engine, planId, a.id());
        StepPlan sp;
        JsonNode parameters = null;
        try {
            // Recorded before planning, so that what apply compares is what this plan was made with.
            parameters = Parameters.of(a.action(), engine.bindingKey);
            reachability.require(a.action().endpoint(), a.id());
            sp = a.action().plan(ctx);
        } catch (RuntimeException e) {
            // A refusal, or a bug or client error in the action: either way this step cannot be applied.
            return new PlannedStep(
                    a.id(),
                    StepKind.ACTION,
                    a.title(),
                    Change.CHANGE,
                    "refused: " + e.getMessage(),
                    null,
                    null,
                    false,
                    List.of(e.getClass().getSimpleName() + ": " + e.getMessage()),
                    a.definition(),
                    parameters);
        }
        List<String> violations = engine.guards.violations(a.id(), sp, engine.clock);
        boolean approval =
                !sp.isNoop() && (a.action().destructive() || engine.guards.requiresApproval(engine.environment));
        return new PlannedStep(
                a.id(),
                StepKind.ACTION,
                a.title(),
                sp.change(),
                sp.summary(),
                sp,
                null,
                approval,
                violations,
                a.definition(),
                parameters);
    }
}
