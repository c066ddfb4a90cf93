package dev.runbook.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Secret;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.sql.test.ReplicaPair;
import dev.runbook.sql.test.SqlServer;
import dev.runbook.test.ActionContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PromoteReplica on a fresh primary/replica pair per test, the same cases on both engines: the contract,
 * the no-acknowledged-write-lost promotion under a writer, lag, pause, an unreachable old primary, a failure
 * after fencing, a hung candidate, bad credentials and an unreachable host.
 */
abstract class PromoteReplicaContract extends ActionContract<PromoteReplica> {
    ReplicaPair pair;
    SqlServer primary;
    SqlServer replica;
    SqlActions onReplica;
    SqlActions onPrimary;

    abstract ReplicaPair newPair();

    @BeforeEach
    void startPair() {
        pair = newPair();
        primary = pair.primary();
        replica = pair.replica();
        TestClusters.createTable(primary, "t");
        TestClusters.app(primary, "INSERT INTO t (id) VALUES (1), (2), (3)");
        pair.awaitReplicaCaughtUp();
        onReplica = TestClusters.actions(replica);
        onPrimary = TestClusters.actions(primary);
    }

    @AfterEach
    void stopPair() {
        onReplica.close();
        onPrimary.close();
        pair.close();
    }

    @Override
    protected PromoteReplica action() {
        return onReplica.promoteReplica();
    }

    @Override
    protected Object snapshot() {
        return List.of(
                "candidate replica=" + TestClusters.isReplica(replica),
                primary.isRunning()
                        ? "old primary read-only=" + TestClusters.readOnly(primary) + ", rows="
                                + TestClusters.ids(primary, "t")
                        : "old primary stopped");
    }

    @Override
    protected void moveTheWorld() {
        TestClusters.promoteByHand(replica);
    }

    @Override
    protected Map<String, PromoteReplica> variants() {
        return Map.of(
                "oldPrimary", onReplica.promoteReplica(onPrimary),
                "settings.maxLagBytes", action().maxLagBytes(1),
                "settings.catchUpTimeout", action().catchUpTimeout(Duration.ofSeconds(3)),
                "settings.hooks", action().afterPromote("route", s -> {}));
    }

    /** The server's state after a promotion: new primary writable with every row, old one read-only. */
    void assertPromoted() {
        assertThat(TestClusters.isReplica(replica)).as("candidate is a primary").isFalse();
        assertThat(TestClusters.acceptsAppWrites(replica, "t"))
                .as("new primary takes writes")
                .isTrue();
        assertThat(TestClusters.acceptsAppWrites(primary, "t"))
                .as("old primary refuses writes")
                .isFalse();
        assertThat(TestClusters.ids(replica, "t")).contains(1L, 2L, 3L);
    }

    @Test
    void noAcknowledgedWriteIsLost_underContinuousWrites() {
        TestClusters.createTable(primary, "w");
        pair.awaitReplicaCaughtUp();
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        ApplyResult done;
        Writer writer = new Writer(List.of(primary, replica), "w").start();
        try {
            writer.awaitAcks(0, 200);
            done = action().apply(plan, ctx);
            writer.awaitAcks(1, 200);
        } finally {
            writer.close();
        }
        assertThat(done.outcome()).isEqualTo(Outcome.CHANGED);
        Set<Long> acked = writer.acknowledged();
        Set<Long> onNew = TestClusters.ids(replica, "w");
        assertThat(writer.acks(0)).isGreaterThanOrEqualTo(200);
        assertThat(writer.acks(1)).isGreaterThanOrEqualTo(200);
        assertThat(acked).as("acknowledged writes missing on the new primary").allMatch(onNew::contains);
        assertThat(writer.windowMillis(0, 1))
                .as("write-unavailable window, ms")
                .isPositive()
                .isLessThan(10_000);
        assertThat(done.details().get("oldPrimaryFinalPosition").asText()).isNotBlank();
        assertPromoted();
        assertThat(action().verify(plan, done, ctx).ok()).isTrue();
    }

