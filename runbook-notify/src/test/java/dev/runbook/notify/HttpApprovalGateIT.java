package dev.runbook.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.test.FakeAction;
import dev.runbook.test.MutableClock;
import dev.runbook.test.RecordingAuditSink;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP approval gate with a real bot: a stub webhook that receives each approval request and posts
 * decisions back to the gate's real callback endpoint (or serves them to its poll), through a real engine.
 */
class HttpApprovalGateIT {
    static final StubServer bot = new StubServer();
    static final String TOKEN = "cb-token-5ecret";
    final MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
    final RecordingAuditSink audit = new RecordingAuditSink();
    /** What the gate answered each decision the bot posted back. */
    final List<String> answers = new ArrayList<>();

    HttpApprovalGate gate;

    @BeforeEach
    void reset() {
        bot.reset();
    }

    @AfterEach
    void close() {
        if (gate != null) {
            gate.close();
        }
    }

    @AfterAll
    static void stop() {
        bot.close();
    }

    HttpApprovalGate.Builder builder() {
        return NotifyActions.approvals(bot.url("/approvals"))
                .callback(new InetSocketAddress("127.0.0.1", 0))
                .callbackToken(Secret.of(TOKEN))
                .timeout(Duration.ofMinutes(15))
                .pollEvery(Duration.ofSeconds(5))
                .clock(clock)
                .policy(DeliveryPolicy.defaults().attempts(2).sleeper(clock));
    }

    /** The bot: for each approval request, posts back what {@code decisions} makes of it. */
    void botAnswers(Function<JsonNode, List<String>> decisions) {
        bot.handler(r -> {
            JsonNode req = Json.read(r.body(), JsonNode.class);
            for (String d : decisions.apply(req)) {
                answers.add(postBack(req.path("callbackUrl").asText(), d, "Bearer " + TOKEN));
            }
            return StubServer.Response.of(200, "{\"ok\":true}");
        });
    }

    static String postBack(String url, String body, String auth) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " "
                    + Json.read(r.body(), JsonNode.class).path("message").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String decision(JsonNode req, String approver, boolean approved, String reason) {
        return decision(req.path("planFingerprint").asText(), approver, approved, reason);
    }

    static String decision(String fingerprint, String approver, boolean approved, String reason) {
        return "{\"planFingerprint\":\"" + fingerprint + "\",\"approver\":\"" + approver + "\",\"approved\":" + approved
                + ",\"reason\":\"" + reason + "\"}";
    }

    /** Applies a one-step destructive runbook run by alice, and returns the gate's decision as audited. */
    AuditEvent apply(Severity severity) {
        RunbookEngine engine = RunbookEngine.builder()
                .clock(clock)
                .sleeper(clock)
                .actor("alice")
                .environment("prod")
                .audit(audit)
                .approvals(gate)
                .build();
        Runbook rb = Runbook.builder("INC-004", "WMS Redis OOM")
                .severity(severity)
                .step("flush the stock cache", FakeAction.of("fake.flush", "keys", 100))
                .build();
        Plan plan = engine.plan(rb);
        Report report = engine.apply(rb, plan);
        AuditEvent decided = audit.events().stream()
                .filter(e ->
                        e.type() == AuditEvent.Type.APPROVAL_GRANTED || e.type() == AuditEvent.Type.APPROVAL_DENIED)
                .findFirst()
                .orElseThrow();
        assertThat(report.status())
                .isEqualTo(decided.type() == AuditEvent.Type.APPROVAL_GRANTED ? RunStatus.SUCCEEDED : RunStatus.FAILED);
        return decided;
    }

