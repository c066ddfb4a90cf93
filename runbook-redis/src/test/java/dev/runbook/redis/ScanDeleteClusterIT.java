package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Guards;
import dev.runbook.core.StepPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServers.class)
class ScanDeleteClusterIT {
    static List<RedisServers.Server> nodes;
    static RedisActions cluster;

    @BeforeAll
    static void start() {
        nodes = RedisServers.cluster();
        cluster = RedisActions.connectCluster(nodes.get(0).uri());
    }

    @AfterAll
    static void close() {
        cluster.close();
    }

    private static long keysOn(RedisServers.Server node, String pattern) {
        return TestRedis.on(node).keys(pattern).size();
    }

    @Test
    void scansEveryMaster_andUnlinksPerHashSlot() {
        io.lettuce.core.cluster.RedisClusterClient client =
                io.lettuce.core.cluster.RedisClusterClient.create(nodes.get(0).uri());
        try (var conn = client.connect()) {
            for (int i = 0; i < 600; i++) {
                conn.sync().set("cache:wms:stock:" + i, "v");
            }
            for (int i = 0; i < 30; i++) {
                conn.sync().set("session:" + i, "s");
                conn.sync().set("cache:wms:stock:lock:" + i, "l");
            }
        } finally {
            client.shutdown();
        }
        for (RedisServers.Server n : nodes) {
            assertThat(keysOn(n, "cache:wms:stock:*"))
                    .as("keys on every master")
                    .isGreaterThan(100);
        }
        ActionContext ctx = ActionContext.builder()
                .guards(Guards.builder()
                        .protect("session:*", "cache:wms:stock:lock:*")
                        .build())
                .build();
        ScanDeleteByPattern flush = cluster.scanDelete("cache:wms:stock:*").count(100);
        StepPlan plan = flush.plan(ctx);
        assertThat(plan.radius("keys")).isEqualTo(600);
        assertThat(plan.details(ScanDeleteDryRun.class).protectedMatched()).isEqualTo(30);
        assertThat(plan.details(ScanDeleteDryRun.class).commands()).contains("hash slot");
        assertThat(plan.before(ScanDeleteByPattern.Observed.class).nodes()).hasSize(3);
        ApplyResult r = flush.apply(plan, ctx);
        assertThat(r.count("deleted")).isEqualTo(600);
        long left = 0;
        long locks = 0;
        long sessions = 0;
        for (RedisServers.Server n : nodes) {
            left += keysOn(n, "cache:wms:stock:*") - keysOn(n, "cache:wms:stock:lock:*");
            locks += keysOn(n, "cache:wms:stock:lock:*");
            sessions += keysOn(n, "session:*");
        }
        assertThat(Map.of("left", left, "locks", locks, "sessions", sessions))
                .isEqualTo(Map.of("left", 0L, "locks", 30L, "sessions", 30L));
        assertThat(flush.verify(plan, r, ctx).ok()).isTrue();
        assertThat(flush.plan(ctx).isNoop()).isTrue();
    }
}
