package com.example.orders;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.RunbookEngine;
import dev.runbook.redis.RedisActions;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ORD-1 as production builds it, with production's guards, against fakes of the shipped actions. */
@RunbookTest(engine = OrdersEngine.class)
class PoisonedCacheRunbookTest {
    // the production entry point; it opens nothing until an action uses it, and the fakes stand in for those
    private final RedisActions redis = RedisActions.connect("redis://orders-cache.internal:6379");
    private final RunbookFakes fakes = RunbookFakes.of(OrdersRunbooks.poisonedCache(redis));

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void deletesTheCacheOnceApproved(RunbookEngine engine, TestApprovals approvals, RecordingAuditSink audit) {
        fakes.probe("the-cache-holds-entries").set(1_200L);
        fakes.probe("the-pinned-entries-are-kept").set(3L);
        fakes.action("delete-cache").blastRadius("keys", 1_200);

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan)
                .isReady()
                .hasSteps("the-cache-holds-entries", "delete-cache", "the-pinned-entries-are-kept", "tell-the-team")
                .hasStep("delete-cache")
                .withBlastRadius("keys", 1_200)
                .requiresApproval();
        assertThat(plan.steps().get(1).parameters().get("protect").toString())
                .as("the reviewed plan binds production's protect list")
                .contains(OrdersRunbooks.PINNED);

        Report report = engine.apply(fakes.runbook(), plan);
        assertThat(report).succeeded().step("delete-cache").hasOutcome(Outcome.CHANGED);
        assertThat(approvals.askedFor()).containsExactly("delete-cache", "tell-the-team");
        assertThat(fakes.action("delete-cache").applies()).isEqualTo(1);
        audit.assertPaired();
    }

    @Test
    void moreKeysThanTheTeamsBudgetAreRefusedBeforeAnythingIsDeleted(RunbookEngine engine) {
        fakes.probe("the-cache-holds-entries").set(80_000L);
        fakes.action("delete-cache").blastRadius("keys", 80_000);

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("80,000 keys")
                .hasRefusalContaining("the budget 'keys' is 50,000");
        assertThat(fakes.action("delete-cache").applies()).isZero();
    }

    @Test
    void aPinnedEntryAmongTheKeysToDeleteIsRefusedByProductionsGuards(RunbookEngine engine) {
        fakes.probe("the-cache-holds-entries").set(2L);
        fakes.action("delete-cache").blastRadius("keys", 2).resources("orders:cache:17", "orders:cache:pinned:9");

        assertThat(engine.plan(fakes.runbook())).isNotReady().hasRefusalContaining("orders:cache:pinned:9");
    }

    @Test
    void anEmptyCacheRefusesThePrecheck(RunbookEngine engine) {
        fakes.probe("the-cache-holds-entries").set(0L);
        fakes.action("delete-cache").done(true);

        assertThat(engine.plan(fakes.runbook())).isNotReady().hasRefusalContaining("the cache holds entries");
    }
}
