package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Runbook;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.redis.RedisActions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** INC-004's shape follows the seed, and bad thresholds are refused (no server needed: nothing connects). */
class RedisOomTest {

    @Test
    void followsTheSeed_detectTriageMitigateResolveCommunicate() {
        try (RedisActions redis = RedisActions.connect("redis://127.0.0.1:1")) {
            Runbook rb = RedisOom.runbook(redis);

            assertThat(rb.id()).isEqualTo("INC-004");
            assertThat(rb.steps())
                    .extracting(Step::id)
                    .containsExactly(
                            "memory-is-above-90-of-maxmemory",
                            "cache-is-the-biggest-key-prefix",
                            "delete-the-stock-cache-keys",
                            "set-maxmemory-policy-allkeys-lru",
                            "memory-is-below-70",
                            "no-stock-cache-key-is-left",
                            "tell-the-team");
            assertThat(rb.steps())
                    .extracting(Step::kind)
                    .containsExactly(
                            StepKind.PRECHECK,
                            StepKind.PRECHECK,
                            StepKind.ACTION,
                            StepKind.ACTION,
                            StepKind.WAIT,
                            StepKind.VERIFY,
                            StepKind.MANUAL);
            Step.Act flush = (Step.Act) rb.step("delete-the-stock-cache-keys");
            assertThat(flush.action().destructive()).isTrue();
            assertThat(flush.action().target()).contains("'cache:wms:stock:*'");
        }
    }

    @Test
    void refusesThresholdsTheWrongWayRound() {
        try (RedisActions redis = RedisActions.connect("redis://127.0.0.1:1")) {
            assertThatThrownBy(() -> RedisOom.runbook(redis, 0.7, 0.9, Duration.ofMinutes(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("resolvedRatio < alertRatio")
                    .hasMessageContaining("resolved 0.9, alert 0.7");
            assertThatThrownBy(() -> RedisOom.runbook(redis, 0.9, 0, Duration.ofMinutes(1)))
                    .hasMessageContaining("0 < resolvedRatio");
        }
    }
}
