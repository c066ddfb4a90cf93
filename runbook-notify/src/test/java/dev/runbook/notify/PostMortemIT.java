package dev.runbook.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Conditions;
import dev.runbook.core.Json;
import dev.runbook.core.OnFailure;
import dev.runbook.core.Plan;
import dev.runbook.core.Probe;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.core.notify.ComponentStatus;
import dev.runbook.core.notify.Notifier;
import dev.runbook.core.notify.StatusPage;
import dev.runbook.test.FakeAction;
import dev.runbook.test.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The post-mortem of INC-004 from the audit files of a real engine run (notify, status page, an approved
 * flush, a wait that ran long, an escalation, recovery, resolution) and of a refused apply, compared with
 * golden files. Run ids, plan ids and hashes are random per run and replaced before the comparison;
 * {@code -Dgolden.update=true} rewrites the golden files.
 */
class PostMortemIT {
    static final Path GOLDEN = Path.of("src/test/resources/postmortem");
    static final FakeStatuspage statuspage = new FakeStatuspage();
    static final StubServer slack = new StubServer();
    static final StubServer pagerDuty = new StubServer();

    @TempDir
    static Path dir;

    static Path runAudit;
    static Path botAudit;
    static String runHead;
    static Report report;
    static final Incident INC = Incident.of(
                    "INC-004", "WMS Redis OOM", Severity.SEV2, Instant.parse("2026-11-21T02:52:00Z"))
            .commander("alice")
            .channel("#prod-alerts")
            .ticket("JIRA-4242");

    @BeforeAll
    static void runTheIncident() {
        statuspage.component("wms", "WMS", "operational");
        pagerDuty.handler(r -> StubServer.Response.of(202, "{\"status\":\"success\"}"));
        MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
        DeliveryPolicy policy = DeliveryPolicy.defaults().sleeper(clock);
        Notifier chat = NotifyActions.slack(Secret.of(slack.url("/services/T1/B1/secret")), "#prod-alerts", policy);
        StatusPage page =
                NotifyActions.statuspage(statuspage.api(), FakeStatuspage.PAGE, Secret.of(FakeStatuspage.KEY), policy);
        var pager = NotifyActions.pagerDuty(
                pagerDuty.url("/v2/enqueue"),
                Map.of("on-call", Secret.of("rk-1"), "secondary", Secret.of("rk-2"), "tech-lead", Secret.of("rk-3")),
                policy);
        Instant recovers = Instant.parse("2026-11-21T03:21:30Z");
        Probe<Double> memory =
                Probe.of("redis memory ratio %", () -> clock.instant().isBefore(recovers) ? 97.0 : 61.0);

        Runbook rb = runbook(chat, page, pager, memory, "stock counts stale in WMS");
        Runbook rebuilt = runbook(chat, page, pager, memory, "none");

        runAudit = dir.resolve("audit.jsonl");
        botAudit = dir.resolve("bot-audit.jsonl");
        try (JsonLinesAuditSink sink = JsonLinesAuditSink.open(runAudit);
                JsonLinesAuditSink botSink = JsonLinesAuditSink.open(botAudit)) {
            RunbookEngine engine = RunbookEngine.builder()
                    .clock(clock)
                    .sleeper(clock)
                    .actor("alice")
                    .incident("INC-004")
                    .environment("prod")
                    .audit(sink)
                    .approvals(ApprovalGate.approveAll("bob", "flush approved in #wms-oncall"))
                    .build();
            Plan plan = engine.plan(rb);
            // a bot tries to apply alice's plan with a runbook rebuilt with another message: refused, audited
            RunbookEngine bot = RunbookEngine.builder()
                    .clock(clock)
                    .actor("ops-bot")
                    .incident("INC-004")
                    .environment("prod")
                    .audit(botSink)
                    .build();
            clock.advance(Duration.ofSeconds(30));
            assertThatThrownBy(() -> bot.apply(rebuilt, plan)).isInstanceOf(StalePlanException.class);
            clock.advance(Duration.ofSeconds(30));
            report = engine.apply(rb, plan);
            runHead = sink.head();
        }
    }

