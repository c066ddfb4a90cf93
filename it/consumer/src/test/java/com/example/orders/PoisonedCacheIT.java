package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.RunbookEngine;
import dev.runbook.redis.RedisActions;
import dev.runbook.redis.test.RedisServer;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.TestApprovals;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ORD-1, the production runbook and engine, on a real redis-server started by runbook-redis-test. */
class PoisonedCacheIT {
    private static RedisServer server;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void deletesThePoisonedEntriesAndKeepsThePinnedOnesAndEverythingElse() {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> keys = c.sync();
            for (int i = 0; i < 300; i++) {
                keys.set("orders:cache:" + i, "poisoned");
            }
            keys.set("orders:cache:pinned:1", "kept");
            keys.set("orders:cache:pinned:2", "kept");
            keys.set("session:42", "kept");
            keys.set("orders:order:7", "kept");

            RecordingAuditSink audit = new RecordingAuditSink();
            RunbookEngine engine = OrdersEngine.production(TestApprovals.approvingAll(), audit);
            try (RedisActions redis = RedisActions.connect(server.uri())) {
                var runbook = OrdersRunbooks.poisonedCache(redis);
                Plan plan = engine.plan(runbook);
                assertThat(plan.isReady()).as("plan:%n%s", plan).isTrue();
                assertThat(keys.dbsize()).as("planning wrote nothing").isEqualTo(304L);

                Report report = engine.apply(runbook, plan);
                assertThat(report.status()).as("report:%n%s", report).isEqualTo(RunStatus.SUCCEEDED);
            }
            assertThat(keys.keys("orders:cache:*"))
                    .containsExactlyInAnyOrder("orders:cache:pinned:1", "orders:cache:pinned:2");
            assertThat(keys.get("session:42")).isEqualTo("kept");
            assertThat(keys.get("orders:order:7")).isEqualTo("kept");
            audit.assertPaired();
        } finally {
            client.shutdown();
        }
    }
}
