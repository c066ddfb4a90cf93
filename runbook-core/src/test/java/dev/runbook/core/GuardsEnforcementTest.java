package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GuardsEnforcementTest {
    private final Fixtures f = new Fixtures();

    private Runbook twoSteps(SetValue a, SetValue b) {
        return Runbook.builder("INC-9", "guards")
                .step("set a", a)
                .step("set b", b)
                .build();
    }

    @Test
    void plan_refusesAStepOverItsBudget_namingTheBudgetAndHowToRaiseIt() {
        SetValue a = f.set("a", "2").radius(5_000);
        Runbook rb = twoSteps(a, f.set("b", "2"));
        Plan plan = f.engine()
                .guards(Guards.builder().budget("keys", 1_000).build())
                .build()
                .plan(rb);

        assertThat(plan.isReady()).isFalse();
        assertThat(plan.refusals())
                .singleElement()
                .asString()
                .contains("set-a")
                .contains("5,000 keys")
                .contains("budget 'keys' is 1,000")
                .contains("guards.toBuilder().budget(\"keys\", 5000)");
        assertThat(plan.toString()).contains("REFUSED").contains("NOT ready");
        assertThat(a.applies.get()).isZero();
    }

    @Test
    void plan_refusesAProtectedNameAndAFreeze() {
        Runbook rb = twoSteps(f.set("session:1", "x"), f.set("b", "2"));
        Guards guards = Guards.builder()
                .protect("session:*")
                .freeze(Instant.parse("2026-11-21T02:00:00Z"), Instant.parse("2026-11-21T04:00:00Z"), "Black Friday")
                .build();
        Plan plan = f.engine().guards(guards).build().plan(rb);

        assertThat(plan.refusals())
                .anySatisfy(r -> assertThat(r).contains("'session:1'").contains("protected pattern"))
                .anySatisfy(r -> assertThat(r)
                        .contains("set-b")
                        .contains("change freeze 'Black Friday'")
                        .contains("liftFreezes()"));
        assertThat(f.store).doesNotContainKey("session:1");
    }

    @Test
    void apply_rechecksGuards_aFreezeThatStartedAfterPlanningStopsTheRunBeforeAnyChange() {
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2");
        Runbook rb = twoSteps(a, b);
        Guards guards = Guards.builder()
                .freeze(Instant.parse("2026-11-21T03:30:00Z"), Instant.parse("2026-11-21T05:00:00Z"), "release")
                .build();
        RunbookEngine engine = f.engine().guards(guards).build();
        Plan plan = engine.plan(rb);
        assertThat(plan.isReady()).as("no freeze at 03:00").isTrue();

        f.clock.advance(Duration.ofMinutes(45));
        Report report = engine.apply(rb, plan);

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.step("set-a").error())
                .startsWith("GuardViolationException")
                .contains("change freeze 'release'")
                .contains("checked again at apply");
        assertThat(report.step("set-b").outcome()).isEqualTo(Outcome.NOT_ATTEMPTED);
        assertThat(a.applies.get() + b.applies.get()).isZero();
        assertThat(f.store.get("a")).isEqualTo("1");
        f.audit.assertPaired();
    }

    @Test
    void apply_rechecksGuards_aSmallerBudgetAtApplyTimeRefusesTheStep() {
        SetValue a = f.set("a", "2").radius(500);
        Runbook rb = Runbook.builder("INC-9", "guards").step("set a", a).build();
        Plan plan = f.engine()
                .guards(Guards.builder().budget("keys", 1_000).build())
                .build()
                .plan(rb);

        Report report = f.engine()
                .guards(Guards.builder().budget("keys", 100).build())
                .build()
                .apply(rb, plan);

        assertThat(report.step("set-a").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.step("set-a").error()).contains("budget 'keys' is 100");
        assertThat(a.applies.get()).isZero();
    }

    @Test
    void guardMessages_nameTheRateBudgetAndHowToRaiseIt() {
        Action action = f.set("a", "2");
        StepPlan sp = StepPlan.builder(action)
                .summary("set a")
                .rate("keys/s", 0.5)
                .blastRadius("keys", 3)
                .build();
        Guards guards =
                Guards.builder().maxRate("keys/s", 0.25).budget("keys", 2).build();

        assertThat(guards.violations("x", sp, f.clock))
                .anySatisfy(v -> assertThat(v)
                        .contains("0.5000/s keys/s")
                        .contains("rate budget 'keys/s' is 0.2500/s")
                        .contains("maxRate(\"keys/s\", 0.5)"))
                .anySatisfy(v -> assertThat(v).contains("budget(\"keys\", 3)"));
        assertThat(guards.violations("x", StepPlan.unchanged(action, "done", null), f.clock))
                .as("a NONE plan breaks no budget")
                .isEmpty();
        assertThat(Guards.defaults().isProtected("session:42")).isTrue();
        assertThat(Guards.defaults().isProtected("sessions")).isFalse();
        assertThat(Guards.defaults().requiresApproval("PROD")).isTrue();
    }
}
