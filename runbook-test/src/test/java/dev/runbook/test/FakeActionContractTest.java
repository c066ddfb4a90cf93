package dev.runbook.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake action keeps the contract real actions keep, and its inverse undoes it. */
class FakeActionContractTest extends ActionContract<FakeAction> {
    private final FakeAction fake = FakeAction.builder("fake.flush", "fake-redis keys 'cache:*'")
            .summary("UNLINK 10 keys matching 'cache:*'")
            .blastRadius("keys", 10)
            .build();

    @Override
    protected FakeAction action() {
        return fake;
    }

    @Override
    protected Object snapshot() {
        return fake.observed();
    }

    @Override
    protected Map<String, FakeAction> variants() {
        return Map.of(
                "summary",
                        variant().summary("UNLINK 11 keys matching 'cache:*'").build(),
                "blastRadius",
                        variant()
                                .blastRadius("keys", 10)
                                .blastRadius("bytes", 1)
                                .build(),
                "resources", variant().resources("cache:a").build(),
                "warnings", variant().warning("no rate limit").build(),
                "destructive", variant().destructive(false).build());
    }

    private static FakeAction.Builder variant() {
        return FakeAction.builder("fake.flush", "fake-redis keys 'cache:*'")
                .summary("UNLINK 10 keys matching 'cache:*'")
                .blastRadius("keys", 10);
    }

    @Override
    protected void moveTheWorld() {
        fake.moveTheWorld();
    }

    @Test
    void inverse_undoesTheApply() {
        ActionContext ctx = context();
        StepPlan plan = fake.plan(ctx);
        fake.apply(plan, ctx);
        var undo = fake.inverse(plan).orElseThrow();

        StepPlan undoPlan = undo.plan(ctx);
        var result = undo.apply(undoPlan, ctx);

        assertThat(undoPlan.summary()).startsWith("undo: ");
        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(fake.isDone()).isFalse();
        assertThat(fake.undos()).isEqualTo(1);
        assertThat(undo.plan(ctx).isNoop()).isTrue();
    }
}
