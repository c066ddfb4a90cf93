package dev.runbook.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.BindingKey;
import dev.runbook.core.Change;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Parameters;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.RunbookException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.core.audit.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The contract every action keeps, as an abstract JUnit 5 test: extend it, prepare a target in
 * {@code @BeforeEach} on which the action has work to do, and implement four methods. It checks that
 * plan writes nothing, apply converges (a second run is UNCHANGED), a stale plan is refused without a
 * change, a plan reviewed for other parameters is refused without a change (one variant per parameter,
 * also after the plan went through JSON), audit records pair, the post-condition holds, and the plan
 * survives JSON.
 *
 * <pre>{@code
 * class ScanDeleteByPatternIT extends ActionContract<ScanDeleteByPattern> {
 *     @BeforeEach void seed() { redis.set("cache:a", "1"); redis.set("session:x", "2"); }
 *     protected ScanDeleteByPattern action() { return actions.scanDelete("cache:*"); }
 *     protected Object snapshot() { return redis.keys("*"); }
 *     protected void moveTheWorld() { redis.set("cache:new", "3"); }
 *     protected Map<String, ScanDeleteByPattern> variants() {
 *         return Map.of("pattern", actions.scanDelete("cache:a*"), "protect", action().protect("cache:b"));
 *     }
 * }
 * }</pre>
 *
 * @param <A> the action type under test
 */
public abstract class ActionContract<A extends Action> {

    /** The action under test, against the target prepared for this test. */
    protected abstract A action();

    /**
     * A full read of the target's state that the action may touch, comparable with {@code equals}
     * (a map, a list, a record).
     */
    protected abstract Object snapshot();

    /** Changes the state the plan observed, so that a plan made before is stale. */
    protected abstract void moveTheWorld();

    /**
     * Variants of {@link #action()} on the same target, each differing from it in one parameter, keyed by
     * that parameter's name in {@link Action#parameters()} (a JSON path such as {@code value}, {@code
     * protect} or {@code selection.maxRecords}): one line per parameter. The kit plans {@link #action()}
     * through an engine and applies that plan (and the same plan read back from JSON) to a runbook rebuilt
     * with each variant: each must be refused, naming the parameter, with the target unchanged. Every
     * top-level parameter needs a variant; an action without parameters returns an empty map.
     */
    protected abstract Map<String, A> variants();

    /** The context the action runs in; override to add guards or a clock. */
    protected ActionContext context() {
        return ActionContext.builder()
                .runId("contract-" + UUID.randomUUID())
                .stepId("contract")
                .build();
    }

    /** Asserts that {@code call} is refused with a message containing every fragment, changing nothing. */
    protected void assertRefusedWithoutChange(ThrowingCallable call, String... messageFragments) {
        Object before = snapshot();
        var thrown = assertThatThrownBy(call).isInstanceOf(RunbookException.class);
        for (String f : messageFragments) {
            thrown.hasMessageContaining(f);
        }
        assertThat(snapshot()).as("the target after a refused call").isEqualTo(before);
    }

    @Test
    void contract_planWritesNothing() {
        Object before = snapshot();
        StepPlan first = action().plan(context());
        assertThat(first.change())
                .as("the fixture must give the action work to do")
                .isEqualTo(Change.CHANGE);
        assertThat(first.summary()).isNotBlank();
        assertThat(snapshot()).as("the target after plan").isEqualTo(before);
        StepPlan second = action().plan(context());
        assertThat(second.fingerprint())
                .as("planning twice observes the same state")
                .isEqualTo(first.fingerprint());
        assertThat(snapshot()).as("the target after planning twice").isEqualTo(before);
    }

    @Test
    void contract_applyThenRerunConverges() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        ApplyResult result = action().apply(plan, ctx);
        assertThat(result.outcome()).as("first apply: %s", result.summary()).isEqualTo(Outcome.CHANGED);
        Verification v = action().verify(plan, result, ctx);
        assertThat(v.ok()).as("post-condition after apply: %s", v.message()).isTrue();
        Object afterFirst = snapshot();

