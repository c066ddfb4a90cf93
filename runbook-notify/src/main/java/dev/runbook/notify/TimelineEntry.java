package dev.runbook.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of an incident's timeline, as {@link PostMortem} reads it from the audit.
 *
 * <pre>{@code
 * for (TimelineEntry e : postMortem.timeline()) System.out.println(e.time() + " " + e.event());
 * }</pre>
 *
 * @param time when (UTC)
 * @param kind {@code alert}, {@code run}, {@code step}, {@code approval}, {@code notification}, {@code
 *     status-page}, {@code escalation} or {@code refusal}
 * @param runId the run, or null for the alert
 * @param stepId the step, or null
 * @param actor who ran it, approved it or confirmed it
 * @param event one sentence
 * @param outcome the step's outcome or the run's status, or null
 */
public record TimelineEntry(
        Instant time, String kind, String runId, String stepId, String actor, String event, String outcome) {
    public TimelineEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(event, "event");
    }
}
