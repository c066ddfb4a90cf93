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
 * A generic paging webhook: {@code {"action", "dedupKey", "responder", "level", "summary", "severity",
 * "details"}} POSTed with an {@code Idempotency-Key} of {@code dedupKey/responder/action}, so that the
 * receiver can drop repeats; optional secret headers are never shown.
 */
final class WebhookPager implements Pager {
    private final URI url;
    private final Map<String, Secret> headers;
    private final HttpDelivery delivery;

    WebhookPager(URI url, Map<String, Secret> headers, HttpDelivery delivery) {
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.delivery = delivery;
    }

    @Override
    public String name() {
        return "pager webhook " + HttpDelivery.hostOf(url) + url.getPath();
    }

    @Override
    public void send(Page page) {
        String action = page.action().name().toLowerCase(Locale.ROOT);
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("action", action);
        body.put("dedupKey", page.dedupKey());
        body.put("responder", page.responder());
        body.put("level", page.level());
        body.put("summary", page.summary());
        body.put("severity", page.severity());
        ObjectNode details = body.putObject("details");
        new TreeMap<>(page.details()).forEach(details::put);
        HttpRequest.Builder b = delivery.json(url)
                .header("Idempotency-Key", page.dedupKey() + "/" + page.responder() + "/" + action)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        headers.forEach((k, v) -> b.header(k, v.reveal()));
        delivery.send(b.build(), action + " " + page.dedupKey() + " for " + page.responder());
    }

    @Override
    public String toString() {
        return "WebhookPager[" + name() + "]";
    }
}
