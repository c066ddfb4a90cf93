package dev.runbook.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import dev.runbook.core.Secret;
import dev.runbook.core.notify.Notification;
import dev.runbook.core.notify.Notifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * A Microsoft Teams webhook (a Workflows "post to a channel when a webhook request is received" URL, or
 * an incoming webhook connector): the notification as an Adaptive Card 1.4 in a {@code message}
 * envelope, with the fields as a FactSet and the link as an OpenUrl action. The URL is a secret.
 */
final class TeamsNotifier implements Notifier {
    private final Secret webhook;
    private final String channel;
    private final HttpDelivery delivery;

    TeamsNotifier(Secret webhook, String channel, HttpDelivery delivery) {
        this.webhook = webhook;
        this.channel = channel;
        this.delivery = delivery;
    }

    @Override
    public String name() {
        return "teams " + channel;
    }

    @Override
    public void send(Notification n) {
        HttpRequest req = delivery.json(URI.create(webhook.reveal()))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(payload(n))))
                .build();
        delivery.send(req, "POST to the Teams webhook");
    }

    static ObjectNode payload(Notification n) {
        ObjectNode root = Json.mapper().createObjectNode().put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject()
                .put("type", "TextBlock")
                .put("text", n.headline())
                .put("weight", "Bolder")
                .put("size", "Medium")
                .put("wrap", true);
        if (!n.text().isBlank()) {
            body.addObject().put("type", "TextBlock").put("text", n.text()).put("wrap", true);
        }
        if (!n.fields().isEmpty()) {
            ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
            for (Map.Entry<String, String> e : n.fields().entrySet()) {
                facts.addObject().put("title", e.getKey()).put("value", e.getValue());
            }
        }
        if (n.link() != null) {
            card.putArray("actions")
                    .addObject()
                    .put("type", "Action.OpenUrl")
                    .put("title", "Open")
                    .put("url", n.link());
        }
        return root;
    }

    @Override
    public String toString() {
        return "TeamsNotifier[" + channel + "]";
    }
}