    @Test
    void anApprovalPostedBack_letsTheStepRun_andTheRequestCarriesThePlan() {
        gate = builder().build();
        botAnswers(req -> List.of(decision(req, "bob", true, "flush approved in #wms-oncall")));
        AuditEvent d = apply(Severity.SEV2);
        assertThat(d.type()).isEqualTo(AuditEvent.Type.APPROVAL_GRANTED);
        assertThat(d.data().path("approver").asText()).isEqualTo("bob");
        assertThat(d.data().path("reason").asText()).isEqualTo("bob: flush approved in #wms-oncall");
        assertThat(answers).containsExactly("200 approved by bob");

        JsonNode req = Json.read(bot.requests().get(0).body(), JsonNode.class);
        assertThat(req.path("kind").asText()).isEqualTo("APPROVE_STEP");
        assertThat(req.path("step").asText()).isEqualTo("flush-the-stock-cache");
        assertThat(req.path("requester").asText()).isEqualTo("alice");
        assertThat(req.path("severity").asText()).isEqualTo("SEV-2");
        assertThat(req.path("planFingerprint").asText()).hasSize(64);
        assertThat(req.path("blastRadius").path("keys").asLong()).isEqualTo(100);
        assertThat(req.path("approversNeeded").asInt()).isEqualTo(1);
        assertThat(req.path("callbackUrl").asText())
                .startsWith(gate.callbackUri().toString());
        assertThat(req.path("expiresAt").asText()).isEqualTo("2026-11-21T03:15:00Z");
        assertThat(bot.requests().get(0).body()).doesNotContain(TOKEN);
    }

    @Test
    void aDecisionForAnotherPlan_isRefused_andTheTimeoutDenies() {
        gate = builder().build();
        botAnswers(req -> List.of(decision("f".repeat(64), "bob", true, "looked fine")));
        long t0 = System.nanoTime();
        AuditEvent d = apply(Severity.SEV2);
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .as("no real waiting")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(answers).singleElement().asString().startsWith("409 bob's decision is for plan ffffffffffff, not");
        assertThat(d.type()).isEqualTo(AuditEvent.Type.APPROVAL_DENIED);
        assertThat(d.data().path("reason").asText())
                .startsWith(
                        "no decision within PT15M; denied; refused replies: bob's decision is for plan ffffffffffff");
    }

    @Test
    void aMalformedReply_isRefusedWith400_andNeverCounts() {
        gate = builder().build();
        botAnswers(req -> List.of("{\"approver\":\"bob\",\"approved\":\"yes\"}", "not json"));
        AuditEvent d = apply(Severity.SEV2);
        assertThat(answers)
                .containsExactly(
                        "400 the decision lacks planFingerprint, approved (true or false): send {\"planFingerprint\":"
                                + " \"...\", \"approver\": \"bob\", \"approved\": true, \"reason\": \"...\"}",
                        "400 the reply is not JSON ('not json')");
        assertThat(d.type()).isEqualTo(AuditEvent.Type.APPROVAL_DENIED);
        assertThat(d.data().path("reason").asText()).contains("malformed reply: the reply is not JSON");
    }

    @Test
    void anApprovalThatNeverComes_isDeniedAtTheTimeout_withoutSleeping() {
        gate = builder().timeout(Duration.ofMinutes(30)).build();
        AuditEvent d = apply(Severity.SEV2);
        assertThat(d.data().path("reason").asText()).isEqualTo("no decision within PT30M; denied");
        assertThat(d.data().path("approver").asText()).isEqualTo("http-approval");
        assertThat(clock.instant()).isEqualTo("2026-11-21T03:30:00Z");
    }

    @Test
    void aDenial_stopsTheStepAtOnce() {
        gate = builder().build();
        botAnswers(req -> List.of(decision(req, "carol", false, "not during the flash sale")));
        AuditEvent d = apply(Severity.SEV2);
        assertThat(d.data().path("approver").asText()).isEqualTo("carol");
        assertThat(d.data().path("reason").asText()).isEqualTo("not during the flash sale");
        assertThat(clock.instant()).as("no waiting for the timeout").isEqualTo("2026-11-21T03:00:00Z");
    }

    @Test
    void twoPersonRule_theSamePersonTwice_isOneApproval_andTheRequesterCannotApprove() {
        gate = builder().twoPersonFor(Severity.SEV1).build();
        botAnswers(req -> List.of(
                decision(req, "alice", true, "my own run"),
                decision(req, "bob", true, "ok"),
                decision(req, "Bob", true, "ok again")));
        AuditEvent d = apply(Severity.SEV1);
        assertThat(answers)
                .containsExactly(
                        "403 alice runs this runbook and cannot approve it: the two-person rule needs two other people",
                        "202 1 of 2 approvals; waiting for another person",
                        "409 Bob already approved; the two-person rule needs a second, different approver");
        assertThat(d.type()).isEqualTo(AuditEvent.Type.APPROVAL_DENIED);
        assertThat(d.data().path("reason").asText())
                .isEqualTo("1 of 2 approvals (bob: ok) within PT15M; denied; refused replies: alice runs this runbook"
                        + " and cannot approve it: the two-person rule needs two other people; Bob already approved;"
                        + " the two-person rule needs a second, different approver");
    }

