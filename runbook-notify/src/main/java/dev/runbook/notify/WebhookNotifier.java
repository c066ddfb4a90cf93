package dev.runbook.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import dev.runbook.core.Secret;
import dev.runbook.core.notify.Notification;
import dev.runbook.core.notify.Notifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * A generic JSON webhook: {@code {"headline", "text", "fields": {...}, "link"}} POSTed to a URL, with
 * optional secret headers (an {@code Authorization} token) that are never shown.
 */
final class WebhookNotifier implements Notifier {
    private final URI url;
    private final Map<String, Secret> headers;
    private final HttpDelivery delivery;

    WebhookNotifier(URI url, Map<String, Secret> headers, HttpDelivery delivery) {
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.delivery = delivery;
    }

    @Override
    public String name() {
        return "webhook " + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath();
    }

    @Override
    public void send(Notification n) {
        HttpRequest.Builder b = delivery.json(url).POST(HttpRequest.BodyPublishers.ofString(Json.write(payload(n))));
        headers.forEach((k, v) -> b.header(k, v.reveal()));
        delivery.send(b.build(), "POST " + url.getPath());
    }

    static ObjectNode payload(Notification n) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("headline", n.headline());
        root.put("text", n.text());
        ObjectNode fields = root.putObject("fields");
        n.fields().forEach(fields::put);
        root.put("link", n.link());
        return root;
    }

    @Override
    public String toString() {
        return "WebhookNotifier[" + name() + "]";
    }
}
