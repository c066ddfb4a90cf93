package dev.runbook.notify;

import dev.runbook.core.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where an incident stands on the escalation matrix: the time since the alert, who is due now, who is
 * next and when. The probe {@link NotifyActions#escalation} reads it.
 *
 * <pre>{@code
 * NotifyActions.escalation(inc, EscalationMatrix.seeds(), Clock.systemUTC()).read();
 * // SEV-2 INC-004, 34m since the alert: tech-lead (level 3) is due; next: cto at 1h
 * }</pre>
 *
 * @param incidentId the incident
 * @param severity its severity
 * @param alertAt when the alert fired
 * @param elapsed the time since
 * @param due the levels due now, lowest first
 * @param next the next level, or null
 */
public record Escalation(
        String incidentId,
        Severity severity,
        Instant alertAt,
        Duration elapsed,
        List<EscalationMatrix.Level> due,
        EscalationMatrix.Level next) {

    public Escalation {
        due = List.copyOf(due);
    }

    /** Reads the matrix for {@code incident} at {@code now}. */
    public static Escalation of(Incident incident, EscalationMatrix matrix, Instant now) {
        Duration elapsed = Duration.between(incident.alertAt(), now);
        if (elapsed.isNegative()) {
            elapsed = Duration.ZERO;
        }
        return new Escalation(
                incident.id(),
                incident.severity(),
                incident.alertAt(),
                elapsed,
                matrix.due(incident.severity(), elapsed),
                matrix.next(incident.severity(), elapsed).orElse(null));
    }

    /** The highest level due now, or 0 when nobody is. */
    public int level() {
        return due.isEmpty() ? 0 : due.get(due.size() - 1).level();
    }

    @Override
    public String toString() {
        String now = due.isEmpty()
                ? "nobody is paged"
                : due.get(due.size() - 1).responder() + " (level " + level() + ") is due";
        return severity.label() + " " + incidentId + ", " + human(elapsed) + " since the alert: " + now
                + (next == null ? "; no further level" : "; next: " + next.responder() + " at " + human(next.after()));
    }

    static String human(Duration d) {
        long m = d.toMinutes();
        if (m >= 60) {
            return (m / 60) + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
        }
        return m + "m";
    }
}
