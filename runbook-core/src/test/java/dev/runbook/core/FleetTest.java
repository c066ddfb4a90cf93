package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FleetTest {
    /** One target: records its key and how many targets ran at once; can fail, refuse, or take time. */
    static final class Target implements Action {
        static final AtomicInteger inFlight = new AtomicInteger();
        static final AtomicInteger maxInFlight = new AtomicInteger();
        final String name;
        final boolean fails;
        final boolean refuses;
        final long millis;
        final Map<String, String> keys;

        Target(String name, boolean fails, boolean refuses, long millis, Map<String, String> keys) {
            this.name = name;
            this.fails = fails;
            this.refuses = refuses;
            this.millis = millis;
            this.keys = keys;
        }

        @Override
        public String type() {
            return "test.target";
        }

        @Override
        public String target() {
            return name;
        }

        @Override
        public Object parameters() {
            return Map.of("fails", fails);
        }

        @Override
        public StepPlan plan(ActionContext ctx) {
            if (refuses) {
                throw new RefusedException(name + " is paused");
            }
            return StepPlan.builder(this)
                    .summary("touch " + name)
                    .before(Map.of("n", name))
                    .blastRadius("pods", 3)
                    .build();
        }

        @Override
        public ApplyResult apply(StepPlan plan, ActionContext ctx) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
            keys.put(name, ctx.idempotencyKey());
            if (fails) {
                return ApplyResult.of(Outcome.FAILED, name + " rollout exceeded its progress deadline")
                        .build();
            }
            return ApplyResult.changed("touched " + name).build();
        }

        @Override
        public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
            return Verification.passed(name + " ok");
        }

        @Override
        public Optional<Action> inverse(StepPlan plan) {
            return Optional.of(new Target("undo-" + name, false, false, 0, keys));
        }
    }

    private static List<Action> targets(int n, Set<Integer> failing, long millis, Map<String, String> keys) {
        return IntStream.range(0, n)
                .mapToObj(i -> (Action) new Target("ctx-" + i, failing.contains(i), false, millis, keys))
                .toList();
    }

    private static ActionContext ctx() {
        return ActionContext.builder().runId("run-1").stepId("02-restart").build();
    }

    @Test
    void runsAtMostMaxConcurrencyAtATime_andReportsEachTarget() {
        Map<String, String> keys = new ConcurrentHashMap<>();
        Target.maxInFlight.set(0);
        Fleet fleet = Fleet.of("restart", targets(12, Set.of(), 40, keys)).maxConcurrency(4);
        StepPlan plan = fleet.plan(ctx());
        assertThat(plan.summary())
                .isEqualTo("restart on 12 targets (12 to change, 0 unchanged), 4 at a time, stopping after 1 failure");
        assertThat(plan.radius("pods")).isEqualTo(36);
        assertThat(plan.radius("targets")).isEqualTo(12);
        ApplyResult r = fleet.apply(plan, ctx());
        assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(r.items()).hasSize(12).allSatisfy(i -> assertThat(i.outcome())
                .isEqualTo(Outcome.CHANGED));
        assertThat(Target.maxInFlight.get()).isEqualTo(4);
        assertThat(keys).hasSize(12).containsEntry("ctx-3", "run-1/02-restart/ctx-3");
        assertThat(fleet.verify(plan, r, ctx()).ok()).isTrue();
    }

    @Test
    void maxErrors2_withFiveFailing_stopsStartingTargetsAfterTheThirdFailure() {
        Map<String, String> keys = new ConcurrentHashMap<>();
        Fleet fleet =
                Fleet.of("restart", targets(10, Set.of(1, 3, 5, 7, 8), 0, keys)).maxErrors(2);
        ApplyResult r = fleet.apply(fleet.plan(ctx()), ctx());
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.count("failed")).isEqualTo(3);
        assertThat(r.count("changed")).isEqualTo(3);
        assertThat(r.count("not_attempted")).isEqualTo(4);
        assertThat(keys).containsOnlyKeys("ctx-0", "ctx-1", "ctx-2", "ctx-3", "ctx-4", "ctx-5");
        assertThat(r.items().get(6).detail()).isEqualTo("not started: more than 2 targets had failed");
        assertThat(r.summary()).contains("stopped after 3 failures (maxErrors 2)");
    }

    @Test
    void oneTargetRefusingThePlan_refusesTheWholeFleet_namingIt() {
        Map<String, String> keys = new ConcurrentHashMap<>();
        List<Action> members = List.of(
                new Target("smp-asia", false, false, 0, keys),
                new Target("smp-china", false, true, 0, keys),
                new Target("smp-us", false, false, 0, keys));
        assertThatThrownBy(() -> Fleet.of("restart", members).plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessage(
                        "fleet 'restart': 1 of 3 targets refused the plan, so none is changed: smp-china: smp-china is paused");
        assertThat(keys).isEmpty();
    }

    @Test
    void thePlanSurvivesJson_andTheInverseIsAFleetOfInverses() {
        Map<String, String> keys = new ConcurrentHashMap<>();
        Fleet fleet = Fleet.of("scale", targets(3, Set.of(), 0, keys)).maxConcurrency(2);
        StepPlan plan = fleet.plan(ctx());
        StepPlan back = Json.read(Json.write(plan), StepPlan.class);
        assertThat(back).isEqualTo(plan);
        assertThat(fleet.apply(back, ctx()).outcome()).isEqualTo(Outcome.CHANGED);
        Fleet undo = (Fleet) fleet.inverse(back).orElseThrow();
        assertThat(undo.members()).extracting(Action::target).containsExactly("undo-ctx-0", "undo-ctx-1", "undo-ctx-2");
    }

    @Test
    void badSettings_areRefusedAtOnce() {
        assertThatThrownBy(() -> Fleet.of("x", List.of())).hasMessageContaining("has no targets");
        Map<String, String> keys = new ConcurrentHashMap<>();
        List<Action> twice = List.of(new Target("a", false, false, 0, keys), new Target("a", false, false, 0, keys));
        assertThatThrownBy(() -> Fleet.of("x", twice)).hasMessageContaining("names a twice");
        assertThatThrownBy(() -> Fleet.of("x", targets(1, Set.of(), 0, keys)).maxConcurrency(0))
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> Fleet.of("x", targets(1, Set.of(), 0, keys)).maxErrors(-1))
                .hasMessageContaining(">= 0");
    }
}
