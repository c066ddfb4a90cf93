package dev.runbook.test;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Change;
import dev.runbook.core.Conditions;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.StepKind;
import org.junit.jupiter.api.Test;

class RunbookAssertionsTest {
    private final MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
    private final FakeProbe<Double> memory = FakeProbe.of("memory ratio", 0.95);
    private final FakeAction flush = FakeAction.builder("redis.scanDelete", "fake-redis keys 'cache:*'")
            .summary("UNLINK 10 keys matching 'cache:*'")
            .blastRadius("keys", 10)
            .warning("3 keys match session:* and are kept")
            .build();
    private final Runbook runbook = Runbook.builder("INC-004", "Redis OOM")
            .precheck("memory is high", memory, Conditions.above(0.9))
            .step("flush", flush)
            .build();

    private RunbookEngine engine(Guards guards) {
        return RunbookEngine.builder()
                .clock(clock)
                .sleeper(clock)
                .guards(guards)
                .approvals(ApprovalGate.approveAll("test", "assertions test"))
                .build();
    }

    @Test
    void planAssertions_passOnAMatchingPlan() {
        Plan plan = engine(Guards.none()).plan(runbook);

        assertThat(plan)
                .isReady()
                .changesSomething()
                .survivesJson()
                .hasSteps("memory-is-high", "flush")
                .hasStep("flush")
                .withKind(StepKind.ACTION)
                .withChange(Change.CHANGE)
                .changes()
                .withBlastRadius("keys", 10)
                .withSummaryContaining("UNLINK 10 keys")
                .withWarningContaining("session:*")
                .requiresApproval()
                .isNotRefused()
                .and()
                .hasStep("memory-is-high")
                .isUnchanged()
                .doesNotRequireApproval();
    }

    @Test
    void planAssertions_failWithTheTableWhenTheyDoNotHold() {
        Plan plan = engine(Guards.builder().budget("keys", 5).build()).plan(runbook);

        assertThat(plan).isNotReady().hasRefusalContaining("budget 'keys' is 5");
        assertThat(plan).hasStep("flush").isRefusedWith("raise the budget");
        assertThatThrownBy(() -> assertThat(plan).isReady())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("budget 'keys' is 5")
                .hasMessageContaining("NOT ready");
        assertThatThrownBy(() -> assertThat(plan).hasStep("nope"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("[memory-is-high, flush]");
        assertThatThrownBy(() -> assertThat(plan).hasStep("flush").withBlastRadius("keys", 11))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("keys=11");
        assertThatThrownBy(() -> assertThat(plan).hasStep("flush").isUnchanged())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("change NONE");
        assertThatThrownBy(() -> assertThat(plan).isNoop()).isInstanceOf(AssertionError.class);
    }

    @Test
    void reportAssertions_passOnAMatchingReportAndFailOtherwise() {
        RunbookEngine engine = engine(Guards.none());
        Report report = engine.apply(runbook, engine.plan(runbook));

        assertThat(report)
                .succeeded()
                .survivesJson()
                .hasOutcomes(Outcome.UNCHANGED, Outcome.CHANGED)
                .step("flush")
                .hasOutcome(Outcome.CHANGED)
                .hasCount("keys", 10)
                .hasMessageContaining("UNLINK")
                .hasNoError()
                .verificationPassed()
                .and()
                .step("memory-is-high")
                .hasOutcome(Outcome.UNCHANGED);
        assertThatThrownBy(() -> assertThat(report).failed())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected the run to end FAILED, but it ended SUCCEEDED")
                .hasMessageContaining("flush");
        assertThatThrownBy(() -> assertThat(report).step("flush").hasOutcome(Outcome.UNCHANGED))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected step flush to be UNCHANGED, but it was CHANGED");
        assertThatThrownBy(() -> assertThat(report).step("flush").hasErrorContaining("x"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertThat(report).step("flush").hasItem("k", Outcome.CHANGED))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void reportAssertions_seeAFailedStep() {
        RunbookEngine engine = engine(Guards.none());
        Plan plan = engine.plan(runbook);
        flush.moveTheWorld();

        Report report = engine.apply(runbook, plan);

        assertThat(report).failed().step("flush").hasOutcome(Outcome.FAILED).hasErrorContaining("StalePlanException");
        org.assertj.core.api.Assertions.assertThat(flush.applies()).isZero();
    }
}
