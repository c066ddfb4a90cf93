package dev.runbook.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Conditions;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Probe;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.StepPlan;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.notify.Pager;
import dev.runbook.test.MutableClock;
import dev.runbook.test.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Escalation through PagerDuty's Events API v2 and a generic pager webhook, on real HTTP servers. */
class EscalateIT {
    static final StubServer pd = new StubServer();
    static final Map<String, Secret> KEYS = Map.of(
            "on-call", Secret.of("R0UT1NGKEY-ONCALL-0000000000000"),
            "secondary", Secret.of("R0UT1NGKEY-SECOND-0000000000000"),
            "tech-lead", Secret.of("R0UT1NGKEY-TECHLD-0000000000000"),
            "cto", Secret.of("R0UT1NGKEY-CTO-000000000000000000"),
            "all-hands", Secret.of("R0UT1NGKEY-ALLHANDS-0000000000000"));
    final MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
    final DeliveryPolicy policy = DeliveryPolicy.defaults().sleeper(clock);
    final Incident inc = Incident.of("INC-004", "WMS Redis OOM", Severity.SEV2, Instant.parse("2026-11-21T03:00:00Z"));
    /** The alerts PagerDuty holds open: routing key + dedup key, as PagerDuty merges repeated triggers. */
    final Map<String, String> open = new HashMap<>();

    @BeforeEach
    void reset() {
        pd.reset();
        pd.handler(r -> {
            JsonNode e = Json.read(r.body(), JsonNode.class);
            synchronized (open) {
                String key = e.path("routing_key").asText() + "/"
                        + e.path("dedup_key").asText();
                if (e.path("event_action").asText().equals("resolve")) {
                    open.remove(key);
                } else {
                    open.putIfAbsent(key, e.path("payload").path("summary").asText());
                }
            }
            return StubServer.Response.of(
                    202,
                    "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\""
                            + e.path("dedup_key").asText() + "\"}");
        });
    }

    @AfterAll
    static void stop() {
        pd.close();
    }

    Pager pagerDuty() {
        return NotifyActions.pagerDuty(pd.url("/v2/enqueue"), KEYS, policy);
    }

    ActionContext ctx() {
        return ActionContext.builder()
                .runId("run-1")
                .stepId("escalate")
                .clock(clock)
                .sleeper(clock)
                .build();
    }

    @Test
    void theSeedsMatrix_byTimeAndSeverity() {
        EscalationMatrix m = EscalationMatrix.seeds();
        assertThat(m.due(Severity.SEV2, Duration.ofMinutes(14)))
                .extracting(EscalationMatrix.Level::responder)
                .containsExactly("on-call");
        assertThat(m.due(Severity.SEV2, Duration.ofMinutes(34)))
                .extracting(EscalationMatrix.Level::responder)
                .containsExactly("on-call", "secondary", "tech-lead");
        assertThat(m.next(Severity.SEV2, Duration.ofMinutes(34)).orElseThrow().responder())
                .isEqualTo("cto");
        assertThat(m.due(Severity.SEV1, Duration.ofHours(2))).hasSize(5);
        assertThat(m.due(Severity.SEV3, Duration.ofHours(3)))
                .extracting(EscalationMatrix.Level::responder)
                .containsExactly("on-call");
        assertThat(m.due(Severity.SEV4, Duration.ofHours(3))).isEmpty();
        clock.advance(Duration.ofMinutes(34));
        assertThat(NotifyActions.escalation(inc, m, clock).read().toString())
                .isEqualTo("SEV-2 INC-004, 34m since the alert: tech-lead (level 3) is due; next: cto at 1h");
        assertThatThrownBy(() -> new EscalationMatrix(Map.of(
                        Severity.SEV1,
                        List.of(
                                new EscalationMatrix.Level(2, "a", Duration.ZERO),
                                new EscalationMatrix.Level(1, "b", Duration.ofMinutes(5))))))
                .hasMessageContaining("must rise with time");
    }

    @Test
    void escalate_pagesEachDueLevel_withTheIncidentAsDedupKey_andTheExactEvent() {
        Escalate esc = NotifyActions.escalate(pagerDuty(), inc, EscalationMatrix.seeds());
        StepPlan plan = esc.plan(ctx());
        assertThat(plan.summary())
                .isEqualTo("page who the escalation matrix says is due when this step runs (now: SEV-2 INC-004, 0m"
                        + " since the alert: on-call (level 1) is due; next: secondary at 15m)");
        clock.advance(Duration.ofMinutes(31)); // the run waited
        var result = esc.apply(plan, ctx());
        assertThat(result.counts()).containsEntry("level", 3L).containsEntry("pages", 3L);
        assertThat(result.summary())
                .isEqualTo("paged on-call, secondary, tech-lead through pagerduty [all-hands, cto, on-call, secondary,"
                        + " tech-lead] (level 3, 31m since the alert; dedup key INC-004)");
        JsonNode last = Json.read(pd.requests().get(2).body(), JsonNode.class);
        assertThat(last)
                .isEqualTo(Json.read(
                        """
                        {"routing_key":"R0UT1NGKEY-TECHLD-0000000000000","event_action":"trigger","dedup_key":"INC-004",
                         "payload":{"summary":"[SEV-2] INC-004 WMS Redis OOM: 31m since the alert, escalated to tech-lead",
                          "source":"runbook INC-004","severity":"error","component":"tech-lead",
                          "custom_details":{"level":3,"responder":"tech-lead","elapsed":"31m","runId":"run-1",
                           "step":"escalate","title":"WMS Redis OOM"}}}""",
                        JsonNode.class));
        assertThat(pd.requests().get(0).path()).isEqualTo("/v2/enqueue");

        clock.advance(Duration.ofMinutes(30)); // an hour: the CTO, and the others again
        esc.apply(esc.plan(ctx()), ctx());
        assertThat(pd.requests()).hasSize(7);
        assertThat(open)
                .as("a repeated trigger with the same dedup key pages nobody twice")
                .hasSize(4);
    }

