package dev.runbook.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One step that runs the same kind of action over many targets (Kubernetes contexts, Redis nodes, Kafka
 * clusters), with rate control as AWS SSM Automation does it: at most {@code maxConcurrency} targets at a
 * time, and no new target started once more than {@code maxErrors} have failed (those in flight finish;
 * the rest are NOT_ATTEMPTED). The plan holds every target's own plan; the result has one item per target.
 *
 * <pre>{@code
 * Fleet restart = Fleet.of("restart dispatch-engine", List.of(
 *         asia.restartDeployment("smp-prod", "dispatch-engine"),
 *         china.restartDeployment("smp-prod", "dispatch-engine"),
 *         us.restartDeployment("smp-prod", "dispatch-engine")))
 *     .maxConcurrency(2)
 *     .maxErrors(0);
 * }</pre>
 *
 * <p>Each target runs with its own idempotency key ({@code <step key>/<target>}), so a rerun or resume
 * finds each target's own work. Planning refuses the whole step if any target's plan is refused, naming
 * each: nothing is written before every target was reviewed.
 */
public final class Fleet implements Action {
    private final String name;
    private final List<Action> members;
    private final int maxConcurrency;
    private final int maxErrors;

    private Fleet(String name, List<Action> members, int maxConcurrency, int maxErrors) {
        this.name = name;
        this.members = members;
        this.maxConcurrency = maxConcurrency;
        this.maxErrors = maxErrors;
    }

