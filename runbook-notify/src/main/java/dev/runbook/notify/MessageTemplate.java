package dev.runbook.notify;

import dev.runbook.core.notify.Notification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message with {@code {placeholders}}, filled from an {@link Incident} and values: the seeds'
 * "investigating", "update" and "resolved" templates are built in, and any text can replace them. The
 * first line becomes the headline. {@code {name|default}} gives a default; a placeholder with neither a
 * value nor a default is refused, naming it.
 *
 * <p>From the incident: {@code id}, {@code title}, {@code severity} ({@code SEV-2}), {@code commander},
 * {@code channel}, {@code ticket}, {@code alertAt}, and {@code nextUpdate} (the seeds' update frequency:
 * 15 minutes for SEV-1, 1 hour for SEV-2, 4 hours for SEV-3 and SEV-4) unless given.
 *
 * <pre>{@code
 * Notification n = MessageTemplate.investigating().render(inc, Map.of("impact", "stock counts stale"));
 * Notification mine = MessageTemplate.of("[{severity}] {title}\n{what}").render(inc, Map.of("what", "..."));
 * }</pre>
 */
public final class MessageTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9]*)(?:\\|([^}]*))?}");

    private final String name;
    private final String text;

    private MessageTemplate(String name, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("template '" + name + "' is empty; its first line is the headline");
        }
        this.name = name;
        this.text = text;
    }

    /**
     * A template of your own; its first line is the headline.
     *
     * @throws IllegalArgumentException if it is empty
     */
    public static MessageTemplate of(String text) {
        return new MessageTemplate("custom", text);
    }

    /** The seeds' first message (seed 004, "Communication Template"). */
    public static MessageTemplate investigating() {
        return new MessageTemplate(
                "investigating",
                """
                INCIDENT: [{severity}] {title}
                Impact:
                - User-facing: {impact}
                - Affected systems: {systems|being assessed}
                Status: Investigating
                ETA for update: {nextUpdate}
                Incident Commander: {commander}
                Incident Channel: {channel|-}
                Incident Ticket: {ticket|-}""");
    }

    /** The seeds' status update (seed 004, "Status Update Template"). */
    public static MessageTemplate update() {
        return new MessageTemplate(
                "update",
                """
                INCIDENT UPDATE - [{severity}] {title}
                Current Status: {status}
                What we know:
                - {known}
                Actions taken:
                - {actions}
                Next steps:
                - {next|continue mitigation}
                ETA for next update: {nextUpdate}
                Incident Commander: {commander}""");
    }

    /** The seeds' resolution message (seed 004, "Resolution Communication"; seed 000: "Resolved, monitoring 30 min"). */
    public static MessageTemplate resolved() {
        return new MessageTemplate(
                "resolved",
                """
                INCIDENT RESOLVED - [{severity}] {title}
                Summary: {summary}
                Duration: {duration|see the post-mortem}
                Resolution: {resolution}
                Next steps: {next|monitoring for 30 min; post-mortem within 48h}
                Incident Commander: {commander}""");
    }

    /**
     * The notification: placeholders filled, the first line as the headline, the incident's id,
     * severity, status and commander as fields, its link as the link.
     *
     * @throws IllegalArgumentException naming each placeholder that has neither a value nor a default
     */
    public Notification render(Incident incident, Map<String, String> values) {
        Objects.requireNonNull(incident, "incident");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("id", incident.id());
        all.put("title", incident.title());
        all.put("severity", incident.severity().label());
        all.put("alertAt", incident.alertAt().toString());
        all.put("nextUpdate", nextUpdate(incident));
        putIfSet(all, "commander", incident.commander());
        putIfSet(all, "channel", incident.channel());
        putIfSet(all, "ticket", incident.ticket());
        values.forEach((k, v) -> putIfSet(all, k, v));
        List<String> missing = new ArrayList<>();
        String filled = fill(text, all, missing);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("template '" + name + "' needs " + missing
                    + ": pass them in the values (Map.of(\"" + missing.get(0) + "\", \"...\")) or set them on the"
                    + " incident (commander, channel, ticket)");
        }
        int nl = filled.indexOf('\n');
        String headline = nl < 0 ? filled : filled.substring(0, nl);
        String body = nl < 0 ? "" : filled.substring(nl + 1);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Incident", incident.id());
        fields.put("Severity", incident.severity().label());
        if (all.containsKey("status")) {
            fields.put("Status", all.get("status"));
        }
        if (incident.commander() != null) {
            fields.put("Incident commander", incident.commander());
        }
        return new Notification(headline, body, fields, incident.link());
    }

    private static String fill(String template, Map<String, String> values, List<String> missing) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null && m.group(2) != null) {
                v = fill(m.group(2), values, missing);
            }
            if (v == null) {
                if (!missing.contains(m.group(1))) {
                    missing.add(m.group(1));
                }
                v = m.group();
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static void putIfSet(Map<String, String> m, String k, String v) {
        if (v != null && !v.isBlank()) {
            m.put(k, v);
        }
    }

    /** The seeds' update frequency by severity. */
    static String nextUpdate(Incident incident) {
        return switch (incident.severity()) {
            case SEV1 -> "15 minutes";
            case SEV2 -> "1 hour";
            default -> "4 hours";
        };
    }

    @Override
    public String toString() {
        return "MessageTemplate[" + name + "]";
    }
}
