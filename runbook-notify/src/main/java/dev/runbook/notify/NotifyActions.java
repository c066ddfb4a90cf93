package dev.runbook.notify;

import dev.runbook.core.Probe;
import dev.runbook.core.RunEvent;
import dev.runbook.core.Secret;
import dev.runbook.core.notify.ComponentStatus;
import dev.runbook.core.notify.IncidentStatus;
import dev.runbook.core.notify.Notification;
import dev.runbook.core.notify.Notifier;
import dev.runbook.core.notify.Pager;
import dev.runbook.core.notify.StatusPage;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The communication kit: notifiers (Slack, Teams, a JSON webhook), a status page (Atlassian
 * Statuspage), pagers (PagerDuty Events v2, a webhook), and the steps that use them: notify, set a
 * component's status, open/update/resolve an incident, escalate; engine-event notifications; HTTP
 * approvals. Every URL with a token in it and every key is a {@link Secret}.
 *
 * <pre>{@code
 * Notifier slack = NotifyActions.slack(Secret.of(System.getenv("SLACK_WEBHOOK_URL")), "#prod-alerts");
 * StatusPage page = NotifyActions.statuspage("kctbh9vrtdwd", Secret.of(System.getenv("STATUSPAGE_KEY")));
 * Runbook rb = Runbook.builder("INC-001", "Dispatch engine down")
 *     .step("tell #prod-alerts", NotifyActions.notify(slack, MessageTemplate.investigating().render(inc, values)))
 *     .step("Dispatch degraded", NotifyActions.setComponentStatus(page, "dispatch", ComponentStatus.DEGRADED_PERFORMANCE))
 *     ...
 * }</pre>
 */
public final class NotifyActions {
    private NotifyActions() {}

    /** A Slack incoming webhook (its URL is a secret), shown as {@code slack <channel>}. */
    public static Notifier slack(Secret webhookUrl, String channel) {
        return slack(webhookUrl, channel, DeliveryPolicy.defaults());
    }

    /** A Slack incoming webhook with its own retries. */
    public static Notifier slack(Secret webhookUrl, String channel, DeliveryPolicy policy) {
        url(webhookUrl, "Slack webhook");
        return new SlackNotifier(webhookUrl, label(channel), delivery("slack " + label(channel), policy));
    }

    /** A Microsoft Teams webhook (its URL is a secret), shown as {@code teams <channel>}. */
    public static Notifier teams(Secret webhookUrl, String channel) {
        return teams(webhookUrl, channel, DeliveryPolicy.defaults());
    }

    /** A Teams webhook with its own retries. */
    public static Notifier teams(Secret webhookUrl, String channel, DeliveryPolicy policy) {
        url(webhookUrl, "Teams webhook");
        return new TeamsNotifier(webhookUrl, label(channel), delivery("teams " + label(channel), policy));
    }

    /** A generic JSON webhook without headers. */
    public static Notifier webhook(String url) {
        return webhook(url, Map.of(), DeliveryPolicy.defaults());
    }

    /** A generic JSON webhook with secret headers (such as {@code Authorization}) and its own retries. */
    public static Notifier webhook(String url, Map<String, Secret> headers, DeliveryPolicy policy) {
        URI u = url(url);
        return new WebhookNotifier(u, headers, delivery("webhook " + HttpDelivery.hostOf(u), policy));
    }

    /** Atlassian Statuspage's API for page {@code pageId}, with its API key. */
    public static StatusPage statuspage(String pageId, Secret apiKey) {
        return statuspage(Statuspage.API, pageId, apiKey, DeliveryPolicy.defaults());
    }

    /** A Statuspage-compatible API at {@code apiUrl} (such as a test server's {@code http://127.0.0.1:port/v1}). */
    public static StatusPage statuspage(String apiUrl, String pageId, Secret apiKey, DeliveryPolicy policy) {
        return new Statuspage(url(apiUrl), pageId, apiKey, delivery("statuspage " + pageId, policy));
    }

    /** PagerDuty Events API v2, one routing key (a secret) per responder of the escalation matrix. */
    public static Pager pagerDuty(Map<String, Secret> routingKeys) {
        return pagerDuty(PagerDutyPager.EVENTS_API, routingKeys, DeliveryPolicy.defaults());
    }

    /** PagerDuty's Events API v2 at {@code eventsUrl}, with its own retries. */
    public static Pager pagerDuty(String eventsUrl, Map<String, Secret> routingKeys, DeliveryPolicy policy) {
        return new PagerDutyPager(url(eventsUrl), routingKeys, delivery("pagerduty", policy));
    }

    /** A generic paging webhook. */
    public static Pager pagerWebhook(String url, Map<String, Secret> headers, DeliveryPolicy policy) {
        URI u = url(url);
        return new WebhookPager(u, headers, delivery("pager webhook " + HttpDelivery.hostOf(u), policy));
    }

    /** A step posting {@code message}; best effort unless {@link Notify#required()}. */
    public static Notify notify(Notifier notifier, Notification message) {
        return new Notify(notifier, message, false);
    }

    /** A step setting a status page component's status; its inverse restores the previous one. */
    public static SetComponentStatus setComponentStatus(StatusPage page, String componentId, ComponentStatus status) {
        return new SetComponentStatus(page, componentId, status);
    }

    /** A step creating, updating or resolving the status page incident named {@code name}. */
    public static SetIncident incident(StatusPage page, String name, IncidentStatus status, String body) {
        return new SetIncident(page, name, status, body, Map.of());
    }

    /** A step paging who the matrix says is due for {@code incident} when it runs. */
    public static Escalate escalate(Pager pager, Incident incident, EscalationMatrix matrix) {
        return new Escalate(pager, incident, matrix, null, null);
    }

    /** A probe of where {@code incident} stands on the matrix, by {@code clock}. */
    public static Probe<Escalation> escalation(Incident incident, EscalationMatrix matrix, Clock clock) {
        return Probe.of("escalation of " + incident.id(), () -> Escalation.of(incident, matrix, clock.instant()));
    }

    /** A run listener posting the chosen run events to {@code notifier}; see {@link RunEventNotifier}. */
    public static RunEventNotifier onRunEvents(Notifier notifier, RunEvent.Type... types) {
        return new RunEventNotifier(notifier, Set.of(types), null);
    }

    /** An approval gate for bots; see {@link HttpApprovalGate}. */
    public static HttpApprovalGate.Builder approvals(String webhookUrl) {
        return HttpApprovalGate.builder(webhookUrl);
    }

    private static HttpDelivery delivery(String service, DeliveryPolicy policy) {
        return new HttpDelivery(service, policy, Clock.systemUTC());
    }

    private static String label(String channel) {
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("name the channel, such as '#prod-alerts': plans and reports show it"
                    + " instead of the webhook URL, which is a secret");
        }
        return channel;
    }

    private static void url(Secret url, String what) {
        try {
            url(url.reveal());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " URL is not an absolute http(s) URL (the value is a secret: not"
                    + " shown); give one such as https://hooks.slack.com/services/...");
        }
    }

    /**
     * Parses an absolute http(s) URL.
     *
     * @throws IllegalArgumentException naming the URL and an example of a good one
     */
    static URI url(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("URL is empty; give an absolute URL such as https://host/path");
        }
        try {
            URI u = new URI(url.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // below
        }
        throw new IllegalArgumentException(
                "URL '" + url + "' is not an absolute http(s) URL; give one such as https://host/path");
    }
}