    @Test
    void twoPersonRule_twoDifferentApprovers_grant() {
        gate = builder().twoPersonIn("prod").build();
        botAnswers(req -> List.of(decision(req, "bob", true, "ok"), decision(req, "carol", true, "agreed")));
        AuditEvent d = apply(Severity.SEV3);
        assertThat(d.type()).isEqualTo(AuditEvent.Type.APPROVAL_GRANTED);
        assertThat(d.data().path("approver").asText()).isEqualTo("bob and carol");
        assertThat(Json.read(bot.requests().get(0).body(), JsonNode.class)
                        .path("approversNeeded")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void decisionsWithoutTheToken_areRefusedWith401() {
        gate = builder().build();
        bot.handler(r -> {
            JsonNode req = Json.read(r.body(), JsonNode.class);
            answers.add(postBack(req.path("callbackUrl").asText(), decision(req, "mallory", true, "x"), null));
            answers.add(
                    postBack(req.path("callbackUrl").asText(), decision(req, "mallory", true, "x"), "Bearer guess"));
            return StubServer.Response.of(200, "{}");
        });
        AuditEvent d = apply(Severity.SEV2);
        assertThat(answers).containsExactly("401 missing or wrong bearer token", "401 missing or wrong bearer token");
        assertThat(d.type()).isEqualTo(AuditEvent.Type.APPROVAL_DENIED);
    }

    @Test
    void pollingMode_readsTheDecisionFromAUrl() {
        StubServer decisions = new StubServer();
        try (decisions) {
            List<String> fingerprint = new ArrayList<>();
            bot.handler(r -> {
                fingerprint.add(Json.read(r.body(), JsonNode.class)
                        .path("planFingerprint")
                        .asText());
                return StubServer.Response.of(200, "{}");
            });
            decisions.then(StubServer.Response.of(404, "{}"), StubServer.Response.of(404, "{}"));
            decisions.handler(r -> StubServer.Response.of(200, decision(fingerprint.get(0), "dave", true, "via poll")));
            gate = NotifyActions.approvals(bot.url("/approvals"))
                    .poll(decisions.url("/decisions/{requestId}"))
                    .pollEvery(Duration.ofSeconds(10))
                    .clock(clock)
                    .policy(DeliveryPolicy.defaults().attempts(1).sleeper(clock))
                    .build();
            AuditEvent d = apply(Severity.SEV2);
            assertThat(d.data().path("approver").asText()).isEqualTo("dave");
            assertThat(decisions.requests()).hasSize(3);
            assertThat(decisions.requests().get(0).path())
                    .startsWith("/decisions/")
                    .hasSize("/decisions/".length() + 36);
            assertThat(clock.instant()).isEqualTo("2026-11-21T03:00:20Z");
        }
    }

    @Test
    void anUnreachableWebhook_denies() {
        StubServer gone = new StubServer();
        String url = gone.url("/approvals");
        gone.close();
        gate = NotifyActions.approvals(url)
                .callback(new InetSocketAddress("127.0.0.1", 0))
                .clock(clock)
                .policy(DeliveryPolicy.defaults().attempts(2).sleeper(clock))
                .build();
        AuditEvent d = apply(Severity.SEV2);
        assertThat(d.data().path("reason").asText())
                .startsWith("the approval request was not delivered: approval webhook 127.0.0.1:")
                .contains("could not reach");
    }

    @Test
    void aGateNeedsAWayToReceiveDecisions() {
        assertThatThrownBy(() -> NotifyActions.approvals(bot.url("/a")).build())
                .hasMessage("an HTTP approval gate needs .callback(address) or .poll(url) to receive decisions");
    }
}