        StepPlan again = action().plan(ctx);
        if (!again.isNoop()) {
            ApplyResult second = action().apply(again, ctx);
            assertThat(second.outcome())
                    .as("second apply: %s", second.summary())
                    .isEqualTo(Outcome.UNCHANGED);
        }
        assertThat(snapshot()).as("the target after a second run").isEqualTo(afterFirst);
    }

    @Test
    void contract_applyRefusesStalePlan() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        moveTheWorld();
        Object moved = snapshot();
        assertThatThrownBy(() -> action().apply(plan, ctx))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("plan");
        assertThat(snapshot()).as("the target after a refused stale apply").isEqualTo(moved);
    }

    @Test
    void contract_auditRecordsPairThroughTheEngine() {
        RecordingAuditSink audit = new RecordingAuditSink();
        RunbookEngine engine = RunbookEngine.builder()
                .audit(audit)
                .approvals(ApprovalGate.approveAll("contract-test", "contract kit"))
                .build();
        Runbook runbook = Runbook.builder("CONTRACT-1", "contract of " + action().type())
                .step(action())
                .build();
        Plan plan = engine.plan(runbook);
        assertThat(plan.isReady()).as("plan refusals: %s", plan.refusals()).isTrue();
        Report report = engine.apply(runbook, plan);
        assertThat(report.status()).as("report:%n%s", report).isEqualTo(RunStatus.SUCCEEDED);
        audit.assertPaired();
        assertThat(audit.events()).isNotEmpty();
    }

    @Test
    void contract_everyParameterHasAVariantThatDiffersOnlyInIt() {
        BindingKey key = BindingKey.random();
        JsonNode base = Parameters.of(action(), key);
        Map<String, A> variants = variants();
        List<String> uncovered = new ArrayList<>();
        base.fieldNames().forEachRemaining(n -> {
            if (variants.keySet().stream().noneMatch(v -> v.equals(n) || v.startsWith(n + "."))) {
                uncovered.add(n);
            }
        });
        assertThat(uncovered)
                .as("parameters of %s without a variant in variants() (one line each): %s", action().type(), base)
                .isEmpty();
        variants.forEach((name, variant) -> assertThat(Parameters.differences(base, Parameters.of(variant, key)))
                .as("how variant '%s' differs from action()", name)
                .isNotEmpty()
                .allSatisfy(d -> assertThat(d)
                        .satisfiesAnyOf(x -> assertThat(x).startsWith("parameter '" + name + "'"), x -> assertThat(x)
                                .startsWith("parameter '" + name + "."))));
    }

    @Test
    void contract_applyRefusesAPlanReviewedForOtherParameters() {
        RecordingAuditSink audit = new RecordingAuditSink();
        RunbookEngine engine = RunbookEngine.builder()
                .audit(audit)
                .approvals(ApprovalGate.approveAll("contract-test", "contract kit"))
                .bindingKey(BindingKey.random())
                .build();
        Plan plan = engine.plan(bound(action()));
        assertThat(plan.isReady()).as("plan refusals: %s", plan.refusals()).isTrue();
        Plan saved = Plan.fromJson(plan.toJson());
        Object before = snapshot();
        variants().forEach((name, variant) -> {
            for (Plan reviewed : List.of(plan, saved)) {
                Throwable refusal = catchThrowable(() -> engine.apply(bound(variant), reviewed));
                assertThat(refusal)
                        .as(
                                "apply of a runbook rebuilt with another '%s' must be refused (is it missing from"
                                        + " parameters()?)",
                                name)
                        .isInstanceOf(StalePlanException.class)
                        .hasMessageContaining("parameter '" + name)
                        .hasMessageContaining("plan again");
            }
            assertThat(snapshot())
                    .as("the target after refusing a runbook rebuilt with another '%s'", name)
                    .isEqualTo(before);
        });
        assertThat(audit.events())
                .as("each refusal is audited, and nothing else happened")
                .hasSize(2 * variants().size())
                .allSatisfy(e -> assertThat(e.type()).isEqualTo(AuditEvent.Type.APPLY_REFUSED));
    }

    private static Runbook bound(Action action) {
        return Runbook.builder("CONTRACT-BIND", "parameters of " + action.type())
                .step("the action", action)
                .build();
    }

    @Test
    void contract_planSurvivesJson() {
        StepPlan plan = action().plan(context());
        StepPlan back = Json.read(Json.write(plan), StepPlan.class);
        assertThat(back).isEqualTo(plan);
        assertThat(back.fingerprint()).isEqualTo(plan.fingerprint());
    }
}