    @Test
    void anHaManagerDoesTheSwitch_andAFailingRoutingHookIsReported() {
        List<String> calls = new java.util.ArrayList<>();
        PromoteReplica viaManager = action().viaHaManager("patroni switchover", s -> {
                    calls.add("switchover " + s.candidate());
                    TestClusters.promoteByHand(replica);
                })
                .afterPromote("repoint pgbouncer", s -> {
                    throw new IllegalStateException("pgbouncer admin console refused RELOAD");
                });
        ActionContext ctx = context();
        StepPlan plan = viaManager.plan(ctx);
        assertThat(plan.details().get("hooks").toString())
                .contains("haManager:patroni switchover", "afterPromote:repoint pgbouncer");
        ApplyResult done = viaManager.apply(plan, ctx);
        assertThat(calls).containsExactly("switchover " + onReplica.name());
        assertThat(done.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(done.summary()).contains("repoint pgbouncer", "RELOAD", "the promotion stands");
        assertThat(TestClusters.isReplica(replica)).isFalse();
        assertThat(TestClusters.acceptsAppWrites(replica, "t")).isTrue();
        assertThat(viaManager.verify(plan, done, ctx).ok()).isTrue();
    }

    @Test
    void aPrimary_isUnchanged() {
        StepPlan plan = onPrimary.promoteReplica().plan(context());
        assertThat(plan.isNoop()).isTrue();
        assertThat(plan.summary()).contains("already a primary");
        assertThat(onPrimary.promoteReplica().apply(plan, context()).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(TestClusters.acceptsAppWrites(primary, "t")).isTrue();
    }

    @Test
    void pausedApply_isRefused() {
        TestClusters.pauseApply(replica);
        assertRefusedWithoutChange(() -> action().plan(context()), "candidate", "plan again");
    }

    @Test
    void lagOverTheLimit_isRefused_withinTheLimitWaitsForCatchUp() {
        TestClusters.delayApply(replica, 2);
        TestClusters.app(primary, "INSERT INTO t (id) SELECT 1000 + 1", "INSERT INTO t (id) VALUES (1002)");
        assertRefusedWithoutChange(
                () -> action().maxLagBytes(0).plan(context()), "behind", "maxLagBytes", "plan again");
        PromoteReplica patient = action().catchUpTimeout(Duration.ofSeconds(20));
        ActionContext ctx = context();
        ApplyResult done = patient.apply(patient.plan(ctx), ctx);
        assertThat(done.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(TestClusters.ids(replica, "t")).contains(1001L, 1002L);
        assertPromoted();
    }

    @Test
    void oldPrimaryUnreachable_isRefused_withoutAcknowledgement_andPromotedWithIt() {
        primary.stop();
        assertRefusedWithoutChange(() -> action().plan(context()), "unreachable", ".unplanned(");
        PromoteReplica unplanned = action().unplanned("INC-003 drill: primary host lost", 1 << 20);
        StepPlan plan = unplanned.plan(context());
        assertThat(plan.warnings()).anyMatch(w -> w.contains("data loss accepted") && w.contains("INC-003 drill"));
        assertThat(unplanned.apply(plan, context()).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(TestClusters.isReplica(replica)).isFalse();
        assertThat(TestClusters.acceptsAppWrites(replica, "t")).isTrue();
        assertThat(TestClusters.ids(replica, "t")).contains(1L, 2L, 3L);
    }

    @Test
    void unplannedWhileTheOldPrimaryAnswers_isRefused() {
        assertRefusedWithoutChange(
                () -> action().unplanned("drill", 1 << 20).plan(context()), "answers", "two primaries");
    }

    @Test
    void failureAfterFencing_unfencesTheOldPrimary() {
        PromoteReplica failing = action().beforePromote("pause scheduler", s -> {
            throw new IllegalStateException("scheduler API answered 503");
        });
        StepPlan plan = failing.plan(context());
        assertThatThrownBy(() -> failing.apply(plan, context()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("scheduler API answered 503")
                .hasMessageContaining("unfenced and takes writes again");
        assertThat(TestClusters.isReplica(replica)).isTrue();
        assertThat(TestClusters.acceptsAppWrites(primary, "t"))
                .as("old primary writable again")
                .isTrue();
    }

    @Test
    void aCandidateThatHangsMidWait_givesAClearErrorInTime_andTheOldPrimaryTakesWritesAgain() throws Exception {
        TestClusters.delayApply(replica, 30);
        TestClusters.app(primary, "INSERT INTO t (id) VALUES (2001)");
        PromoteReplica promote = action().catchUpTimeout(Duration.ofSeconds(3)).maxLagBytes(1 << 20);
        StepPlan plan = promote.plan(context());
        CompletableFuture<Void> hang = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && !isFenced()) {
                Thread.onSpinWait();
            }
            replica.pause();
        });
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> promote.apply(plan, context()))
                    .isInstanceOf(dev.runbook.core.RunbookException.class)
                    .hasMessageContaining(replica.port() + "")
                    .hasMessageContaining("unfenced and takes writes again");
        } finally {
            hang.get();
            replica.resume();
        }
        assertThat((System.nanoTime() - start) / 1e9)
                .as("seconds until the error")
                .isLessThan(10);
        assertThat(TestClusters.acceptsAppWrites(primary, "t"))
                .as("old primary writable again")
                .isTrue();
        assertThat(TestClusters.isReplica(replica)).isTrue();
    }

    private boolean isFenced() {
        try {
            return Set.of("on", "1").contains(TestClusters.readOnly(primary));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void anOldPrimaryThatHangsAfterFencing_doesNotStopThePromotion() throws Exception {
        PromoteReplica promote = action().beforePromote("hang the old primary", s -> primary.pause());
        try {
            ApplyResult done = promote.apply(promote.plan(context()), context());
            assertThat(done.outcome()).isEqualTo(Outcome.CHANGED);
            assertThat(TestClusters.acceptsAppWrites(replica, "t"))
                    .as("the cluster is writable on the new primary")
                    .isTrue();
        } finally {
            primary.resume();
        }
        assertThat(TestClusters.acceptsAppWrites(primary, "t"))
                .as("old primary stays fenced")
                .isFalse();
    }

    @Test
    void badCredentials_areAClearErrorThatNeverPrintsThePassword() {
        try (SqlActions wrong =
                SqlActions.connect(replica.jdbcUrl(), replica.adminUser(), Secret.of("not-the-password-42"))) {
            assertThatThrownBy(() -> wrong.promoteReplica().plan(context()))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining(replica.adminUser())
                    .hasMessageContaining("check the user and password")
                    .hasMessageNotContaining("not-the-password-42")
                    .satisfies(e -> assertThat(((TargetUnavailableException) e).retriable())
                            .isFalse());
        }
        assertThat(TestClusters.isReplica(replica)).isTrue();
    }

    @Test
    void anUnreachableHost_isAClearErrorWithinTheConnectTimeout() {
        int closed = dev.runbook.sql.test.SqlServers.freePort();
        String url = replica.jdbcUrl().replace(":" + replica.port() + "/", ":" + closed + "/");
        long start = System.nanoTime();
        try (SqlActions nowhere = SqlActions.connect(url, replica.adminUser(), replica.adminPassword())) {
            assertThatThrownBy(() -> nowhere.promoteReplica().plan(context()))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + closed)
                    .hasMessageContaining("check that the server is running");
        }
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(8);
    }
}
