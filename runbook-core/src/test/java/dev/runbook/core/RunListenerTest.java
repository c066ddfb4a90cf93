package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.audit.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunListenerTest {
    private final Fixtures f = new Fixtures();

    private Runbook runbook() {
        return Runbook.builder("INC-2211", "Reset the cache")
                .severity(Severity.SEV2)
                .step("set a", f.set("a", "2"))
                .step("set b", f.set("b", "2"))
                .build();
    }

    @Test
    void listenersHearEveryEventInOrder_withStepAndRunDetails() {
        List<RunEvent> heard = new ArrayList<>();
        RunbookEngine engine = f.engine().listener(heard::add).build();
        Runbook rb = runbook();
        Report report = engine.apply(rb, engine.plan(rb));

        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(heard)
                .extracting(RunEvent::type)
                .containsExactly(
                        RunEvent.Type.RUN_STARTED,
                        RunEvent.Type.APPROVAL_NEEDED,
                        RunEvent.Type.STEP_FINISHED,
                        RunEvent.Type.APPROVAL_NEEDED,
                        RunEvent.Type.STEP_FINISHED,
                        RunEvent.Type.RUN_FINISHED);
        RunEvent step = heard.get(2);
        assertThat(step.stepId()).isEqualTo("set-a");
        assertThat(step.actionType()).isEqualTo("test.setValue");
        assertThat(step.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(step.severity()).isEqualTo(Severity.SEV2);
        assertThat(step.incidentId()).isEqualTo("INC-2211");
        assertThat(heard.get(1).message()).startsWith("Approve step set-a of INC-2211");
        assertThat(heard.get(5).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(heard.get(5).runId()).isEqualTo(report.runId());
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void aFailingListener_neverFailsTheRun_andIsInTheReportAndTheAudit() {
        RunListener broken = new RunListener() {
            @Override
            public void onEvent(RunEvent e) {
                if (e.type() == RunEvent.Type.STEP_FINISHED) {
                    throw new IllegalStateException("chat is down");
                }
            }

            @Override
            public String name() {
                return "slack #prod-alerts";
            }
        };
        List<RunEvent> second = new ArrayList<>();
        RunbookEngine engine = f.engine().listener(broken).listener(second::add).build();
        Runbook rb = runbook();
        Report report = engine.apply(rb, engine.plan(rb));

        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(f.store).containsEntry("a", "2").containsEntry("b", "2");
        assertThat(report.warnings())
                .hasSize(2)
                .first()
                .isEqualTo("listener slack #prod-alerts failed on STEP_FINISHED of step set-a:"
                        + " IllegalStateException: chat is down; the run went on");
        assertThat(report.toString()).contains("warning: listener slack #prod-alerts failed");
        assertThat(second).as("the next listener still hears every event").hasSize(6);
        List<AuditEvent> failures = f.audit.events(AuditEvent.Type.LISTENER_FAILED);
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0).stepId()).isEqualTo("set-a");
        assertThat(failures.get(0).data().get("listener").asText()).isEqualTo("slack #prod-alerts");
        assertThat(Report.fromJson(report.toJson()).warnings()).isEqualTo(report.warnings());
    }

    @Test
    void approvalRequests_carryThePlanFingerprintAndSeverity() {
        List<ApprovalRequest> asked = new ArrayList<>();
        RunbookEngine engine = f.engine()
                .approvals(req -> {
                    asked.add(req);
                    return Approval.granted("bob", "ok");
                })
                .build();
        Runbook rb = runbook();
        Plan plan = engine.plan(rb);
        engine.apply(rb, plan);
        assertThat(asked).hasSize(2).allSatisfy(r -> {
            assertThat(r.planFingerprint()).isEqualTo(plan.fingerprint());
            assertThat(r.severity()).isEqualTo(Severity.SEV2);
        });
    }
}