    /**
     * A fleet of {@code actions}, one per target, run one at a time with no error allowed until changed.
     *
     * @throws IllegalArgumentException for an empty list, or two actions on the same target
     */
    public static Fleet of(String name, List<? extends Action> actions) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a fleet needs a name, such as \"restart dispatch-engine\"");
        }
        if (actions == null || actions.isEmpty()) {
            throw new IllegalArgumentException("fleet '" + name + "' has no targets");
        }
        List<String> seen = new ArrayList<>();
        for (Action a : actions) {
            Objects.requireNonNull(a, "action");
            if (seen.contains(a.target())) {
                throw new IllegalArgumentException("fleet '" + name + "' names " + a.target() + " twice");
            }
            seen.add(a.target());
        }
        return new Fleet(name, List.copyOf(actions), 1, 0);
    }

    /**
     * At most {@code n} targets at a time.
     *
     * @throws IllegalArgumentException if n < 1
     */
    public Fleet maxConcurrency(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxConcurrency must be >= 1, was " + n);
        }
        return new Fleet(name, members, n, maxErrors);
    }

    /**
     * Start no new target once more than {@code n} targets have failed.
     *
     * @throws IllegalArgumentException if n < 0
     */
    public Fleet maxErrors(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxErrors must be >= 0, was " + n);
        }
        return new Fleet(name, members, maxConcurrency, n);
    }

    /** The actions, one per target, in the order they are started. */
    public List<Action> members() {
        return members;
    }

    @Override
    public String type() {
        return "fleet";
    }

    @Override
    public String target() {
        StringBuilder b = new StringBuilder(name + " on " + members.size() + " targets: ");
        for (int i = 0; i < members.size(); i++) {
            if (i == 3) {
                b.append(", ... (").append(members.size() - 3).append(" more)");
                break;
            }
            b.append(i == 0 ? "" : ", ").append(members.get(i).target());
        }
        return b.toString();
    }

    /**
     * The fleet's parameters: its rate control and each target's own parameters.
     *
     * @param maxConcurrency targets at a time
     * @param maxErrors failures tolerated before no new target starts
     * @param members per target: type, target and its parameters
     */
    public record Params(int maxConcurrency, int maxErrors, List<Member> members) {}

    /**
     * One target's action, as bound into the plan.
     *
     * @param type its type
     * @param target its target
     * @param parameters its parameters
     */
    public record Member(String type, String target, Object parameters) {}

    @Override
    public Params parameters() {
        return new Params(
                maxConcurrency,
                maxErrors,
                members.stream()
                        .map(a -> new Member(a.type(), a.target(), a.parameters()))
                        .toList());
    }

    @Override
    public boolean destructive() {
        return members.stream().anyMatch(Action::destructive);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        List<FleetRun.Done<StepPlan>> planned =
                FleetRun.run(members, maxConcurrency, Integer.MAX_VALUE, (i, a) -> a.plan(member(ctx, a)));
        List<String> refused = new ArrayList<>();
        List<StepPlan> plans = new ArrayList<>();
        for (FleetRun.Done<StepPlan> d : planned) {
            if (d.error() != null) {
                refused.add(d.action().target() + ": " + d.error().getMessage());
            } else {
                plans.add(d.value());
            }
        }
        if (!refused.isEmpty()) {
            throw new RefusedException("fleet '" + name + "': " + refused.size() + " of " + members.size()
                    + " targets refused the plan, so none is changed: " + String.join("; ", refused));
        }
        long changing = plans.stream().filter(p -> !p.isNoop()).count();
        StepPlan.Builder b = StepPlan.builder(this)
                .change(changing == 0 ? Change.NONE : Change.CHANGE)
                .summary((changing == 0 ? "unchanged: " : "") + name + " on " + members.size() + " targets ("
                        + changing + " to change, " + (members.size() - changing) + " unchanged), " + maxConcurrency
                        + " at a time, stopping after " + (maxErrors + 1) + (maxErrors == 0 ? " failure" : " failures"))
                .before(plans.stream()
                        .map(p -> Map.of("target", p.target(), "before", p.before()))
                        .toList())
                .after(plans.stream()
                        .map(p -> Map.of("target", p.target(), "after", p.after()))
                        .toList())
                .blastRadius("targets", changing)
                .details(Map.of("members", plans));
        Map<String, Long> radius = new LinkedHashMap<>();
        for (StepPlan p : plans) {
            p.blastRadius().forEach((k, v) -> radius.merge(k, v, Long::sum));
            b.resources(p.resources());
            p.warnings().forEach(w -> b.warning(p.target() + ": " + w));
        }
        radius.forEach(b::blastRadius);
        return b.build();
    }

    private static List<StepPlan> memberPlans(StepPlan plan) {
        List<StepPlan> out = new ArrayList<>();
        for (JsonNode n : plan.details().path("members")) {
            out.add(Json.convert(n, StepPlan.class));
        }
        return out;
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        List<StepPlan> plans = memberPlans(plan);
        if (plans.size() != members.size()) {
            throw new StalePlanException("fleet '" + name + "' was planned for " + plans.size()
                    + " targets and now has " + members.size() + "; plan again and review the new plan");
        }
        long start = System.nanoTime();
        List<FleetRun.Done<ApplyResult>> done = FleetRun.run(members, maxConcurrency, maxErrors, (i, a) -> {
            StepPlan p = plans.get(i);
            if (!p.target().equals(a.target())) {
                throw new StalePlanException("fleet '" + name + "': target " + (i + 1) + " was " + p.target()
                        + " in the plan and is " + a.target() + " now; plan again");
            }
            ApplyResult r = a.apply(p, member(ctx, a));
            ctx.progress(name, i + 1, members.size());
            return r;
        });
        return FleetRun.report(name, done, maxConcurrency, maxErrors, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        List<StepPlan> plans = memberPlans(plan);
        Map<String, ApplyResult> results = FleetRun.memberResults(result);
        List<String> failed = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i < members.size(); i++) {
            Action a = members.get(i);
            ApplyResult r = results.get(a.target());
            if (r == null || !r.outcome().isSuccess()) {
                continue;
            }
            checked++;
            Verification v = a.verify(plans.get(i), r, member(ctx, a));
            if (!v.ok()) {
                failed.add(a.target() + ": " + v.message());
            }
        }
        return failed.isEmpty()
                ? Verification.passed(name + ": the post-condition holds on " + checked + " targets")
                : Verification.failed(name + ": " + failed.size() + " of " + checked + " targets fail their"
                        + " post-condition: " + String.join("; ", failed));
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        List<StepPlan> plans = memberPlans(plan);
        List<Action> inverses = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Optional<Action> inv = members.get(i).inverse(plans.get(i));
            if (inv.isEmpty()) {
                return Optional.empty();
            }
            inverses.add(inv.get());
        }
        return Optional.of(new Fleet("undo " + name, List.copyOf(inverses), maxConcurrency, maxErrors));
    }

    /** The context of one target: same run and clock, its own idempotency key. */
    static ActionContext member(ActionContext ctx, Action a) {
        return new FleetRun.MemberContext(ctx, a.target());
    }

    @Override
    public String toString() {
        return "Fleet[" + target() + ", maxConcurrency=" + maxConcurrency + ", maxErrors=" + maxErrors + "]";
    }
}
