package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Change;
import dev.runbook.core.StepPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The mistakes a newcomer makes with the entry point, each answered with the fix, on a real server. */
@ExtendWith(RedisServers.class)
class NewcomerMistakesIT {
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
        TestRedis.strings(primary, "orders:cache:", 40);
        TestRedis.strings(primary, "orders:cache:pinned:", 3);
        TestRedis.strings(primary, "session:", 5);
    }

    @Test
    void countKeysCountsEveryMatchingKeyReadOnly() {
        assertThat(redis.countKeys("orders:cache:*").read()).isEqualTo(43L);
        assertThat(redis.countKeys("orders:cache:pinned:*").read()).isEqualTo(3L);
        assertThat(redis.countKeys("nothing:*").read()).isZero();
        assertThat(redis.countKeys("orders:cache:*").name())
                .isEqualTo(primary.uri() + " keys matching 'orders:cache:*' (SCAN)");
        assertThat(TestRedis.keys(primary)).hasSize(48);
    }

    @Test
    void aUriWithoutSchemeNamesTheUriMeant() {
        assertThatThrownBy(() -> RedisActions.connect("127.0.0.1:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'127.0.0.1:6379' is not a Redis URI; write redis://127.0.0.1:6379");
    }

    @Test
    void aClosedEntryPointSaysItWasClosed() {
        RedisActions closed = RedisActions.connect(primary.uri());
        closed.memory().read();
        closed.close();
        assertThatThrownBy(() -> closed.memory().read())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("this RedisActions (" + primary.uri() + ") was closed");
        assertThatThrownBy(() -> closed.scanDelete("orders:cache:*").plan(ActionContext.standalone()))
                .hasMessageContaining("was closed");
    }

    @Test
    void aRegexLookingPatternWarnsWithTheGlobMeant() {
        StepPlan plan = redis.scanDelete("orders:cache:.*").plan(ActionContext.standalone());
        assertThat(plan.change()).isEqualTo(Change.NONE);
        assertThat(plan.warnings())
                .singleElement()
                .asString()
                .contains("looks like a regular expression")
                .contains("did you mean 'orders:cache:*'?");
    }

    @Test
    void aPatternWithoutWildcardWarnsThatItNamesOneKey() {
        StepPlan plan = redis.scanDelete("orders:cache:1").plan(ActionContext.standalone());
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w)
                .contains("has no wildcard, so it matches only the key 'orders:cache:1'")
                .contains("'orders:cache:1*'"));
    }

    @Test
    void aProtectGlobWithoutWildcardThatMissesKeysWithItsPrefixWarns_andNothingIsWritten() {
        StepPlan plan = redis.scanDelete("orders:cache:*")
                .protect("orders:cache:pinned")
                .plan(ActionContext.standalone());
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w)
                .contains("protect pattern 'orders:cache:pinned' has no wildcard and protects none of the keys")
                .contains("did you mean 'orders:cache:pinned*'?"));
        StepPlan right = redis.scanDelete("orders:cache:*")
                .protect("orders:cache:pinned:*")
                .plan(ActionContext.standalone());
        assertThat(right.warnings()).noneMatch(w -> w.contains("protect pattern"));
        assertThat(TestRedis.keys(primary)).hasSize(48);
    }
}
