package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Conditions;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.redis.RedisActions;
import dev.runbook.redis.test.RedisServer;
import dev.runbook.test.ActionContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Unless} keeps the action contract on a real redis-server, wrapping a {@code CONFIG SET}: its plan
 * writes nothing, a rerun converges, a stale plan is refused, and a plan reviewed for another condition,
 * wait or wrapped action is refused; when the condition holds, the action is not run at all.
 */
class UnlessContractIT extends ActionContract<Unless> {
    static RedisServer server;
    static RedisActions redis;
    static RedisClient client;
    static StatefulRedisConnection<String, String> direct;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        redis = RedisActions.connect(server.uri());
        client = RedisClient.create(server.uri());
        direct = client.connect();
    }

    @AfterAll
    static void stop() {
        direct.close();
        client.shutdown();
        redis.close();
        server.close();
    }

    @BeforeEach
    void reset() {
        direct.sync().configSet("maxmemory-policy", "noeviction");
        direct.sync().del("incident:resolved");
    }

    /** Unless the (absent) flag key holds 1 entry, set the policy: the flag never appears, so it applies. */
    private static Unless unless(long flagLength, Duration within, String policy) {
        return Unless.holdsWithin(
                redis.listLength("incident:resolved"),
                Conditions.equalTo(flagLength),
                within,
                redis.setConfig("maxmemory-policy", policy));
    }

    @Override
    protected Unless action() {
        return unless(1L, Duration.ZERO, "allkeys-lru");
    }

    @Override
    protected Map<String, Unless> variants() {
        return Map.of(
                "unless", unless(2L, Duration.ZERO, "allkeys-lru"),
                "withinSeconds", unless(1L, Duration.ofSeconds(1), "allkeys-lru"),
                "action", unless(1L, Duration.ZERO, "volatile-ttl"));
    }

    @Override
    protected Object snapshot() {
        return direct.sync().configGet("maxmemory-policy");
    }

    @Override
    protected void moveTheWorld() {
        direct.sync().configSet("maxmemory-policy", "volatile-lru");
    }

    @Test
    void whenTheConditionHolds_theActionIsNotRun_andVerifyIsSkipped() {
        direct.sync().rpush("incident:resolved", "yes");
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).startsWith("not done if "));

        ApplyResult result = action().apply(plan, ctx);

        assertThat(result.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(result.summary()).startsWith("not needed, nothing done to ");
        assertThat(direct.sync().configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
        assertThat(action().verify(plan, result, ctx).status()).isEqualTo(dev.runbook.core.Verification.Status.SKIPPED);
    }
}
