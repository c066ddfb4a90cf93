package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Secret;
import dev.runbook.core.StepPlan;
import dev.runbook.test.ActionContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServers.class)
class SetConfigIT extends ActionContract<SetConfig> {
    static RedisServers.Server primary;
    static RedisActions redis;

    @BeforeAll
    static void connect() {
        primary = RedisServers.primary();
        redis = RedisActions.connect(primary.uri());
    }

    @AfterAll
    static void close() {
        TestRedis.on(primary).configSet("maxmemory-policy", "noeviction");
        TestRedis.on(primary).configSet("maxmemory", "0");
        TestRedis.on(primary).configSet("masterauth", "");
        redis.close();
    }

    @BeforeEach
    void reset() {
        TestRedis.on(primary).configSet("maxmemory-policy", "noeviction");
        TestRedis.on(primary).configSet("maxmemory", "0");
        TestRedis.on(primary).configSet("masterauth", "");
    }

    @Override
    protected SetConfig action() {
        return redis.setConfig("maxmemory-policy", "allkeys-lru");
    }

    @Override
    protected Map<String, SetConfig> variants() {
        return Map.of(
                "parameter", redis.setConfig("lazyfree-lazy-eviction", "allkeys-lru"),
                "value", redis.setConfig("maxmemory-policy", "volatile-ttl"));
    }

    @Override
    protected Object snapshot() {
        return TestRedis.on(primary).configGet("maxmemory-policy", "maxmemory");
    }

    @Override
    protected void moveTheWorld() {
        TestRedis.on(primary).configSet("maxmemory-policy", "volatile-lru");
    }

    @Test
    void inverse_restoresThePreviousValue() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary()).contains("from noeviction to allkeys-lru");
        action().apply(plan, ctx);
        assertThat(TestRedis.on(primary).configGet("maxmemory-policy"))
                .containsEntry("maxmemory-policy", "allkeys-lru");
        Action undo = action().inverse(plan).orElseThrow();
        undo.apply(undo.plan(ctx), ctx);
        assertThat(TestRedis.on(primary).configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
    }

    @Test
    void memoryUnits_convergeOnRerun() {
        ActionContext ctx = context();
        SetConfig max = redis.setConfig("maxmemory", "100mb");
        max.apply(max.plan(ctx), ctx);
        assertThat(TestRedis.on(primary).configGet("maxmemory")).containsEntry("maxmemory", "104857600");
        assertThat(max.plan(ctx).isNoop()).isTrue();
    }

    @Test
    void unknownParameter_isRefusedNamingIt() {
        assertRefusedWithoutChange(
                () -> redis.setConfig("maxmemory-polcy", "allkeys-lru").plan(context()),
                "no config parameter 'maxmemory-polcy'");
    }

    @Test
    void badValue_isRefusedAtApply_andNothingChanges() {
        SetConfig bad = redis.setConfig("maxmemory-policy", "sometimes-lru");
        StepPlan plan = bad.plan(context());
        assertRefusedWithoutChange(() -> bad.apply(plan, context()), "sometimes-lru");
    }

    @Test
    void aSecretParameter_neverPrints_convergesExactly_andHasNoInverse() {
        ActionContext ctx = context();
        TestRedis.on(primary).configSet("masterauth", "old-Secret-1");
        SetConfig auth = redis.setConfig("masterauth", Secret.of("new-Secret-2"));
        StepPlan plan = auth.plan(ctx);
        assertThat(List.of(plan.toString(), plan.summary(), auth.toString(), String.valueOf(auth.parameters())))
                .allSatisfy(
                        text -> assertThat(text).doesNotContain("old-Secret-1").doesNotContain("new-Secret-2"));
        assertThat(plan.summary()).isEqualTo("set masterauth from (secret) to (secret) on " + redis.name());
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("no inverse"));
        assertThat(auth.inverse(plan)).isEmpty();

        ApplyResult done = auth.apply(plan, ctx);
        assertThat(done.toString()).doesNotContain("old-Secret-1").doesNotContain("new-Secret-2");
        assertThat(auth.verify(plan, done, ctx).toString()).doesNotContain("new-Secret-2");
        assertThat(TestRedis.on(primary).configGet("masterauth")).containsEntry("masterauth", "new-Secret-2");
        assertThat(auth.plan(ctx).isNoop()).isTrue();
        // a password is compared exactly, not case-insensitively as policies are
        assertThat(redis.setConfig("masterauth", "NEW-SECRET-2").plan(ctx).isNoop())
                .isFalse();
    }
}
