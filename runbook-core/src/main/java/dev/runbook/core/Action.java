package dev.runbook.core;

import java.util.Optional;

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
     * What defines this action: every parameter its apply uses (the value to set, the limit, the
     * offsets), as one line. It is hashed into the runbook's fingerprint, so that a plan made from a
     * runbook with other parameters is refused as stale. Defaults to type and target; override it when
     * apply uses parameters that the target does not show. Never include a secret's value.
     *
     * <pre>{@code
     * public String definition() { return type() + " " + target() + " to=" + replicas; }
     * }</pre>
     */
    default String definition() {
        return type() + " " + target();
    }

    /** Whether applying loses something a rollback cannot restore; destructive steps need approval. */
    default boolean destructive() {
        return true;
    }
}