    @Test
    void escalate_pagesNobody_whenTheIncidentIsOver() {
        AtomicLong ratio = new AtomicLong(95);
        Escalate esc = NotifyActions.escalate(pagerDuty(), inc, EscalationMatrix.seeds())
                .unless(Probe.of("memory ratio %", ratio::get), Conditions.below(80));
        clock.advance(Duration.ofMinutes(20));
        StepPlan plan = esc.plan(ctx());
        ratio.set(40);
        var r = esc.apply(plan, ctx());
        assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(r.summary()).isEqualTo("paged nobody: memory ratio % < 80: 40 holds");
        assertThat(pd.requests()).isEmpty();
    }

    @Test
    void theLevelReachedIsInTheAudit_andNoRoutingKeyIs() {
        RecordingAuditSink audit = new RecordingAuditSink();
        RunbookEngine engine = RunbookEngine.builder()
                .clock(clock)
                .sleeper(clock)
                .incident("INC-004")
                .audit(audit)
                .approvals(ApprovalGate.denyAll("not needed"))
                .build();
        clock.advance(Duration.ofMinutes(16));
        Runbook rb = Runbook.builder("INC-004", "WMS Redis OOM")
                .severity(Severity.SEV2)
                .step("escalate", NotifyActions.escalate(pagerDuty(), inc, EscalationMatrix.seeds()))
                .build();
        Report report = engine.apply(rb, engine.plan(rb));
        assertThat(report.step("escalate").counts()).containsEntry("level", 2L);
        AuditEvent end = audit.events(AuditEvent.Type.STEP_FINISHED).get(0);
        assertThat(end.data().path("counts").path("level").asLong()).isEqualTo(2);
        String everything = audit.events() + report.toJson() + engine.plan(rb).toJson();
        KEYS.values().forEach(k -> assertThat(everything).doesNotContain(k.reveal()));
    }

    @Test
    void aResponderWithoutRoutingKey_isRefused_andA4xxIsNotRetried() {
        Pager onlyOnCall =
                NotifyActions.pagerDuty(pd.url("/v2/enqueue"), Map.of("on-call", KEYS.get("on-call")), policy);
        clock.advance(Duration.ofMinutes(16));
        Escalate esc = NotifyActions.escalate(onlyOnCall, inc, EscalationMatrix.seeds());
        assertThatThrownBy(() -> esc.apply(esc.plan(ctx()), ctx()))
                .hasMessage("pagerduty [on-call] has no routing key for 'secondary'; add one for each responder of the"
                        + " escalation matrix");
        pd.reset();
        pd.then(StubServer.Response.of(
                400, "{\"status\":\"invalid event\",\"errors\":[\"'routing_key' is invalid\"]}"));
        assertThatThrownBy(() ->
                        onlyOnCall.send(dev.runbook.core.notify.Page.trigger("INC-004", "on-call", 1, "x", "SEV-2")))
                .hasMessageContaining("pagerduty: trigger INC-004 for on-call was refused with 400")
                .hasMessageNotContaining(KEYS.get("on-call").reveal());
        assertThat(pd.requests()).hasSize(1);
    }

    @Test
    void theGenericPagerWebhook_sendsAnIdempotencyKey() {
        Pager hook = NotifyActions.pagerWebhook(
                pd.url("/page"), Map.of("Authorization", Secret.of("Bearer pager-token")), policy);
        pd.reset();
        hook.send(dev.runbook.core.notify.Page.trigger("INC-004", "secondary", 2, "Redis OOM for 15m", "SEV-2"));
        StubServer.Request r = pd.requests().get(0);
        assertThat(r.header("Idempotency-Key")).isEqualTo("INC-004/secondary/trigger");
        assertThat(r.header("Authorization")).isEqualTo("Bearer pager-token");
        assertThat(Json.read(r.body(), JsonNode.class))
                .isEqualTo(Json.read(
                        "{\"action\":\"trigger\",\"dedupKey\":\"INC-004\",\"responder\":\"secondary\",\"level\":2,"
                                + "\"summary\":\"Redis OOM for 15m\",\"severity\":\"SEV-2\",\"details\":{}}",
                        JsonNode.class));
        assertThat(hook.name()).doesNotContain("pager-token");
    }
}
