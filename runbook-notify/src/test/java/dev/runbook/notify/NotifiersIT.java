package dev.runbook.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.Secret;
import dev.runbook.core.Severity;
import dev.runbook.core.notify.Notification;
import dev.runbook.core.notify.NotificationFailedException;
import dev.runbook.core.notify.Notifier;
import dev.runbook.test.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack, Teams and the generic webhook against a real HTTP server: exact requests, retries, secrets. */
class NotifiersIT {
    static final StubServer server = new StubServer();
    static final String TOKEN = "T000/B000/XXXXsecretXXXX";
    final MutableClock clock = MutableClock.at("2026-11-21T03:00:00Z");
    final List<Duration> waits = new ArrayList<>();
    final DeliveryPolicy policy = DeliveryPolicy.defaults().sleeper(d -> {
        waits.add(d);
        clock.advance(d);
    });
    final Incident inc = Incident.of("INC-004", "WMS Redis OOM", Severity.SEV2, Instant.parse("2026-11-21T03:00:00Z"))
            .commander("alice")
            .channel("#prod-alerts")
            .link("https://grafana.smp.vn/d/redis");

    @BeforeEach
    void reset() {
        server.reset();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    Notifier slack() {
        return NotifyActions.slack(Secret.of(server.url("/services/" + TOKEN)), "#prod-alerts", policy);
    }

    Notification investigating() {
        return MessageTemplate.investigating().render(inc, Map.of("impact", "stock counts stale in WMS"));
    }

    @Test
    void slack_postsBlockKit_withTheHeadlineAsFallback() {
        slack().send(investigating());

        StubServer.Request r = server.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/services/" + TOKEN);
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = Json.read(r.body(), JsonNode.class);
        assertThat(body)
                .isEqualTo(Json.read(
                        """
                {"text":"INCIDENT: [SEV-2] WMS Redis OOM",
                 "blocks":[
                  {"type":"header","text":{"type":"plain_text","text":"INCIDENT: [SEV-2] WMS Redis OOM"}},
                  {"type":"section","text":{"type":"mrkdwn","text":"Impact:\\n- User-facing: stock counts stale in WMS\\n- Affected systems: being assessed\\nStatus: Investigating\\nETA for update: 1 hour\\nIncident Commander: alice\\nIncident Channel: #prod-alerts\\nIncident Ticket: -"}},
                  {"type":"section","fields":[
                    {"type":"mrkdwn","text":"*Incident*\\nINC-004"},
                    {"type":"mrkdwn","text":"*Severity*\\nSEV-2"},
                    {"type":"mrkdwn","text":"*Incident commander*\\nalice"}]},
                  {"type":"actions","elements":[{"type":"button","url":"https://grafana.smp.vn/d/redis","text":{"type":"plain_text","text":"Open"}}]}
                 ]}""",
                        JsonNode.class));
    }

    @Test
    void teams_postsAnAdaptiveCard() {
        NotifyActions.teams(Secret.of(server.url("/workflows/" + TOKEN)), "#wms-oncall", policy)
                .send(Notification.of("Resolved", "monitoring 30 min").field("Incident", "INC-004"));
        JsonNode body = Json.read(server.requests().get(0).body(), JsonNode.class);
        assertThat(body.path("type").asText()).isEqualTo("message");
        JsonNode card = body.path("attachments").get(0);
        assertThat(card.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(card.path("content").path("body"))
                .isEqualTo(Json.read(
                        """
                [{"type":"TextBlock","text":"Resolved","weight":"Bolder","size":"Medium","wrap":true},
                 {"type":"TextBlock","text":"monitoring 30 min","wrap":true},
                 {"type":"FactSet","facts":[{"title":"Incident","value":"INC-004"}]}]""",
                        JsonNode.class));
    }

    @Test
    void webhook_postsJson_withItsSecretHeader() {
        NotifyActions.webhook(
                        server.url("/hooks/runbook"), Map.of("Authorization", Secret.of("Bearer " + TOKEN)), policy)
                .send(Notification.of("h", "t").field("Run", "r1").link("https://x/y"));
        StubServer.Request r = server.requests().get(0);
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(Json.read(r.body(), JsonNode.class))
                .isEqualTo(Json.read(
                        "{\"headline\":\"h\",\"text\":\"t\",\"fields\":{\"Run\":\"r1\"},\"link\":\"https://x/y\"}",
                        JsonNode.class));
        assertThat(r.body()).doesNotContain(TOKEN);
    }

    @Test
    void a5xx_isRetriedWithExponentialBackoff_withoutSleeping() {
        server.then(StubServer.Response.of(503, "busy"), StubServer.Response.of(500, "oops"));
        long t0 = System.nanoTime();
        slack().send(investigating());
        assertThat(server.requests()).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(server.requests().get(2).body())
                .isEqualTo(server.requests().get(0).body());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void a429_waitsExactlyItsRetryAfter_inSecondsOrAsADate() {
        server.then(
                new StubServer.Response(429, Map.of("Retry-After", "7"), "rate_limited"),
                new StubServer.Response(429, Map.of("Retry-After", "Sat, 21 Nov 2026 03:00:37 GMT"), "rate_limited"));
        NotifyActions.slack(Secret.of(server.url("/services/" + TOKEN)), "#prod-alerts", policy);
        HttpDelivery delivery = new HttpDelivery("slack #prod-alerts", policy, clock);
        new SlackNotifier(Secret.of(server.url("/services/" + TOKEN)), "#prod-alerts", delivery).send(investigating());
        assertThat(server.requests()).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(30));
    }

    @Test
    void aRetryAfterLongerThanThePolicyAllows_isNotRetried_andSaysSo() {
        server.then(new StubServer.Response(429, Map.of("Retry-After", "600"), "rate_limited"));
        assertThatThrownBy(() -> slack().send(investigating()))
                .isInstanceOf(NotificationFailedException.class)
                .hasMessage("slack #prod-alerts: POST to the incoming webhook answered 429 asking to retry after 600 s,"
                        + " longer than the 120 s this policy waits (DeliveryPolicy.maxRetryAfter); not retried: send it"
                        + " again later");
        assertThat(server.requests()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void a4xx_isNotRetried_andTheErrorNamesTheChannelNotTheUrl() {
        server.then(StubServer.Response.of(404, "no_service"));
        assertThatThrownBy(() -> slack().send(investigating()))
                .isInstanceOf(NotificationFailedException.class)
                .hasMessage("slack #prod-alerts: POST to the incoming webhook was refused with 404 'no_service'; not"
                        + " retried: check the URL, page, component or incident id")
                .satisfies(e ->
                        assertThat(((NotificationFailedException) e).status()).isEqualTo(404));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aFailingService_givesUpAfterEveryAttempt() {
        server.handler(r -> StubServer.Response.of(502, "bad gateway"));
        assertThatThrownBy(() -> slack().send(investigating()))
                .hasMessage("slack #prod-alerts: POST to the incoming webhook answered 502 'bad gateway' on all 4"
                        + " attempts (waited 1 s, 2 s, 4 s between them); the service is failing or rate-limiting: try"
                        + " again later");
        assertThat(server.requests()).hasSize(4);
    }

    @Test
    void anUnreachableWebhook_isRetried_thenFailsNamingTheHost() {
        StubServer gone = new StubServer();
        String url = gone.url("/services/" + TOKEN);
        String host = url.replaceAll("^http://([^/]+)/.*$", "$1");
        gone.close();
        Notifier n = NotifyActions.slack(Secret.of(url), "#prod-alerts", policy.attempts(3));
        assertThatThrownBy(() -> n.send(investigating()))
                .isInstanceOf(NotificationFailedException.class)
                .hasMessageStartingWith("slack #prod-alerts: POST to the incoming webhook could not reach " + host)
                .hasMessageContaining("in 3 attempts (waited 1 s, 2 s between them); check that the service is up")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void noSecretReachesTheLogs_theMessages_orToString() {
        server.then(StubServer.Response.of(503, "busy"), StubServer.Response.of(403, "invalid_token"));
        Notifier slack = slack();
        String error;
        try (LogCapture logs = new LogCapture()) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> slack.send(investigating()));
            error = t.getMessage();
            assertThat(logs.lines())
                    .containsExactly("slack #prod-alerts: POST to the incoming webhook answered 503; attempt 1 of 4,"
                            + " trying again in 1 s");
            assertThat(String.join("\n", logs.lines())).doesNotContain(TOKEN);
        }
        assertThat(error).contains("refused with 403", "check the token or key").doesNotContain(TOKEN);
        assertThat(slack.toString() + slack.name()).doesNotContain(TOKEN);
        assertThat(Json.write(NotifyActions.notify(slack, investigating()).parameters()))
                .doesNotContain(TOKEN);
    }

    @Test
    void badInputs_areRefusedWhenBuilt() {
        assertThatThrownBy(() -> NotifyActions.slack(Secret.of("hooks.slack.com/services/" + TOKEN), "#x"))
                .hasMessage("Slack webhook URL is not an absolute http(s) URL (the value is a secret: not shown); give"
                        + " one such as https://hooks.slack.com/services/...");
        assertThatThrownBy(() -> NotifyActions.slack(Secret.of(server.url("/s")), " "))
                .hasMessageContaining("name the channel");
        assertThatThrownBy(() -> MessageTemplate.update().render(inc, Map.of("status", "Identified")))
                .hasMessage("template 'update' needs [known, actions]: pass them in the values"
                        + " (Map.of(\"known\", \"...\")) or set them on the incident (commander, channel, ticket)");
        assertThatThrownBy(() -> Notification.of(" ", "x")).hasMessageContaining("needs a headline");
    }

    @Test
    void theSeedTemplates_render() {
        Notification resolved = MessageTemplate.resolved()
                .render(inc, Map.of("summary", "stock cache flushed", "resolution", "SCAN+UNLINK of 100,000 keys"));
        assertThat(resolved.headline()).isEqualTo("INCIDENT RESOLVED - [SEV-2] WMS Redis OOM");
        assertThat(resolved.text())
                .isEqualTo("Summary: stock cache flushed\nDuration: see the post-mortem\nResolution: SCAN+UNLINK of"
                        + " 100,000 keys\nNext steps: monitoring for 30 min; post-mortem within 48h\nIncident Commander:"
                        + " alice");
        Notification custom = MessageTemplate.of("[{severity}] {title}: {what}").render(inc, Map.of("what", "flushed"));
        assertThat(custom.headline()).isEqualTo("[SEV-2] WMS Redis OOM: flushed");
    }
}
