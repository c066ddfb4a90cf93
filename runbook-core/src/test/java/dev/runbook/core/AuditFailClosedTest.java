package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run of three destructive steps writes, per step, STEP_STARTED, APPROVAL_GRANTED and STEP_FINISHED
 * between RUN_STARTED (write 1) and RUN_FINISHED (write 11). Step k applies after write 3k.
 */
class AuditFailClosedTest {
    private final Fixtures f = new Fixtures();
    private final SetValue a = f.set("a", "2");
    private final SetValue b = f.set("b", "2");
    private final SetValue c = f.set("c", "2");
    private final Runbook rb = Runbook.builder("INC-7", "audit")
            .step("set a", a)
            .step("set b", b)
            .step("set c", c)
            .build();

    private int applies() {
        return a.applies.get() + b.applies.get() + c.applies.get();
    }

    @Test
    void everyWriteSucceeds_elevenPairedRecords() {
        RunbookEngine engine = f.engine().build();
        Report report = engine.apply(rb, engine.plan(rb));
        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(f.audit.types())
                .containsExactly(
                        AuditEvent.Type.RUN_STARTED,
                        AuditEvent.Type.STEP_STARTED,
                        AuditEvent.Type.APPROVAL_GRANTED,
                        AuditEvent.Type.STEP_FINISHED,
                        AuditEvent.Type.STEP_STARTED,
                        AuditEvent.Type.APPROVAL_GRANTED,
                        AuditEvent.Type.STEP_FINISHED,
                        AuditEvent.Type.STEP_STARTED,
                        AuditEvent.Type.APPROVAL_GRANTED,
                        AuditEvent.Type.STEP_FINISHED,
                        AuditEvent.Type.RUN_FINISHED);
        f.audit.assertPaired();
        assertThat(f.audit.events())
                .allSatisfy(e -> assertThat(e.incidentId()).isEqualTo("INC-2211"))
                .allSatisfy(e -> assertThat(e.runId()).isEqualTo(report.runId()));
    }

    @Test
    void firstWriteFails_applyThrowsAndNothingRuns() {
        RecordingSink healthy = new RecordingSink();
        RunbookEngine engine = f.engine().audit(healthy).build(); // f.audit first, healthy second
        f.audit.failFrom(1);
        Plan plan = engine.plan(rb);
        assertThatThrownBy(() -> engine.apply(rb, plan))
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("disk full")
                .hasMessageContaining("resume run");
        assertThat(applies()).isZero();
        assertThat(healthy.types()).containsExactly(AuditEvent.Type.RUN_STARTED, AuditEvent.Type.RUN_FAILED);
        healthy.assertPaired();
    }

    @ParameterizedTest(name = "the audit fails from write {0}")
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8, 9, 10})
    void aFailedWriteStopsTheRunBeforeTheNextMutation(int n) {
        RecordingSink healthy = new RecordingSink();
        RunbookEngine engine = f.engine().audit(healthy).build();
        Plan plan = engine.plan(rb);
        f.audit.failFrom(n);

        Report report = engine.apply(rb, plan);

        int expectedApplies = Math.min(3, (n - 1) / 3);
        assertThat(applies()).as("apply calls when write %d fails", n).isEqualTo(expectedApplies);
        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(f.audit.events()).as("the failing sink keeps what it took").hasSize(n - 1);
        healthy.assertPaired();
        List<StepOutcome> after = report.steps().subList(expectedApplies, 3);
        assertThat(after).allSatisfy(s -> assertThat(s.outcome()).isIn(Outcome.NOT_ATTEMPTED, Outcome.FAILED));
        assertThat(report.steps().stream().filter(s -> s.outcome() == Outcome.NOT_ATTEMPTED))
                .allSatisfy(s -> assertThat(s.message()).contains("audit sink failed"));
    }

    @Test
    void theApprovalRecordFailing_preventsTheApply() {
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(rb);
        f.audit.failFrom(3); // RUN_STARTED, STEP_STARTED ok; APPROVAL_GRANTED fails

        Report report = engine.apply(rb, plan);

        assertThat(applies()).isZero();
        assertThat(report.step("set-a").outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.step("set-a").error()).startsWith("AuditException");
        assertThat(f.store.get("a")).isEqualTo("1");
    }

    @Test
    void afterTheSinkIsFixed_resumeFinishesTheRun_applyingEachStepOnce() {
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(rb);
        f.audit.failFrom(3); // the approval record of the first step fails
        Report broken = engine.apply(rb, plan);
        assertThat(applies()).isZero();

        RecordingSink fixed = new RecordingSink();
        Report resumed = RunbookEngine.builder()
                .clock(f.clock)
                .audit(fixed)
                .approvals(ApprovalGate.approveAll("bob", "sink fixed"))
                .journal(journalOf(engine))
                .build()
                .resume(rb, broken.runId());

        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(resumed.step("set-a").message()).contains("planned again on resume, it ended FAILED");
        assertThat(List.of(a.applies.get(), b.applies.get(), c.applies.get())).containsExactly(1, 1, 1);
        fixed.assertPaired();
    }

    @Test
    void theLastEndRecordFailing_leavesTheRunResumable() {
        RunbookEngine engine = f.engine().build();
        Plan plan = engine.plan(rb);
        f.audit.failFrom(11);

        Report report = engine.apply(rb, plan);

        assertThat(applies()).isEqualTo(3);
        assertThat(report.status()).as("an incomplete audit fails the run").isEqualTo(RunStatus.FAILED);
        RecordingSink fresh = new RecordingSink();
        Report resumed = RunbookEngine.builder()
                .clock(f.clock)
                .audit(fresh)
                .journal(journalOf(engine))
                .build()
                .resume(rb, report.runId());
        assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(applies()).as("nothing is applied twice").isEqualTo(3);
        fresh.assertPaired();
    }

    private static Journal journalOf(RunbookEngine engine) {
        return engine.journal;
    }
}
