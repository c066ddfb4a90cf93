package dev.runbook.core;

import java.util.Optional;
import java.util.Set;

/**
 * One typed remediation primitive: plan (read-only), apply (exactly the plan, or refuse), verify (the
 * post-condition that makes it done) and, where the recorded before-state allows, an inverse.
 *
 * <p>Implementations must keep these promises, which the contract kit in {@code runbook-test} checks:
 * {@link #plan} never writes; {@link #apply} re-reads what the plan observed and throws {@link
 * StalePlanException} if it moved; applying twice converges (the second plan is {@link Change#NONE} or
 * the second apply reports {@link Outcome#UNCHANGED}).
 *
 * <pre>{@code
 * StepPlan plan = action.plan(ctx);      // read-only
 * ApplyResult done = action.apply(plan, ctx);
 * Verification v = action.verify(plan, done, ctx);
 * }</pre>
 */
public interface Action {

    /** A stable type name, such as {@code redis.scanDeleteByPattern}. */
    String type();

    /** What the action touches, for people and guards: {@code redis://127.0.0.1:6379 keys 'cache:*'}. */
    String target();

    /**
     * Reads the current state and says what apply would do. Never writes.
     *
     * @throws RefusedException if the inputs or the target's state make the action unsafe
     * @throws TargetUnavailableException if the target cannot be read
     */
    StepPlan plan(ActionContext ctx);

    /**
     * Executes exactly {@code plan}, after re-reading the state it observed.
     *
     * @throws StalePlanException if the observed state changed since the plan
     * @throws RefusedException if a limit of the plan would be exceeded
     * @throws TargetUnavailableException if the target went away
     */
    ApplyResult apply(StepPlan plan, ActionContext ctx);

    /**
     * Checks the post-condition once. The engine calls it again until it passes or the step's verify
     * timeout runs out.
     */
    default Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        return Verification.skipped("this action defines no post-condition");
    }

    /** An action that restores the before-state recorded in {@code plan}, where that is possible. */
    default Optional<Action> inverse(StepPlan plan) {
        return Optional.empty();
    }

    /**
     * Every parameter that {@link #apply} uses, as one value: a record (or map) of the value to set, the
     * limits, the filters, the protect list, the headers. Not the connection: {@link #target()} names
     * that. The engine records these parameters in the plan when it plans (in a canonical JSON form, each
     * {@link Secret} as a keyed hash, see {@link Parameters}), and before apply writes anything it
     * compares them with the parameters of the action in the runbook it is given: a runbook rebuilt with
     * another value, limit or secret is refused, naming the step and the parameter. An action without
     * parameters returns {@code Map.of()}.
     *
     * <p>Keep every field that apply reads in here: the contract kit ({@code ActionContract} in {@code
     * runbook-test}) applies a plan with a variant of the action per parameter and fails if one is not
     * refused.
     *
     * <pre>{@code
     * public record Params(String parameter, String value) {}
     * public Params parameters() { return new Params(parameter, value); }
     * }</pre>
     */
    Object parameters();

    /** Whether applying loses something a rollback cannot restore; destructive steps need approval. */
    default boolean destructive() {
        return true;
    }

    /**
     * The server this action talks to, which the engine checks once per plan before planning a step on
     * it, so that a server that does not answer refuses the plan in seconds (see {@link Endpoint}). Empty
     * (the default) for an action that talks to no server or checks it itself.
     */
    default Optional<Endpoint> endpoint() {
        return Optional.empty();
    }

    /**
     * The names of the blast-radius figures this action's plans report ({@code keys}, {@code
     * partitions}, {@code messages}), the names guard budgets are set on. Fakes of the action ({@code
     * FakeAction.of(action)} in {@code runbook-test}) accept only these. Empty when not declared.
     */
    default Set<String> blastRadiusNames() {
        return Set.of();
    }
}
