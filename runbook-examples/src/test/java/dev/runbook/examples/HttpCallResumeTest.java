package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Journal;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.RunRecord;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.StepOutcome;
import dev.runbook.core.http.Http;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seed INC-002's admin replay ("curl -X POST .../admin/events/$eid/replay") survives a crash right after
 * the call was sent: the resumed run sends the same Idempotency-Key, the service does not replay twice.
 */
class HttpCallResumeTest {
    private final IntegrationService svc = IntegrationService.start(Duration.ZERO);

    @AfterEach
    void stop() {
        svc.close();
    }

    /**
     * A journal that "crashes" the JVM when a chosen step finishes, the first time: it throws an {@link
     * Error}, which the engine does not catch, as a killed process would not either.
     */
    private static final class CrashingJournal implements Journal {
        private final Journal delegate = Journal.inMemory();
        private String crashAfter;
        String runId;

        CrashingJournal(String crashAfter) {
            this.crashAfter = crashAfter;
        }

        @Override
        public void begin(String runId, Plan plan) {
            this.runId = runId;
            delegate.begin(runId, plan);
        }

        @Override
        public void stepStarted(String runId, String stepId) {
            delegate.stepStarted(runId, stepId);
        }

        @Override
        public void stepFinished(String runId, StepOutcome outcome) {
            if (outcome.stepId().equals(crashAfter)) {
                crashAfter = null;
                throw new SimulatedCrash("simulated crash after " + outcome.stepId() + " was applied");
            }
            delegate.stepFinished(runId, outcome);
        }

        @Override
        public void finished(String runId, RunStatus status) {
            delegate.finished(runId, status);
        }

        @Override
        public Optional<RunRecord> load(String runId) {
            return delegate.load(runId);
        }
    }

    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String message) {
            super(message);
        }
    }

    @Test
    void aResumedReplaySendsTheSameIdempotencyKeyAndReplaysOnce() {
        Runbook runbook = Runbook.builder("INC-002", "Payment webhook failed")
                .step(
                        "replay event evt-42",
                        Http.post(svc.url("/admin/events/evt-42/replay"))
                                .header("Authorization", svc.adminToken())
                                .expectStatus(202)
                                .build())
                .step(
                        "replay event evt-43",
                        Http.post(svc.url("/admin/events/evt-43/replay"))
                                .header("Authorization", svc.adminToken())
                                .expectStatus(202)
                                .build())
                .build();
        CrashingJournal journal = new CrashingJournal("replay-event-evt-42");
        RunbookEngine engine = RunbookEngine.builder()
                .approvals(TestApprovals.approvingAll())
                .journal(journal)
                .build();
        Plan plan = engine.plan(runbook);

        assertThatThrownBy(() -> engine.apply(runbook, plan))
                .isInstanceOf(SimulatedCrash.class)
                .hasMessageContaining("simulated crash");
        assertThat(svc.replayedEvents()).containsExactly("evt-42");

        Report resumed = engine.resume(runbook, journal.runId);

        assertThat(resumed)
                .succeeded()
                .step("replay-event-evt-42")
                .hasOutcome(Outcome.UNCHANGED)
                .hasMessageContaining("already sent with idempotency key " + journal.runId + "/replay-event-evt-42")
                .and()
                .step("replay-event-evt-43")
                .hasOutcome(Outcome.CHANGED);
        assertThat(svc.replayedEvents()).containsExactly("evt-42", "evt-43");
    }
}
