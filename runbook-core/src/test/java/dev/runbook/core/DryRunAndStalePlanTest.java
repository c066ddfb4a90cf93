package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.audit.AuditEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DryRunAndStalePlanTest {
    private final Fixtures f = new Fixtures();

    @Test
    void plan_neverApplies() {
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2");
        Runbook rb = Runbook.builder("INC-1", "dry run")
                .step("set a", a)
                .step("set b", b)
                .build();
        Map<String, String> before = Map.copyOf(f.store);

        Plan plan = f.engine().build().plan(rb);
        f.engine().build().plan(rb);

        assertThat(a.plans.get()).isEqualTo(2);
        assertThat(a.applies.get() + b.applies.get())
                .as("apply calls during plan")
                .isZero();
        assertThat(f.store).isEqualTo(before);
        assertThat(f.audit.events()).as("planning writes no audit record").isEmpty();
        assertThat(plan.isReady()).isTrue();
        assertThat(plan.step("set-a").summary()).isEqualTo("set a from 1 to 2");
    }

    @Test
    void plan_actionThatThrowsIsARefusalNotAnException() {
        Action broken = f.set("a", "2").beforePlan(() -> {
            throw new IllegalStateException("client not connected");
        });
        Runbook rb = Runbook.builder("INC-1", "broken").step("broken", broken).build();
        Plan plan = f.engine().build().plan(rb);
        assertThat(plan.isReady()).isFalse();
        assertThat(plan.refusals()).singleElement().asString().contains("client not connected");
        assertThatThrownBy(() -> f.engine().build().apply(rb, plan))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("client not connected")
                .hasMessageContaining("plan again");
    }

    @Test
    void apply_refusesAPlanOfAnotherRunbookDefinition() {
        SetValue a = f.set("a", "2");
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(Runbook.builder("INC-1", "t").step("set a", a).build());
        Runbook changed =
                Runbook.builder("INC-1", "t").step("set a", f.set("a", "3")).build();

        assertThatThrownBy(() -> engine.apply(changed, plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("step set-a (test.setValue on map key a): parameter 'value' is now \"3\";"
                        + " the reviewed plan had \"2\"")
                .hasMessageContaining("plan again");
        assertThat(f.store.get("a")).isEqualTo("1");
        assertThat(f.audit.events())
                .as("only the refusal is audited")
                .extracting(AuditEvent::type)
                .containsExactly(AuditEvent.Type.APPLY_REFUSED);
    }

    @Test
    void apply_refusesAnEditedPlanAndAPlanForAnotherEnvironment() {
        Runbook rb =
                Runbook.builder("INC-1", "t").step("set a", f.set("a", "2")).build();
        Plan plan = f.engine().build().plan(rb);
        String edited = plan.toJson().replace("\"keys\" : 1", "\"keys\" : 0");
        assertThat(edited).isNotEqualTo(plan.toJson());

        assertThatThrownBy(() -> f.engine().build().apply(rb, Plan.fromJson(edited)))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("edited after it was made");
        assertThatThrownBy(() -> f.engine().environment("prod").build().apply(rb, plan))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("environment 'dev'")
                .hasMessageContaining("plan again");
        assertThat(f.store.get("a")).isEqualTo("1");
    }

    @Test
    void apply_whenTheActionsStateMoved_failsTheStepAsStaleAndAppliesNothing() {
        SetValue a = f.set("a", "2");
        SetValue b = f.set("b", "2");
        Runbook rb =
                Runbook.builder("INC-1", "t").step("set a", a).step("set b", b).build();
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(rb);
        f.store.put("a", "someone else");

        Report report = engine.apply(rb, plan);

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        StepOutcome first = report.step("set-a");
        assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(first.error())
                .startsWith("StalePlanException")
                .contains("someone else")
                .contains("plan again");
        assertThat(report.step("set-b").outcome()).isEqualTo(Outcome.NOT_ATTEMPTED);
        assertThat(f.store).containsEntry("a", "someone else").containsEntry("b", "1");
        assertThat(b.applies.get()).isZero();
        f.audit.assertPaired();
    }

    @Test
    void apply_runsTheReviewedPlanAndConverges() {
        SetValue a = f.set("a", "2");
        Runbook rb = Runbook.builder("INC-1", "t").step("set a", a).build();
        RunbookEngine engine = f.engine().build();

        Report first = engine.apply(rb, engine.plan(rb));
        Report second = engine.apply(rb, engine.plan(rb));

        assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(first.step("set-a").outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(second.step("set-a").outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(a.applies.get()).as("a NONE plan is not applied").isEqualTo(1);
        assertThat(f.store.get("a")).isEqualTo("2");
        f.audit.assertPaired();
    }
}
