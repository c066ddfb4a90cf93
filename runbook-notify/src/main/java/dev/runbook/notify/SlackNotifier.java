package dev.runbook.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import dev.runbook.core.Secret;
import dev.runbook.core.notify.Notification;
import dev.runbook.core.notify.Notifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: the notification as Block Kit (a header, the text, the fields two by two, a
 * button to the link) with the headline as the fallback {@code text}. The webhook URL is a secret: it is
 * never shown, only the channel label given.
 */
final class SlackNotifier implements Notifier {
    static final int MAX_HEADER = 150;
    static final int MAX_TEXT = 3000;
    static final int MAX_FIELDS = 10;

    private final Secret webhook;
    private final String channel;
    private final HttpDelivery delivery;

    SlackNotifier(Secret webhook, String channel, HttpDelivery delivery) {
        this.webhook = webhook;
        this.channel = channel;
        this.delivery = delivery;
    }

    @Override
    public String name() {
        return "slack " + channel;
    }

    @Override
    public void send(Notification n) {
        HttpRequest req = delivery.json(URI.create(webhook.reveal()))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(payload(n))))
                .build();
        delivery.send(req, "POST to the incoming webhook");
    }

    /** The Block Kit message. */
    static ObjectNode payload(Notification n) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("text", n.headline());
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(n.headline(), MAX_HEADER));
        if (!n.text().isBlank()) {
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", cut(n.text(), MAX_TEXT));
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>(n.fields().entrySet());
        for (int i = 0; i < fields.size(); i += MAX_FIELDS) {
            ArrayNode f = blocks.addObject().put("type", "section").putArray("fields");
            for (Map.Entry<String, String> e : fields.subList(i, Math.min(fields.size(), i + MAX_FIELDS))) {
                f.addObject().put("type", "mrkdwn").put("text", cut("*" + e.getKey() + "*\n" + e.getValue(), 2000));
            }
        }
        if (n.link() != null) {
            ObjectNode button = blocks.addObject()
                    .put("type", "actions")
                    .putArray("elements")
                    .addObject();
            button.put("type", "button").put("url", n.link());
            button.putObject("text").put("type", "plain_text").put("text", "Open");
        }
        return root;
    }

    /** Slack refuses longer texts: cut, and say so in the text. */
    static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 14) + " ...(cut here)";
    }

    @Override
    public String toString() {
        return "SlackNotifier[" + channel + "]";
    }
}
