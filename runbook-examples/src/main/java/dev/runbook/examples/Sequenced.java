package dev.runbook.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Endpoint;
import dev.runbook.core.Json;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An action of a runbook that acts on an object an earlier step of the same runbook changes: "scale up to 5
 * and back", "flag off and on", "restart, then scale". The engine plans every step before the first write,
 * so the second step on an object would be planned against the state before the first one (a scale back
 * to 3 planned as "already 3", a scale after a restart holding a resourceVersion the restart moved).
 *
 * <ul>
 *   <li>{@link #after(Action)}: plans the action now, for review, and again at apply; refused as stale unless
 *       the second plan observes the same before-state as the reviewed one (the earlier step may move only
 *       what the action does not look at, such as the resourceVersion).
 *   <li>{@link #undo(Action)}: the inverse of an earlier step's action, reviewed as "from what that step
 *       leaves back to what it found"; at apply the inverse is planned against the state then and refused
 *       unless it finds exactly what the earlier step left. Run again after it is done, it is UNCHANGED.
 *   <li>{@link #whenReached(Action)}: an action whose object only an earlier step makes known, planned when the
 *       run reaches it, and said so in the plan.
 * </ul>
 *
 * <p>Limit: a run that crashes inside an {@link #undo} step and is resumed plans that step again from the
 * earlier action, which then finds nothing to do and reports the undo UNCHANGED; check the object (the
 * replicas, the flag) after such a resume. The engine keeps no hook to hand the reviewed plan back.
 *
 * <pre>{@code
 * ScaleDeployment up = k8s.scaleDeployment("smp-prod", "dispatch-engine", 5);
 * Runbook.builder("INC-001", "Dispatch engine down")
 *     .step("restart", k8s.restartDeployment("smp-prod", "dispatch-engine"))
 *     .step("scale up to 5", Sequenced.after(up))
 *     .step("scale back", Sequenced.undo(up))
 *     .build();
 * }</pre>
 */
public final class Sequenced implements Action {
    private enum Mode {
        AFTER,
        UNDO,
        WHEN_REACHED
    }

    private final Action action;
    private final Mode mode;
    private final boolean undo;
    private final Map<String, StepPlan> planned = new ConcurrentHashMap<>();
    private final Map<String, Action> inverses = new ConcurrentHashMap<>();

    private Sequenced(Action action, Mode mode) {
        this.action = java.util.Objects.requireNonNull(action, "action");
        this.mode = mode;
        this.undo = mode == Mode.UNDO;
    }

    /** {@code action}, planned again at apply and refused unless it observes what was reviewed. */
    public static Sequenced after(Action action) {
        return new Sequenced(action, Mode.AFTER);
    }

    /**
     * {@code action}, whose object only an earlier step makes known: the event that stops a replica's SQL
     * thread once the query blocking it is killed. The plan shows what the action would do now and says
     * that it is planned when the run reaches it; the approval of a destructive action is asked then, and the
     * plan it applied goes into the result's details (and so into the audit). Refused at plan time if
     * {@code action} refuses now.
     */
    public static Sequenced whenReached(Action action) {
        return new Sequenced(action, Mode.WHEN_REACHED);
    }

    /**
     * The inverse of {@code earlier} (an action of an earlier step), from what it leaves to what it found.
     *
     * @throws RefusedException at plan time if {@code earlier} has no inverse
     */
    public static Sequenced undo(Action earlier) {
        return new Sequenced(earlier, Mode.UNDO);
    }

    /**
     * Every parameter apply uses: the wrapped action's, and whether this is its undo.
     *
     * @param mode after, undo, or whenReached
     * @param action the wrapped action's parameters
     */
    public record Params(String mode, Object action) {}

    @Override
    public String type() {
        return action.type();
    }

    @Override
    public String target() {
        return action.target();
    }

    @Override
    public Params parameters() {
        return new Params(mode.name(), action.parameters());
    }

    @Override
    public boolean destructive() {
        return action.destructive();
    }

    @Override
    public Optional<Endpoint> endpoint() {
        return action.endpoint();
    }

    @Override
    public Set<String> blastRadiusNames() {
        return action.blastRadiusNames();
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        StepPlan p = action.plan(ctx);
        if (mode == Mode.WHEN_REACHED) {
            StepPlan shown = withNote(
                    p,
                    "planned when the run reaches it (an earlier step changes its object): " + action + "; now it would"
                            + " say: " + p.summary(),
                    p.before(),
                    p.after(),
                    Json.tree(Map.of("now", p)),
                    "planned again when the run reaches this step, after the earlier steps; its plan then goes into"
                            + " the result");
            return new StepPlan(
                    shown.actionType(),
                    shown.target(),
                    dev.runbook.core.Change.CHANGE,
                    shown.summary(),
                    shown.before(),
                    shown.after(),
                    shown.blastRadius(),
                    shown.rates(),
                    shown.resources(),
                    shown.warnings(),
                    shown.details(),
                    null);
        }
        if (!undo) {
            return withNote(
                    p,
                    p.summary(),
                    p.before(),
                    p.after(),
                    p.details(),
                    "planned again at apply, after the earlier steps; refused unless it then observes the same as now");
        }
        if (p.isNoop()) {
            return StepPlan.unchanged(this, "nothing to undo: " + p.summary(), p.before());
        }
        Action inverse = action.inverse(p)
                .orElseThrow(() -> new RefusedException(action.type() + " on " + action.target()
                        + " has no inverse; write the step that restores it explicitly"));
        return withNote(
                p,
                "undo the earlier '" + p.summary() + "' with " + inverse,
                p.after(),
                p.before(),
                Json.tree(Map.of("earlier", p)),
                "planned again at apply; refused unless it finds what the earlier step left");
    }

    private StepPlan withNote(
            StepPlan p, String summary, JsonNode before, JsonNode after, JsonNode details, String note) {
        List<String> warnings = new ArrayList<>(p.warnings());
        warnings.add(note);
        return new StepPlan(
                p.actionType(),
                p.target(),
                p.change(),
                summary,
                before,
                after,
                p.blastRadius(),
                p.rates(),
                p.resources(),
                warnings,
                details,
                null);
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Action act = action;
        if (undo) {
            StepPlan earlier = Json.convert(plan.details().path("earlier"), StepPlan.class);
            act = action.inverse(earlier).orElseThrow();
        }
        StepPlan now = act.plan(ctx);
        if (mode == Mode.WHEN_REACHED) {
            if (now.isNoop()) {
                return ApplyResult.unchanged(now.summary()).build();
            }
            planned.put(ctx.idempotencyKey(), now);
            inverses.put(ctx.idempotencyKey(), act);
            ApplyResult r = act.apply(now, ctx);
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("plannedWhenReached", now);
            details.put("result", r.details());
            return new ApplyResult(r.outcome(), r.summary(), r.counts(), r.items(), Json.tree(details));
        }
        if (undo && now.isNoop()) {
            return ApplyResult.unchanged("already undone: " + now.summary()).build();
        }
        if (!Json.fingerprint(now.before()).equals(Json.fingerprint(plan.before())) || now.isNoop()) {
            throw new StalePlanException(target() + " is not as reviewed: the plan expected " + plan.before()
                    + ", it is now " + now.before() + "; plan again and review the new plan");
        }
        planned.put(ctx.idempotencyKey(), now);
        inverses.put(ctx.idempotencyKey(), act);
        return act.apply(now, ctx);
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        StepPlan now = planned.get(ctx.idempotencyKey());
        if (now == null) {
            return Verification.skipped("nothing was applied in this run");
        }
        return inverses.get(ctx.idempotencyKey()).verify(now, result, ctx);
    }

    @Override
    public String toString() {
        return "Sequenced." + (mode == Mode.AFTER ? "after(" : mode == Mode.UNDO ? "undo(" : "whenReached(") + action
                + ")";
    }
}
