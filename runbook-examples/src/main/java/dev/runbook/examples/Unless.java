package dev.runbook.examples;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Condition;
import dev.runbook.core.Endpoint;
import dev.runbook.core.Probe;
import dev.runbook.core.Probes;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.core.WaitResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An action that is not needed if the incident goes away by itself: at apply it first waits, at most {@code
 * within}, for a probe to satisfy a condition (INC-012 scenario 1: "network blip, wait 5-10 min, lag usually
 * self-recovers"); if it does, the step is UNCHANGED and the action never runs; if not, the action applies
 * exactly its reviewed plan (which still refuses a target that moved meanwhile). {@code within} zero reads
 * once: "scale up unless the lag is already back".
 *
 * <pre>{@code
 * Unless.holdsWithin(status, ReplicationStatus.recovered(30), Duration.ofMinutes(5),
 *         asia.restartDeployment("smp-prod", "mirrormaker-to-cn"))
 * }</pre>
 *
 * <p>The plan is the action's own plan with a warning that says what is waited for; the probe, the condition
 * and the wait are parameters, bound into the plan with the action's. The wait runs inside the step, so it
 * counts against the engine's {@code stepTimeout} if one is set: give the step room for the wait and the
 * action's own (a restart's rollout timeout).
 */
public final class Unless implements Action {
    private final Action action;
    private final Probe<?> probe;
    private final Condition<?> condition;
    private final Duration within;

    /** How an apply that found the action unnecessary begins its summary; verify knows it by this. */
    static final String NOT_NEEDED = "not needed, nothing done to ";

    private <T> Unless(Action action, Probe<T> probe, Condition<? super T> condition, Duration within) {
        this.action = Objects.requireNonNull(action, "action");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.condition = Objects.requireNonNull(condition, "condition");
        if (within == null || within.isNegative()) {
            throw new IllegalArgumentException("the wait before '" + action.type() + " on " + action.target()
                    + "' must be >= 0 (0 reads once), was " + within);
        }
        this.within = within;
    }

    /**
     * {@code action}, unless {@code probe} satisfies {@code condition} within {@code within} when the run
     * reaches it.
     *
     * @throws IllegalArgumentException for a negative wait
     */
    public static <T> Unless holdsWithin(
            Probe<T> probe, Condition<? super T> condition, Duration within, Action action) {
        return new Unless(action, probe, condition, within);
    }

    /**
     * Every parameter apply uses: the wrapped action's, and what is waited for.
     *
     * @param unless the probe and the condition that make the action unnecessary
     * @param withinSeconds how long apply waits for it
     * @param action the wrapped action's parameters
     */
    public record Params(String unless, long withinSeconds, Object action) {}

    @Override
    public Params parameters() {
        return new Params(unlessText(), within.toSeconds(), action.parameters());
    }

    private String unlessText() {
        return probe.name() + " " + condition.description();
    }

    @Override
    public String type() {
        return action.type();
    }

    @Override
    public String target() {
        return action.target();
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
        if (p.isNoop()) {
            return p;
        }
        List<String> warnings = new ArrayList<>(p.warnings());
        warnings.add("not done if " + unlessText()
                + (within.isZero()
                        ? " when the run reaches it"
                        : " within " + human(within) + " of the run reaching it"));
        return new StepPlan(
                p.actionType(),
                p.target(),
                p.change(),
                p.summary(),
                p.before(),
                p.after(),
                p.blastRadius(),
                p.rates(),
                p.resources(),
                warnings,
                p.details(),
                null);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return action.apply(plan, ctx);
        }
        WaitResult<?> r = Probes.waitUntil(
                (Probe) probe, (Condition) condition, within, Probes.DEFAULT_POLL, ctx.clock(), ctx.sleeper());
        if (r.satisfied()) {
            return ApplyResult.unchanged(NOT_NEEDED + target() + ": " + r).build();
        }
        return action.apply(plan, ctx);
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        // from the result, not from memory: a run resumed in another process verifies the same way
        if (!plan.isNoop() && result.summary().startsWith(NOT_NEEDED)) {
            return Verification.skipped("not needed: " + result.summary());
        }
        return action.verify(plan, result, ctx);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return action.inverse(plan);
    }

    @Override
    public String toString() {
        return "Unless[" + action + " unless " + unlessText() + " within " + within + "]";
    }

    private static String human(Duration d) {
        return d.toSeconds() >= 60 && d.toSecondsPart() == 0
                ? d.toMinutes() + " min"
                : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
