package dev.runbook.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Report;
import dev.runbook.core.RunEvent;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.notify.Notification;
import dev.runbook.test.FakeAction;
import dev.runbook.test.MutableClock;
import dev.runbook.test.RecordingAuditSink;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Notifications as runbook steps and on engine events, through a real engine, to a real HTTP server. */
class NotifyStepsIT {
    static final StubServer server = new StubServer();
    static final String TOKEN = "T111/B111/notifySecret";
    final MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
    final DeliveryPolicy policy = DeliveryPolicy.defaults().attempts(2).sleeper(clock);
    final RecordingAuditSink audit = new RecordingAuditSink();

    @BeforeEach
    void reset() {
        server.reset();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    RunbookEngine.Builder engine() {
        return RunbookEngine.builder()
                .clock(clock)
                .sleeper(clock)
                .actor("alice")
                .incident("INC-004")
                .audit(audit)
                .approvals(ApprovalGate.approveAll("bob", "flush approved in #wms-oncall"));
    }

    Runbook runbook(Notify notify) {
        return Runbook.builder("INC-004", "WMS Redis OOM")
                .severity(Severity.SEV2)
                .step("tell #prod-alerts", notify)
                .step("flush the stock cache", FakeAction.of("fake.flush", "keys", 100))
                .build();
    }

    Notify post() {
        return NotifyActions.notify(
                NotifyActions.slack(Secret.of(server.url("/services/" + TOKEN)), "#prod-alerts", policy),
                Notification.of("INCIDENT: [SEV-2] WMS Redis OOM", "Status: Investigating"));
    }

    @Test
    void aNotifyStep_postsOnce_andIsAChangedStep() {
        RunbookEngine e = engine().build();
        Runbook rb = runbook(post());
        Report report = e.apply(rb, e.plan(rb));
        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(report.step("tell-prod-alerts").message())
                .isEqualTo("posted 'INCIDENT: [SEV-2] WMS Redis OOM' to slack #prod-alerts");
        assertThat(server.requests()).hasSize(1);
        assertThat(audit.events().toString()).doesNotContain(TOKEN);
        audit.assertPaired();
    }

    @Test
    void aFailingNotification_isSkipped_andTheRunGoesOn_withTheFailureInTheReportAndTheAudit() {
        server.handler(r -> StubServer.Response.of(500, "down"));
        RunbookEngine e = engine().build();
        Runbook rb = runbook(post());
        Report report = e.apply(rb, e.plan(rb));
        assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(report.step("tell-prod-alerts").outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(report.step("tell-prod-alerts").message())
                .startsWith("not delivered to slack #prod-alerts: slack #prod-alerts: POST to the incoming webhook"
                        + " answered 500 'down' on all 2 attempts")
                .endsWith("best effort, the run went on (.required() stops it instead)");
        assertThat(report.step("flush-the-stock-cache").outcome()).isEqualTo(Outcome.CHANGED);
        AuditEvent end = audit.events(AuditEvent.Type.STEP_FINISHED).get(0);
        assertThat(end.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(end.message()).contains("not delivered");
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void aRequiredNotification_thatFails_failsItsStep_andStopsTheRun() {
        server.handler(r -> StubServer.Response.of(410, "channel_is_archived"));
        RunbookEngine e = engine().build();
        Runbook rb = runbook(post().required());
        Report report = e.apply(rb, e.plan(rb));
        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.step("tell-prod-alerts").error())
                .isEqualTo("NotificationFailedException: slack #prod-alerts: POST to the incoming webhook was refused"
                        + " with 410 'channel_is_archived'; not retried: the hook or channel was removed; create a new"
                        + " one");
        assertThat(report.step("flush-the-stock-cache").outcome()).isEqualTo(Outcome.NOT_ATTEMPTED);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void engineEvents_arePosted_andAFailingNotifier_isAWarningNotAFailure() {
        StubServer chat = new StubServer();
        try (chat) {
            RunEventNotifier events = NotifyActions.onRunEvents(
                            NotifyActions.webhook(chat.url("/chat"), java.util.Map.of(), policy),
                            RunEvent.Type.RUN_STARTED,
                            RunEvent.Type.APPROVAL_NEEDED,
                            RunEvent.Type.STEP_FAILED,
                            RunEvent.Type.RUN_FINISHED)
                    .link("https://grafana.smp.vn/d/redis");
            RunbookEngine e = engine().listener(events).build();
            Runbook rb = Runbook.builder("INC-004", "WMS Redis OOM")
                    .severity(Severity.SEV2)
                    .step("flush the stock cache", FakeAction.of("fake.flush", "keys", 100))
                    .build();
            Report report = e.apply(rb, e.plan(rb));
            List<JsonNode> posted = chat.requests().stream()
                    .map(r -> Json.read(r.body(), JsonNode.class))
                    .toList();
            assertThat(posted)
                    .extracting(p -> p.path("headline").asText())
                    .containsExactly(
                            "[SEV-2] INC-004 WMS Redis OOM: runbook started",
                            "[SEV-2] INC-004 WMS Redis OOM: approval needed for step flush-the-stock-cache",
                            "[SEV-2] INC-004 WMS Redis OOM: run SUCCEEDED");
            assertThat(posted.get(1).path("fields").path("Run").asText()).isEqualTo(report.runId());
            assertThat(posted.get(1).path("link").asText()).isEqualTo("https://grafana.smp.vn/d/redis");
            assertThat(report.warnings()).isEmpty();

            chat.handler(r -> StubServer.Response.of(404, "no such hook"));
            Report second = e.apply(rb, e.plan(rb)); // the flush is done: no approval needed this time
            assertThat(second.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(second.warnings())
                    .hasSize(2)
                    .first()
                    .asString()
                    .startsWith("listener notify webhook 127.0.0.1:")
                    .contains("failed on RUN_STARTED: NotificationFailedException: webhook 127.0.0.1:")
                    .endsWith("; the run went on");
            assertThat(audit.events(AuditEvent.Type.LISTENER_FAILED))
                    .extracting(a -> a.data().path("event").asText())
                    .containsExactly("RUN_STARTED", "RUN_FINISHED");
        }
    }
}
