package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.test.ActionContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServers.class)
class PromoteReplicaIT extends ActionContract<PromoteReplica> {
    List<RedisServers.Server> pair;
    RedisActions onReplica;

    @BeforeEach
    void startPair() {
        pair = RedisServers.newPair();
        TestRedis.on(pair.get(0)).set("k", "v");
        onReplica = RedisActions.connect(pair.get(1).uri());
    }

    @AfterEach
    void stopPair() {
        onReplica.close();
        pair.forEach(RedisServers::stop);
    }

    @Override
    protected PromoteReplica action() {
        return onReplica.promoteReplica();
    }

    @Override
    protected Map<String, PromoteReplica> variants() {
        return Map.of("maxLagBytes", onReplica.promoteReplica().maxLagBytes(0));
    }

    @Override
    protected Object snapshot() {
        return RedisInfo.parse(pair.get(1).cli("INFO", "replication")).get("role");
    }

    @Override
    protected void moveTheWorld() {
        pair.get(1).cli("REPLICAOF", "NO", "ONE");
    }

    @Test
    void promotesACaughtUpReplica_whichThenTakesWrites() {
        ActionContext ctx = context();
        RedisServers.await(
                () -> ReplicationInfo.parse(RedisInfo.parse(pair.get(1).cli("INFO", "replication")))
                                .offset()
                        == ReplicationInfo.parse(RedisInfo.parse(pair.get(0).cli("INFO", "replication")))
                                .offset(),
                "replica caught up");
        StepPlan plan = action().maxLagBytes(0).plan(ctx);
        assertThat(plan.summary())
                .contains("promote replica")
                .contains("127.0.0.1:" + pair.get(0).port());
        assertThat(action().apply(plan, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        TestRedis.on(pair.get(1)).set("written", "on the new primary");
        assertThat(TestRedis.on(pair.get(1)).get("k")).isEqualTo("v");
    }

    @Test
    void aPrimary_isUnchanged() {
        try (RedisActions onPrimary = RedisActions.connect(pair.get(0).uri())) {
            StepPlan plan = onPrimary.promoteReplica().plan(context());
            assertThat(plan.isNoop()).isTrue();
            assertThat(plan.summary()).contains("already a primary");
        }
    }

    @Test
    void linkDown_isRefused() {
        RedisServers.stop(pair.get(0));
        RedisServers.await(
                () -> pair.get(1).cli("INFO", "replication").contains("master_link_status:down"), "link down");
        assertRefusedWithoutChange(() -> action().plan(context()), "link to primary", "down", "plan again");
    }

    @Test
    void aLaggingReplica_isRefused_untilItCatchesUp() throws Exception {
        RedisServers.Server primary = pair.get(0);
        RedisServers.Server replica = pair.get(1);
        try (TcpProxy link = new TcpProxy(primary.port())) {
            replica.cli("REPLICAOF", "127.0.0.1", String.valueOf(link.port()));
            RedisServers.await(
                    () -> replica.cli("INFO", "replication").contains("master_port:" + link.port())
                            && replica.cli("INFO", "replication").contains("master_link_status:up"),
                    "replica linked through the proxy");
            link.hold();
            TestRedis.on(primary).set("lag:big", "x".repeat(20_000));
            assertRefusedWithoutChange(
                    () -> action().maxLagBytes(1000).plan(context()), "bytes behind primary", ".maxLagBytes");
            link.release();
            RedisServers.await(
                    () -> "x".repeat(20_000).equals(TestRedis.on(replica).get("lag:big")), "catch up");
            assertThat(action().maxLagBytes(1000).plan(context()).summary()).contains("promote replica");
        }
    }
}
