package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.http.Http;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Apply runs what was reviewed: every action parameter is bound into the plan (issue 26). */
class PlanBindingTest {
    private final Fixtures f = new Fixtures();

    @Test
    void aParameterChangedInALaterStep_isRefusedBeforeTheFirstStepWrites() {
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(twoSteps("2"));

        assertThatThrownBy(() -> engine.apply(twoSteps("3"), plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("step set-b (test.setValue on map key b): parameter 'value' is now \"3\";"
                        + " the reviewed plan had \"2\"")
                .hasMessageContaining("Nothing was applied; plan again and review the new plan");
        assertThat(f.store).containsEntry("a", "1").containsEntry("b", "1");
        List<AuditEvent> events = f.audit.events();
        assertThat(events).extracting(AuditEvent::type).containsExactly(AuditEvent.Type.APPLY_REFUSED);
        assertThat(events.get(0).outcome()).isEqualTo(Outcome.NOT_ATTEMPTED);
        assertThat(events.get(0).data().path("plan").asText()).isEqualTo(plan.planId());

        Report report = engine.apply(twoSteps("2"), plan);
        assertThat(report.status()).as("the reviewed runbook still applies").isEqualTo(RunStatus.SUCCEEDED);
        assertThat(f.store).containsEntry("a", "2").containsEntry("b", "2");
    }

    @Test
    void aPlanSavedAsJson_isBoundTheSameWay() {
        RunbookEngine engine = f.engine().build();
        Plan saved = Plan.fromJson(engine.plan(twoSteps("2")).toJson());

        assertThatThrownBy(() -> engine.apply(twoSteps("3"), saved))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("parameter 'value' is now \"3\"");
        assertThat(f.store).containsEntry("b", "1");
        assertThat(engine.apply(twoSteps("2"), saved).status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void aChangedSecret_isRefusedWithoutShowingEitherValue() {
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(call("token-reviewed-1234"));

        assertThat(plan.toJson()).doesNotContain("token-reviewed-1234");
        assertThat(plan.step("half-open")
                        .parameters()
                        .path("secretHeaders")
                        .path("Authorization")
                        .asText())
                .startsWith("hmac-sha256:");
        assertThatThrownBy(() -> engine.apply(call("token-rebuilt-5678"), plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("parameter 'secretHeaders.Authorization' is now a different secret")
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("token-reviewed-1234")
                        .doesNotContain("token-rebuilt-5678"));
        assertThat(f.audit.events()).singleElement().satisfies(e -> assertThat(e.toJson())
                .doesNotContain("token-reviewed-1234")
                .doesNotContain("token-rebuilt-5678"));
    }

    @Test
    void aSecretBoundWithAnotherKey_isRefusedNamingBothKeys() {
        BindingKey planning = BindingKey.random();
        BindingKey applying = BindingKey.random();
        Plan plan = f.engine().bindingKey(planning).build().plan(call("token-1234567890"));

        assertThat(PlanChecks.changes(call("token-1234567890"), plan, planning))
                .as("the same secret under the same key")
                .isEmpty();
        assertThatThrownBy(() -> f.engine().bindingKey(applying).build().apply(call("token-1234567890"), plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("binding key " + planning.id())
                .hasMessageContaining("this engine's key is " + applying.id())
                .hasMessageContaining("RUNBOOK_BINDING_KEY");
    }

    @Test
    void setsBindTheSameWhateverTheirOrder() {
        BindingKey key = BindingKey.random();
        Set<String> ab = new LinkedHashSet<>(List.of("a", "b", "c"));
        Set<String> ba = new LinkedHashSet<>(List.of("c", "b", "a"));
        assertThat(Parameters.of(withParameters(Map.of("globs", ab)), key))
                .isEqualTo(Parameters.of(withParameters(Map.of("globs", new TreeSet<>(ba))), key))
                .isEqualTo(Parameters.of(withParameters(Map.of("globs", Set.copyOf(ba))), key));
    }

    @Test
    void stepsAddedOrRemovedSinceTheReview_areNamed() {
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(twoSteps("2"));
        Runbook shorter =
                Runbook.builder("INC-1", "t").step("set a", f.set("a", "2")).build();

        assertThatThrownBy(() -> engine.apply(shorter, plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("step set-b of the reviewed plan is no longer in the runbook");
        Runbook longer = Runbook.builder("INC-1", "t")
                .step("set a", f.set("a", "2"))
                .step("set b", f.set("b", "2"))
                .step("set c", f.set("c", "2"))
                .build();
        assertThatThrownBy(() -> engine.apply(longer, plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("step set-c (ACTION test.setValue on map key c) is not in the reviewed plan");
        assertThat(f.store).containsEntry("a", "1").containsEntry("b", "1").containsEntry("c", "1");
    }

    @Test
    void aChangedCheck_isNamedWithBothDefinitions() {
        RunbookEngine engine = f.engine().build();
        Probe<Double> memory = Probe.of("memory ratio", () -> 0.5);
        Plan plan = engine.plan(Runbook.builder("INC-1", "t")
                .verify("memory is low", memory, Conditions.below(0.7))
                .build());
        Runbook changed = Runbook.builder("INC-1", "t")
                .verify("memory is low", memory, Conditions.below(0.9))
                .build();
        assertThatThrownBy(() -> engine.apply(changed, plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("step memory-is-low is now VERIFY memory ratio < 0.9")
                .hasMessageContaining("the reviewed plan had VERIFY memory ratio < 0.7");
    }

    @Test
    void parametersThatAreNotPlainValues_areAPlanRefusal() {
        Action odd = withParameters(new Object());
        Plan plan = f.engine()
                .build()
                .plan(Runbook.builder("INC-1", "t").step("odd", odd).build());
        assertThat(plan.isReady()).isFalse();
        assertThat(plan.refusals())
                .singleElement()
                .asString()
                .contains("cannot record the parameters of test.params")
                .contains("must return a record or map of plain values");
    }

    private Runbook twoSteps(String bValue) {
        return Runbook.builder("INC-1", "t")
                .step("set a", f.set("a", "2"))
                .step("set b", f.set("b", bValue))
                .build();
    }

    private static Runbook call(String token) {
        return Runbook.builder("INC-5", "breaker")
                .step(
                        "half-open",
                        Http.post("http://127.0.0.1:9/admin/circuit-breaker/half-open")
                                .header("Authorization", Secret.of(token))
                                .build())
                .build();
    }

    /** An action that only has parameters: planning it says it would change something. */
    private static Action withParameters(Object params) {
        return new Action() {
            @Override
            public String type() {
                return "test.params";
            }

            @Override
            public String target() {
                return "nothing";
            }

            @Override
            public Object parameters() {
                return params;
            }

            @Override
            public StepPlan plan(ActionContext ctx) {
                return StepPlan.builder(this).summary("do nothing real").build();
            }

            @Override
            public ApplyResult apply(StepPlan plan, ActionContext ctx) {
                return ApplyResult.changed("did nothing real").build();
            }
        };
    }
}
