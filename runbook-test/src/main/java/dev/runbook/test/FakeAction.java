package dev.runbook.test;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A scripted, recording action on a pretend target, to plan and apply runbooks without servers. It
 * keeps the contract of a real action: plan is read-only and is <em>unchanged</em> once applied; apply
 * refuses a stale plan (after {@link #moveTheWorld()}), converges, and counts its calls; its inverse
 * undoes it. Failures can be scripted.
 *
 * <pre>{@code
 * FakeAction flush = FakeAction.builder("redis.scanDelete", "fake-redis keys 'cache:*'")
 *     .summary("UNLINK 10 keys matching 'cache:*'").blastRadius("keys", 10).build();
 * Runbook rb = Runbook.builder("INC-004", "Redis OOM").step("flush", flush).build();
 * ...
 * assertThat(flush.applies()).isEqualTo(1);
 * flush.failNextApply(() -> new TargetUnavailableException("redis went away", null));
 * }</pre>
 *
 * <p>A fake of a real action ({@link #of(Action)}) takes its type, target, parameters, destructive flag
 * and blast-radius names from that action, so that a runbook of fakes is planned, bound and guarded as
 * the production one is, and only what it would observe is scripted:
 *
 * <pre>{@code
 * FakeAction flush = FakeAction.of(redis.scanDelete("orders:cache:*").protect("orders:cache:pinned:*"))
 *     .blastRadius("keys", 1_200);            // "key" would be refused: the real action reports "keys"
 * }</pre>
 */
public final class FakeAction implements Action {
    private final Spec spec;
    private final State state;
    private final boolean undo;

    private FakeAction(Spec spec, State state, boolean undo) {
        this.spec = spec;
        this.state = state;
        this.undo = undo;
    }

    private record Spec(
            String type,
            String target,
            String summary,
            Map<String, Long> blastRadius,
            List<String> resources,
            List<String> warnings,
            boolean destructive,
            Action real) {}

    /** The pretend target's state, shared by the action and its inverse. */
    private static final class State {
        volatile String summary;
        volatile Map<String, Long> blastRadius;
        volatile List<String> resources;
        volatile List<String> warnings;
        volatile boolean done;
        volatile int version;
        final AtomicInteger plans = new AtomicInteger();
        final AtomicInteger applies = new AtomicInteger();
        final AtomicInteger undos = new AtomicInteger();
        volatile Supplier<RuntimeException> failPlan;
        volatile Supplier<RuntimeException> failApply;
        volatile boolean failApplyOnce;
        volatile int verifyFailures;

        State(Spec spec) {
            this.summary = spec.summary();
            this.blastRadius = spec.blastRadius();
            this.resources = spec.resources();
            this.warnings = spec.warnings();
        }
    }

    /**
     * What plan observed.
     *
     * @param done whether the target already is in the intended state
     * @param version bumped by {@link #moveTheWorld()}
     */
    public record Observed(boolean done, int version) {}

    /** Starts a fake action of {@code type} on {@code target}. */
    public static Builder builder(String type, String target) {
        return new Builder(type, target);
    }

    /**
     * A fake of {@code real}: the same type, target, {@link Action#parameters()}, destructive flag and
     * blast-radius names, with no server behind it (its plan observes a pretend target). Script what the
     * plan reports with {@link #blastRadius(String, long)}, {@link #resources(String...)} and {@link
     * #warnings(String...)}. {@code real} is never planned or applied, so it may be built on an entry
     * point that never connects ({@code RedisActions.connect("redis://orders-cache:6379")} opens nothing
     * until used).
     */
    public static FakeAction of(Action real) {
        Objects.requireNonNull(real, "real");
        Spec spec = new Spec(
                real.type(),
                real.target(),
                "apply " + real.type() + " to " + real.target(),
                Map.of(),
                List.of(),
                List.of(),
                real.destructive(),
                real);
        return new FakeAction(spec, new State(spec), false);
    }

    /** A fake action with one blast-radius figure: {@code FakeAction.of("flush", "keys", 10)}. */
    public static FakeAction of(String type, String what, long count) {
        return builder(type, "fake " + type).blastRadius(what, count).build();
    }

    @Override
    public String type() {
        return undo ? spec.type() + ".undo" : spec.type();
    }

    @Override
    public String target() {
        return spec.target();
    }

    @Override
    public boolean destructive() {
        return spec.destructive();
    }

    /**
     * What the fake was built with, bound into plans as a real action's parameters are.
     *
     * @param summary the plan's sentence
     * @param blastRadius the blast-radius figures
     * @param resources the names it says it touches
     * @param warnings the plan's warnings
     * @param destructive whether it needs approval
     */
    public record Params(
            String summary,
            Map<String, Long> blastRadius,
            List<String> resources,
            List<String> warnings,
            boolean destructive) {}

    /** The real action's parameters for a fake of one ({@link #of(Action)}), else a {@link Params}. */
    @Override
    public Object parameters() {
        if (spec.real() != null) {
            return spec.real().parameters();
        }
        return new Params(spec.summary(), spec.blastRadius(), spec.resources(), spec.warnings(), spec.destructive());
    }

    @Override
    public java.util.Set<String> blastRadiusNames() {
        return spec.real() != null
                ? spec.real().blastRadiusNames()
                : spec.blastRadius().keySet();
    }

    /** The real action a fake of one stands for ({@link #of(Action)}), if any. */
    public Optional<Action> real() {
        return Optional.ofNullable(spec.real());
    }

    /**
     * From now on plans report this blast-radius figure (and applies count it); a plan made before is
     * stale.
     *
     * @throws IllegalArgumentException if negative, or for a fake of a real action, if that action does
     *     not report a figure of this name (naming those it reports)
     */
    public FakeAction blastRadius(String what, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("blast radius '" + what + "' must be >= 0, was " + count);
        }
        java.util.Set<String> names =
                spec.real() == null ? java.util.Set.of() : spec.real().blastRadiusNames();
        if (!names.isEmpty() && !names.contains(what)) {
            throw new IllegalArgumentException(spec.type() + " reports blast radius " + new java.util.TreeSet<>(names)
                    + ", not '" + what + "'; a budget on '" + what + "' would never apply to it");
        }
        synchronized (state) {
            Map<String, Long> m = new LinkedHashMap<>(state.blastRadius);
            m.put(what, count);
            state.blastRadius = Map.copyOf(m);
            state.version++;
        }
        return this;
    }

    /** From now on plans name these resources (keys, topics), which protected-name guards check. */
    public FakeAction resources(String... names) {
        synchronized (state) {
            state.resources = List.of(names);
            state.version++;
        }
        return this;
    }

    /** From now on plans carry these warnings. */
    public FakeAction warnings(String... warnings) {
        synchronized (state) {
            state.warnings = List.of(warnings);
            state.version++;
        }
        return this;
    }

    /** From now on plans say this sentence. */
    public FakeAction summary(String summary) {
        state.summary = Objects.requireNonNull(summary, "summary");
        return this;
    }

    private boolean reached() {
        return undo != state.done;
    }

    private Observed observe() {
        return new Observed(state.done, state.version);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        state.plans.incrementAndGet();
        Supplier<RuntimeException> fail = state.failPlan;
        if (fail != null) {
            throw fail.get();
        }
        Observed now = observe();
        if (reached()) {
            return StepPlan.unchanged(this, spec.target() + (undo ? " is not applied" : " is already done"), now);
        }
        StepPlan.Builder b = StepPlan.builder(this)
                .summary(undo ? "undo: " + state.summary : state.summary)
                .before(now)
                .after(new Observed(!undo, now.version()))
                .resources(state.resources);
        state.blastRadius.forEach(b::blastRadius);
        state.warnings.forEach(b::warning);
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        Supplier<RuntimeException> fail = state.failApply;
        if (fail != null) {
            if (state.failApplyOnce) {
                state.failApply = null;
            }
            throw fail.get();
        }
        if (reached()) {
            return ApplyResult.unchanged(spec.target() + (undo ? " is not applied" : " is already done"))
                    .build();
        }
        plan.requireUnchanged(observe());
        synchronized (state) {
            state.done = !undo;
            (undo ? state.undos : state.applies).incrementAndGet();
        }
        ApplyResult.Builder r = ApplyResult.changed(undo ? "undid: " + state.summary : state.summary);
        state.blastRadius.forEach(r::count);
        return r.build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        synchronized (state) {
            if (state.verifyFailures > 0) {
                state.verifyFailures--;
                return Verification.failed("scripted verification failure of " + spec.target());
            }
        }
        return reached()
                ? Verification.passed(spec.target() + (undo ? " is undone" : " is done"))
                : Verification.failed(spec.target() + (undo ? " is still applied" : " is not done"));
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return Optional.of(new FakeAction(spec, state, !undo));
    }

    /** Changes the pretend target, so that a plan made before is stale. */
    public void moveTheWorld() {
        state.version++;
    }

    /** Sets whether the pretend target already is in the intended state. */
    public FakeAction done(boolean done) {
        state.done = done;
        return this;
    }

    /** Whether the pretend target is in the intended state. */
    public boolean isDone() {
        return state.done;
    }

    /** The pretend target's state, as plan observes it (for snapshots in tests). */
    public Observed observed() {
        return observe();
    }

    /** Every plan from now on throws what {@code failure} supplies; {@code null} stops it. */
    public FakeAction failPlans(Supplier<RuntimeException> failure) {
        state.failPlan = failure;
        return this;
    }

    /** The next apply throws what {@code failure} supplies; later applies work. */
    public FakeAction failNextApply(Supplier<RuntimeException> failure) {
        state.failApply = Objects.requireNonNull(failure, "failure");
        state.failApplyOnce = true;
        return this;
    }

    /** Every apply from now on throws what {@code failure} supplies. */
    public FakeAction failApplies(Supplier<RuntimeException> failure) {
        state.failApply = Objects.requireNonNull(failure, "failure");
        state.failApplyOnce = false;
        return this;
    }

    /** The next {@code n} verifications fail, as if the post-condition took a while to hold. */
    public FakeAction failVerifications(int n) {
        state.verifyFailures = n;
        return this;
    }

    /** How many times plan ran (this action and its inverse). */
    public int plans() {
        return state.plans.get();
    }

    /** How many applies changed the pretend target. */
    public int applies() {
        return state.applies.get();
    }

    /** How many applies of the inverse changed it back. */
    public int undos() {
        return state.undos.get();
    }

    @Override
    public String toString() {
        return "FakeAction[" + type() + " " + spec.target() + ", done=" + state.done + ", applies="
                + state.applies.get() + "]";
    }

    /** Builds a {@link FakeAction}. */
    public static final class Builder {
        private final String type;
        private final String target;
        private String summary;
        private final Map<String, Long> blastRadius = new LinkedHashMap<>();
        private final List<String> resources = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private boolean destructive = true;

        private Builder(String type, String target) {
            if (type == null || type.isBlank() || target == null || target.isBlank()) {
                throw new IllegalArgumentException("a fake action needs a type and a target");
            }
            this.type = type;
            this.target = target;
        }

        /** The plan's sentence; "apply {type} to {target}" unless set. */
        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        /**
         * A blast-radius figure, also counted in the apply result.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder blastRadius(String what, long count) {
            if (count < 0) {
                throw new IllegalArgumentException("blast radius '" + what + "' must be >= 0, was " + count);
            }
            blastRadius.put(what, count);
            return this;
        }

        /** Names the plan says it touches, for protected-name guards. */
        public Builder resources(String... names) {
            resources.addAll(List.of(names));
            return this;
        }

        /** A warning in the plan. */
        public Builder warning(String warning) {
            warnings.add(warning);
            return this;
        }

        /** Whether the step needs approval (default true). */
        public Builder destructive(boolean destructive) {
            this.destructive = destructive;
            return this;
        }

        public FakeAction build() {
            Spec spec = new Spec(
                    type,
                    target,
                    summary == null ? "apply " + type + " to " + target : summary,
                    Map.copyOf(blastRadius),
                    List.copyOf(resources),
                    List.copyOf(warnings),
                    destructive,
                    null);
            return new FakeAction(spec, new State(spec), false);
        }
    }
}
