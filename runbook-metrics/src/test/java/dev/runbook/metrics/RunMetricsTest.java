package dev.runbook.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Conditions;
import dev.runbook.core.Probe;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.test.FakeAction;
import dev.runbook.test.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

    @Test
    void runsAndStepsAreCountedAndTimed_byRunbookKindActionAndOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
        RunbookEngine engine = RunbookEngine.builder()
                .clock(clock)
                .sleeper(clock)
                .approvals(ApprovalGate.approveAll("bob", "ok"))
                .listener(RunMetrics.of(registry))
                .build();
        long[] reads = {0};
        Runbook rb = Runbook.builder("INC-004", "WMS Redis OOM")
                .step("flush", FakeAction.of("redis.scanDeleteByPattern", "keys", 10))
                .waitUntil(
                        "memory recovers",
                        Probe.of("memory", () -> ++reads[0] > 4 ? 50 : 95),
                        Conditions.below(80),
                        Duration.ofMinutes(5))
                .build();
        engine.apply(rb, engine.plan(rb));
        engine.apply(rb, engine.plan(rb));

        assertThat(registry.get(RunMetrics.RUNS)
                        .tag("runbook", "INC-004")
                        .tag("status", "SUCCEEDED")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get(RunMetrics.STEPS)
                        .tag("action", "redis.scanDeleteByPattern")
                        .tag("outcome", "CHANGED")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get(RunMetrics.STEPS)
                        .tag("action", "redis.scanDeleteByPattern")
                        .tag("outcome", "UNCHANGED")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        var wait = registry.get(RunMetrics.STEP_DURATION)
                .tag("kind", "WAIT")
                .tag("action", "none")
                .timer();
        assertThat(wait.count()).isEqualTo(2);
        assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2000.0);
        assertThat(registry.get(RunMetrics.RUN_DURATION)
                        .tag("status", "SUCCEEDED")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(RunMetrics.APPROVALS).counter().count()).isEqualTo(1.0);
    }
}
