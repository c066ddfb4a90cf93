package dev.runbook.core.notify;

import java.util.Map;
import java.util.Objects;

/**
 * One event for a {@link Pager}: trigger, acknowledge or resolve the page of {@code responder} for an
 * incident. Its {@code dedupKey} is the incident id, so that a repeated trigger does not page twice.
 *
 * <pre>{@code
 * pager.send(Page.trigger("INC-004", "tech-lead", 3, "Redis OOM not recovered after 30 min", Severity.SEV2));
 * }</pre>
 *
 * @param action trigger, acknowledge or resolve
 * @param dedupKey the incident id: repeats with the same key do not page again
 * @param responder who is paged: a level of the escalation matrix, such as {@code tech-lead}
 * @param level the escalation level (1 for the on-call)
 * @param summary one line for the person paged
 * @param severity the incident's severity label, such as {@code SEV-2}
 * @param details extra labelled values (run id, runbook, elapsed time)
 */
public record Page(
        Action action,
        String dedupKey,
        String responder,
        int level,
        String summary,
        String severity,
        Map<String, String> details) {

    /** What a page event does. */
    public enum Action {
        TRIGGER,
        ACKNOWLEDGE,
        RESOLVE
    }

    public Page {
        Objects.requireNonNull(action, "action");
        if (dedupKey == null || dedupKey.isBlank()) {
            throw new IllegalArgumentException("a page needs a dedup key (the incident id, such as INC-004)");
        }
        if (responder == null || responder.isBlank()) {
            throw new IllegalArgumentException("a page needs a responder, such as 'on-call' or 'tech-lead'");
        }
        summary = summary == null ? "" : summary;
        details = Map.copyOf(details == null ? Map.of() : details);
    }

    /** A trigger for {@code responder} at {@code level}. */
    public static Page trigger(String incidentId, String responder, int level, String summary, String severity) {
        return new Page(Action.TRIGGER, incidentId, responder, level, summary, severity, Map.of());
    }
}
