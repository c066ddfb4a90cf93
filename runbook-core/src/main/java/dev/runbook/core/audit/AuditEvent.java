package dev.runbook.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import java.time.Instant;
import java.util.Objects;

/**
 * One audit record. Every {@code *_STARTED} event is paired, by {@link #spanId()}, with exactly one
 * {@code *_FINISHED} or {@code *_FAILED} event.
 *
 * <pre>{@code
 * sink.write(AuditEvent.of(Type.STEP_STARTED, clock.instant(), span, runId, "INC-004", ...));
 * }</pre>
 *
 * @param eventId unique id of this record
 * @param time when it happened
 * @param type what happened
 * @param spanId pairs a start with its end
 * @param runId the run
 * @param runbookId the runbook
 * @param incidentId the incident, if given
 * @param actor who ran it
 * @param stepId the step, for step events
 * @param outcome the outcome, for end events
 * @param message one sentence
 * @param data details (plans, approvals, counts); never secrets
 */
public record AuditEvent(
        String eventId,
        Instant time,
        Type type,
        String spanId,
        String runId,
        String runbookId,
        String incidentId,
        String actor,
        String stepId,
        Outcome outcome,
        String message,
        JsonNode data) {

    /** What an audit record records. */
    public enum Type {
        RUN_STARTED(true),
        RUN_FINISHED(false),
        RUN_FAILED(false),
        STEP_STARTED(true),
        STEP_FINISHED(false),
        STEP_FAILED(false),
        APPROVAL_GRANTED(false),
        APPROVAL_DENIED(false),
        MANUAL_CONFIRMED(false),
        GUARD_OVERRIDDEN(false),
        /** An apply or resume refused before anything was written (stale plan, changed runbook, refusals). */
        APPLY_REFUSED(false),
        /** A run listener (a notifier, metrics) threw; the run went on. */
        LISTENER_FAILED(false);

        private final boolean start;

        Type(boolean start) {
            this.start = start;
        }

        /** Whether this type opens a span that an end event must close. */
        public boolean isStart() {
            return start;
        }

        /** Whether this type closes a span. */
        public boolean isEnd() {
            return this == RUN_FINISHED || this == RUN_FAILED || this == STEP_FINISHED || this == STEP_FAILED;
        }
    }

    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(runId, "runId");
        message = message == null ? "" : message;
        data = data == null ? Json.tree(null) : data;
    }

    /** The event as one line of JSON. */
    public String toJson() {
        return Json.write(this);
    }
}
