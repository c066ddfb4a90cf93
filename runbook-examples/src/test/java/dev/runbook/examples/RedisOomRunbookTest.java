package dev.runbook.examples;

import static dev.runbook.core.Outcome.CHANGED;
import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Conditions;
import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.test.FakeAction;
import dev.runbook.test.FakeProbe;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import org.junit.jupiter.api.Test;

// The README's "Testing your runbooks" example; ReadmeExampleTest checks that the README shows this class.
// README:start
@RunbookTest // injects a RunbookEngine on a MutableClock, a RecordingAuditSink and TestApprovals
class RedisOomRunbookTest {
    FakeProbe<Double> memory = FakeProbe.of("redis memory ratio", 0.95, 0.95, 0.85, 0.62);
    FakeAction flush = FakeAction.builder("redis.scanDelete", "keys 'cache:*'")
            .blastRadius("keys", 10)
            .build();
    Runbook runbook = Runbook.builder("INC-004", "Redis OOM")
            .precheck("memory is high", memory, Conditions.above(0.9))
            .step("flush the stock cache", flush)
            .waitUntil("memory recovers", memory, Conditions.below(0.7), Duration.ofMinutes(2))
            .build();

    @Test
    void flushesOnceAndRecovers(RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        Plan plan = engine.plan(runbook);
        assertThat(plan)
                .isReady()
                .hasStep("flush-the-stock-cache")
                .withBlastRadius("keys", 10)
                .requiresApproval();
        assertThat(engine.apply(runbook, plan))
                .succeeded()
                .step("flush-the-stock-cache")
                .hasOutcome(CHANGED);
        assertThat(approvals.askedFor()).containsExactly("flush-the-stock-cache");
        audit.assertPaired();
    }
}
// README:end