    static Runbook runbook(
            Notifier chat, StatusPage page, dev.runbook.core.notify.Pager pager, Probe<Double> memory, String impact) {
        return Runbook.builder("INC-004", "WMS Redis OOM")
                .severity(Severity.SEV2)
                .onFailure(OnFailure.CONTINUE)
                .step(
                        "tell #prod-alerts",
                        NotifyActions.notify(
                                chat, MessageTemplate.investigating().render(INC, Map.of("impact", impact))))
                .step(
                        "WMS degraded on the status page",
                        NotifyActions.setComponentStatus(page, "wms", ComponentStatus.DEGRADED_PERFORMANCE))
                .step("flush the stock cache", FakeAction.of("redis.scanDeleteByPattern", "keys", 100_000))
                .waitUntil("memory recovers", memory, Conditions.below(80), Duration.ofMinutes(15))
                .step(
                        "escalate if memory is still high",
                        NotifyActions.escalate(pager, INC, EscalationMatrix.seeds())
                                .unless(memory, Conditions.below(80)))
                .waitUntil("memory recovers after escalation", memory, Conditions.below(80), Duration.ofMinutes(15))
                .step(
                        "WMS operational",
                        NotifyActions.setComponentStatus(page, "wms", ComponentStatus.OPERATIONAL)
                                .from(ComponentStatus.DEGRADED_PERFORMANCE))
                .step(
                        "tell #prod-alerts it is resolved",
                        NotifyActions.notify(
                                chat,
                                MessageTemplate.resolved()
                                        .render(
                                                INC,
                                                Map.of(
                                                        "summary",
                                                        "stock cache flushed",
                                                        "resolution",
                                                        "flush + escalation"))))
                .build();
    }

    @AfterAll
    static void stop() {
        statuspage.server.close();
        slack.close();
        pagerDuty.close();
    }

    @Test
    void theRunHappenedAsThePostMortemTellsIt() {
        assertThat(report.status()).as("%s", report).isEqualTo(RunStatus.FAILED); // the first wait ran long
        assertThat(report.step("escalate-if-memory-is-still-high").counts()).containsEntry("level", 2L);
        assertThat(pagerDuty.requests()).hasSize(2);
        assertThat(slack.requests()).hasSize(2);
        assertThat(statuspage.state()).containsEntry("component wms", "operational");
    }

    @Test
    void markdown_matchesTheGoldenFile() throws IOException {
        PostMortem pm = PostMortem.fromAudit(runAudit, botAudit)
                .head(runAudit, runHead)
                .incident(INC)
                .build();
        assertThat(pm.runs()).containsExactly(report.runId());
        compare(normalise(pm.toMarkdown()), "inc-004.md");
    }

    @Test
    void timelineJson_matchesTheGoldenFile_andHasTheMarkdownsRows() throws IOException {
        PostMortem pm = PostMortem.fromAudit(runAudit, botAudit).incident(INC).build();
        String json = pm.timelineJson();
        compare(normalise(json), "inc-004-timeline.json");
        JsonNode root = Json.read(json, JsonNode.class);
        assertThat(root.path("timeline")).hasSize(pm.timeline().size());
        assertThat(pm.timeline())
                .extracting(TimelineEntry::kind)
                .contains("alert", "refusal", "run", "notification", "status-page", "step", "approval", "escalation");
    }

    @Test
    void aTamperedAuditFile_isRefused_beforeAnythingIsExported() throws IOException {
        Path copy = dir.resolve("tampered.jsonl");
        String text = Files.readString(runAudit, StandardCharsets.UTF_8)
                .replace("\"approver\":\"bob\"", "\"approver\":\"eve\"");
        Files.writeString(copy, text, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PostMortem.fromAudit(copy).build())
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("was changed after it was written");
        List<String> lines = Files.readAllLines(runAudit, StandardCharsets.UTF_8);
        Path cut = dir.resolve("cut.jsonl");
        Files.write(cut, lines.subList(0, lines.size() - 2), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PostMortem.fromAudit(cut).head(cut, runHead).build())
                .isInstanceOf(AuditException.class)
                .hasMessageContaining("records were removed from its end");
    }

    @Test
    void anotherIncident_inTheSameFile_isLeftOut() {
        PostMortem pm = PostMortem.fromAudit(runAudit).incidentId("INC-999").build();
        assertThat(pm.timeline()).isEmpty();
        assertThat(pm.runs()).isEmpty();
    }

    private static String normalise(String s) {
        return s.replace(report.runId(), "<run-id>")
                .replaceAll("INC-004-\\d{8}T\\d{6}-[0-9a-f]{8}", "<refused-run-id>")
                .replace(report.planId(), "<plan-id>")
                .replaceAll("ends at [0-9a-f]{12}", "ends at <hash>")
                .replaceAll("plan [0-9a-f]{12}", "plan <fingerprint>")
                .replaceAll("fingerprint [0-9a-f]{12}", "fingerprint <fingerprint>");
    }

    private static void compare(String actual, String golden) throws IOException {
        Path file = GOLDEN.resolve(golden);
        if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
