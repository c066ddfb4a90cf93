package dev.runbook.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import dev.runbook.core.Secret;
import dev.runbook.core.notify.Page;
import dev.runbook.core.notify.Pager;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * PagerDuty Events API v2 ({@code POST /v2/enqueue}): one routing key (a secret) per responder of the
 * escalation matrix, {@code dedup_key} = the incident id, so that PagerDuty merges a repeated trigger
 * into the open alert instead of paging again; {@code acknowledge} and {@code resolve} close it. The
 * routing key is sent only in the event's {@code routing_key} field, never shown or logged.
 */
final class PagerDutyPager implements Pager {
    static final String EVENTS_API = "https://events.pagerduty.com/v2/enqueue";

    private final URI url;
    private final Map<String, Secret> routingKeys;
    private final HttpDelivery delivery;

    PagerDutyPager(URI url, Map<String, Secret> routingKeys, HttpDelivery delivery) {
        if (routingKeys.isEmpty()) {
            throw new IllegalArgumentException(
                    "give PagerDuty a routing key per responder, such as Map.of(\"on-call\", Secret.of(key))");
        }
        this.url = url;
        this.routingKeys = new TreeMap<>(routingKeys);
        this.delivery = delivery;
    }

    @Override
    public String name() {
        return "pagerduty " + routingKeys.keySet();
    }

    @Override
    public void send(Page page) {
        Secret key = routingKeys.get(page.responder());
        if (key == null) {
            throw new IllegalArgumentException(name() + " has no routing key for '" + page.responder()
                    + "'; add one for each responder of the escalation matrix");
        }
        HttpRequest req = delivery.json(url)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(event(page, key))))
                .build();
        delivery.send(
                req,
                page.action().name().toLowerCase(Locale.ROOT) + " " + page.dedupKey() + " for " + page.responder());
    }

    static ObjectNode event(Page page, Secret key) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("routing_key", key.reveal());
        e.put("event_action", page.action().name().toLowerCase(Locale.ROOT));
        e.put("dedup_key", page.dedupKey());
        if (page.action() == Page.Action.TRIGGER) {
            ObjectNode p = e.putObject("payload");
            p.put("summary", page.summary().isBlank() ? page.dedupKey() : page.summary());
            p.put("source", "runbook " + page.dedupKey());
            p.put("severity", severity(page.severity()));
            p.put("component", page.responder());
            ObjectNode details = p.putObject("custom_details");
            details.put("level", page.level());
            details.put("responder", page.responder());
            new TreeMap<>(page.details()).forEach(details::put);
        }
        return e;
    }

    /** SEV-1 critical, SEV-2 error, SEV-3 warning, else info. */
    static String severity(String sev) {
        if (sev == null) {
            return "error";
        }
        return switch (sev) {
            case "SEV-1" -> "critical";
            case "SEV-2" -> "error";
            case "SEV-3" -> "warning";
            default -> "info";
        };
    }

    @Override
    public String toString() {
        return "PagerDutyPager" + routingKeys.keySet();
    }
}
