package dev.runbook.test;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Conditions;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RunbookTest(clock = "2026-11-21T03:00:00Z", incident = "INC-2211")
class RunbookEngineExtensionTest {
    private final FakeProbe<Double> memory = FakeProbe.of("redis memory ratio", 0.95, 0.95, 0.85, 0.75, 0.62);
    private final FakeAction flush = FakeAction.builder("redis.scanDelete", "fake-redis keys 'cache:*'")
            .blastRadius("keys", 10)
            .build();
    private Runbook runbook;
    private RunbookEngine engineSeenInBeforeEach;

    @BeforeEach
    void setUp(RunbookEngine engine) {
        engineSeenInBeforeEach = engine;
        runbook = Runbook.builder("INC-004", "Redis OOM")
                .precheck("memory is high", memory, Conditions.above(0.9))
                .step("flush the stock cache", flush)
                .waitUntil("memory recovers", memory, Conditions.below(0.7), Duration.ofMinutes(2))
                .build();
    }

    @Test
    void injectsOneRigPerTest(RunbookEngine engine, MutableClock clock, RecordingAuditSink audit) {
        assertThat(engine).isSameAs(engineSeenInBeforeEach);
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-21T03:00:00Z"));
        assertThat(audit.events()).isEmpty();
    }

    @Test
    void theEngineRunsOnTheTestClockAndAuditsToTheRecordingSink(
            RunbookEngine engine, MutableClock clock, RecordingAuditSink audit, TestApprovals approvals) {
        Plan plan = engine.plan(runbook);
        assertThat(flush.applies()).isZero();

        Report report = engine.apply(runbook, plan);

        assertThat(report).succeeded().step("memory-recovers").hasOutcome(Outcome.UNCHANGED);
        assertThat(flush.applies()).isEqualTo(1);
        // The wait read 0.85, 0.75 and 0.62, sleeping on the test clock in between: no real time passed.
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-21T03:00:01Z"));
        assertThat(approvals.askedFor()).containsExactly("flush-the-stock-cache");
        audit.assertPaired();
        assertThat(audit.events()).allSatisfy(e -> {
            assertThat(e.incidentId()).isEqualTo("INC-2211");
            assertThat(e.actor()).isEqualTo("runbook-test");
        });
    }

    @Test
    void aDeniedApprovalStopsTheRunBeforeTheStepAndIsAudited(
            RunbookEngine engine, TestApprovals approvals, RecordingAuditSink audit) {
        approvals.deny("flush-the-stock-cache");

        Report report = engine.apply(runbook, engine.plan(runbook));

        assertThat(report)
                .failed()
                .hasOutcomes(Outcome.UNCHANGED, Outcome.FAILED, Outcome.NOT_ATTEMPTED)
                .step("flush-the-stock-cache")
                .hasErrorContaining("was not approved");
        assertThat(flush.applies()).isZero();
        assertThat(audit.events(AuditEvent.Type.APPROVAL_DENIED))
                .singleElement()
                .satisfies(e -> assertThat(e.data().get("approver").asText()).isEqualTo(TestApprovals.APPROVER));
        audit.assertPaired();
    }

    @Test
    @RunbookTest(environment = "prod", actor = "alice")
    void aMethodAnnotationOverridesTheClassOne(RunbookEngine engine, RecordingAuditSink audit) {
        Report report = engine.apply(runbook, engine.plan(runbook));

        assertThat(report.actor()).isEqualTo("alice");
        assertThat(audit.events()).allSatisfy(e -> assertThat(e.incidentId()).isNull());
        assertThat(engine.plan(runbook).environment()).isEqualTo("prod");
    }
}
