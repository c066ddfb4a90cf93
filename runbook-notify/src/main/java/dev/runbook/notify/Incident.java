package dev.runbook.notify;

import dev.runbook.core.Severity;
import java.time.Instant;
import java.util.Objects;

/**
 * The incident the messages, pages and post-mortem are about: id, title, severity, when the alert fired,
 * and who leads it. Templates fill their placeholders from it.
 *
 * <pre>{@code
 * Incident inc = Incident.of("INC-004", "WMS Redis OOM", Severity.SEV2, Instant.parse("2026-11-21T03:00:00Z"))
 *     .commander("alice").channel("#prod-alerts").ticket("JIRA-123");
 * }</pre>
 *
 * @param id the incident id, such as {@code INC-004}; the pager's dedup key
 * @param title what is wrong
 * @param severity how bad
 * @param alertAt when the alert fired: escalation counts from here
 * @param commander the incident commander, or null
 * @param channel the incident channel, or null
 * @param ticket the incident ticket, or null
 * @param link a dashboard or ticket link, or null
 */
public record Incident(
        String id,
        String title,
        Severity severity,
        Instant alertAt,
        String commander,
        String channel,
        String ticket,
        String link) {

    public Incident {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an incident needs an id, such as INC-004");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("incident " + id + " needs a title, such as 'WMS Redis OOM'");
        }
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(alertAt, "alertAt: when the alert fired");
    }

    /** An incident with no commander, channel, ticket or link yet. */
    public static Incident of(String id, String title, Severity severity, Instant alertAt) {
        return new Incident(id, title, severity, alertAt, null, null, null, null);
    }

    public Incident commander(String name) {
        return new Incident(id, title, severity, alertAt, name, channel, ticket, link);
    }

    public Incident channel(String name) {
        return new Incident(id, title, severity, alertAt, commander, name, ticket, link);
    }

    public Incident ticket(String name) {
        return new Incident(id, title, severity, alertAt, commander, channel, name, link);
    }

    public Incident link(String url) {
        return new Incident(id, title, severity, alertAt, commander, channel, ticket, url);
    }
}
