package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.test.ActionContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServers.class)
class SetKeyIT extends ActionContract<SetKey> {
    static RedisServers.Server primary;
    static RedisActions redis;

    @BeforeAll
    static void connect() {
        primary = RedisServers.primary();
        redis = RedisActions.connect(primary.uri());
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @BeforeEach
    void seed() {
        TestRedis.on(primary).flushall();
        TestRedis.on(primary).set("inventory:101", "5");
        TestRedis.on(primary).pexpire("inventory:101", 3_600_000);
    }

    @Override
    protected SetKey action() {
        return redis.setKey("inventory:101", "42");
    }

    @Override
    protected Map<String, SetKey> variants() {
        return Map.of(
                "key", redis.setKey("inventory:102", "42"),
                "value", redis.setKey("inventory:101", "43"),
                "ttlMillis", redis.setKey("inventory:101", "42").ttl(Duration.ofMinutes(5)));
    }

    @Override
    protected Object snapshot() {
        return Arrays.asList(
                TestRedis.on(primary).get("inventory:101"),
                TestRedis.on(primary).pexpiretime("inventory:101"));
    }

    @Override
    protected void moveTheWorld() {
        TestRedis.on(primary).set("inventory:101", "7");
    }

    @Test
    void inverse_restoresValueAndExpiry() {
        ActionContext ctx = context();
        Object before = snapshot();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary()).contains("set inventory:101 to '42'").contains("was '5'");
        action().apply(plan, ctx);
        assertThat(TestRedis.on(primary).get("inventory:101")).isEqualTo("42");
        assertThat(TestRedis.on(primary).pttl("inventory:101")).isEqualTo(-1);
        Action undo = action().inverse(plan).orElseThrow();
        undo.apply(undo.plan(ctx), ctx);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void inverse_ofANewKey_deletesIt() {
        ActionContext ctx = context();
        SetKey fresh = redis.setKey("inventory:202", "1").ttl(Duration.ofMinutes(5));
        StepPlan plan = fresh.plan(ctx);
        assertThat(plan.summary()).contains("was absent");
        fresh.apply(plan, ctx);
        assertThat(TestRedis.on(primary).pttl("inventory:202")).isBetween(1L, 300_000L);
        assertThat(fresh.plan(ctx).isNoop()).isTrue();
        Action undo = fresh.inverse(plan).orElseThrow();
        undo.apply(undo.plan(ctx), ctx);
        assertThat(TestRedis.on(primary).exists("inventory:202")).isZero();
    }

    @Test
    void anotherType_isRefused() {
        TestRedis.on(primary).rpush("dispatch:queue:HCMC", "a");
        assertRefusedWithoutChange(
                () -> redis.setKey("dispatch:queue:HCMC", "x").plan(context()), "is a list", "only replaces string");
    }

    @Test
    void aBinaryPreviousValue_isNotMangled_andTheChangeHasNoInverse() {
        ActionContext ctx = context();
        byte[] blob = {0x08, 0x2a, 0x12, 0x04, (byte) 0xc3, 0x28, (byte) 0xff, 0x00}; // a protobuf, not UTF-8
        try (var bytes = RedisClient.create(primary.uri()).connect(ByteArrayCodec.INSTANCE)) {
            bytes.sync().set("inventory:303".getBytes(StandardCharsets.UTF_8), blob);
            SetKey fix = redis.setKey("inventory:303", "42");
            StepPlan plan = fix.plan(ctx);
            assertThat(plan.summary()).contains("(was (8 bytes, not UTF-8 text, sha256 ");
            assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("8 bytes that are not UTF-8 text"));
            assertThat(fix.inverse(plan)).isEmpty();
            assertThat(bytes.sync().get("inventory:303".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(blob); // the plan wrote nothing

            byte[] other = blob.clone();
            other[6] = (byte) 0xfe; // decodes to the same text as the planned value, but is another value
            bytes.sync().set("inventory:303".getBytes(StandardCharsets.UTF_8), other);
            assertThatThrownBy(() -> fix.apply(plan, ctx)).isInstanceOf(StalePlanException.class);
            assertThat(bytes.sync().get("inventory:303".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(other);
        }
    }
}
