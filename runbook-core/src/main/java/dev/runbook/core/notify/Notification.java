package dev.runbook.core.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message for people: a headline, the text, labelled fields (incident, severity, run, step,
 * outcome, impact, next update, incident commander) and a link. A {@link Notifier} lays it out for its
 * service (Slack Block Kit, a Teams card, plain JSON). It never holds a secret.
 *
 * <pre>{@code
 * Notification n = Notification.of("INCIDENT: [SEV-2] WMS Redis OOM", "Status: Investigating")
 *     .field("Incident", "INC-004").field("Severity", "SEV-2").link("https://grafana/d/redis");
 * }</pre>
 *
 * @param headline one line, such as {@code INCIDENT: [SEV-2] WMS - Redis OOM}
 * @param text the body, several lines allowed
 * @param fields labelled values, in order
 * @param link a dashboard, ticket or run link, or null
 */
public record Notification(String headline, String text, Map<String, String> fields, String link) {
    public Notification {
        if (headline == null || headline.isBlank()) {
            throw new IllegalArgumentException(
                    "a notification needs a headline, such as 'INCIDENT: [SEV-2] Redis OOM'");
        }
        text = text == null ? "" : text;
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields == null ? Map.of() : fields));
        fields.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException(
                        "notification '" + headline + "' has a field without a name or value");
            }
        });
    }

    /** A notification with a headline and text, no fields, no link. */
    public static Notification of(String headline, String text) {
        return new Notification(headline, text, Map.of(), null);
    }

    /** This notification with one more field (replacing a field of the same name). */
    public Notification field(String name, String value) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.put(name, value);
        return new Notification(headline, text, f, link);
    }

    /** This notification with a link. */
    public Notification link(String url) {
        return new Notification(headline, text, fields, url);
    }

    @Override
    public String toString() {
        return headline + (fields.isEmpty() ? "" : " " + fields);
    }
}
