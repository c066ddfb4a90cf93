package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Change;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The INC-005 runbook, tested the way the README tells users to test theirs. */
@RunbookTest
class IntegrationCircuitBreakerTest {
    // No trial time: the test clock advances instantly, so the first health check after half-open closes it.
    private final IntegrationService svc = IntegrationService.start(Duration.ZERO);
    private final Runbook runbook = IntegrationCircuitBreaker.runbook(svc);

    @AfterEach
    void stop() {
        svc.close();
    }

    @Test
    void planReadsOnlyAndShowsOneHalfOpenCall(RunbookEngine engine) {
        Plan plan = engine.plan(runbook);

        assertThat(plan)
                .isReady()
                .hasStep("half-open-the-breaker-for-inside")
                .withChange(Change.CHANGE)
                .withBlastRadius("requests", 1)
                .withSummaryContaining("/state is OPEN")
                .requiresApproval();
        assertThat(svc.breaker()).isEqualTo("OPEN");
        assertThat(svc.halfOpenCalls()).isZero();
    }

    @Test
    void applyClosesTheBreakerAndAuditsEveryStep(
            RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        Report report = engine.apply(runbook, engine.plan(runbook));

        assertThat(report)
                .succeeded()
                .step("half-open-the-breaker-for-inside")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed()
                .and()
                .step("the-breaker-for-inside-is-closed")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(svc.breaker()).isEqualTo("CLOSED");
        assertThat(svc.halfOpenCalls()).isEqualTo(1);
        assertThat(approvals.askedFor()).containsExactly("half-open-the-breaker-for-inside", "tell-the-team");
        audit.assertPaired();
    }

    @Test
    void aDependencyStillDownIsRefusedAtPlanTime(RunbookEngine engine) {
        svc.setDependencyHealthy(false);

        assertThat(engine.plan(runbook))
                .isNotReady()
                .hasStep("inside-is-healthy-again")
                .isRefusedWith("does not hold");
        assertThat(svc.halfOpenCalls()).isZero();
    }

    @Test
    void aDependencyDownAgainAtApplyStopsTheRunBeforeTheCall(RunbookEngine engine) {
        Plan plan = engine.plan(runbook);
        svc.setDependencyHealthy(false); // inside falls over again between review and apply

        Report report = engine.apply(runbook, plan);

        assertThat(report)
                .failed()
                .step("inside-is-healthy-again")
                .hasOutcome(Outcome.FAILED)
                .and()
                .step("half-open-the-breaker-for-inside")
                .hasOutcome(Outcome.NOT_ATTEMPTED);
        assertThat(svc.halfOpenCalls()).isZero();
        assertThat(svc.breaker()).isEqualTo("OPEN");
    }

    @Test
    void aDeniedApprovalLeavesTheBreakerOpen(RunbookEngine engine, TestApprovals approvals) {
        approvals.deny("half-open-the-breaker-for-inside");

        Report report = engine.apply(runbook, engine.plan(runbook));

        assertThat(report).failed().step("half-open-the-breaker-for-inside").hasErrorContaining("not approved");
        assertThat(svc.breaker()).isEqualTo("OPEN");
    }
}
