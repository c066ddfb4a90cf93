package dev.runbook.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in a run, as the engine tells its {@link RunListener}s: the run started, an
 * approval is needed, a step finished or failed, the run finished. Fields that do not apply to an event
 * are null (a run event has no step; a start has no outcome).
 *
 * <pre>{@code
 * RunbookEngine.builder().listener(e -> {
 *     if (e.type() == RunEvent.Type.STEP_FAILED) chat.post(e.stepId() + " failed: " + e.message());
 * });
 * }</pre>
 *
 * @param type what happened
 * @param time when, by the engine's clock
 * @param runId the run
 * @param runbookId the runbook
 * @param title the runbook's title
 * @param severity the runbook's severity
 * @param incidentId the incident, if the engine has one
 * @param environment the environment applied to
 * @param actor who runs the runbook
 * @param stepId the step, for step and approval events
 * @param stepKind the step's kind, for step events
 * @param actionType the action's type, for action steps
 * @param outcome the step's outcome, for step ends
 * @param duration how long the step or the run took, for ends
 * @param status how the run ended, for {@link Type#RUN_FINISHED}
 * @param message one sentence: the step's outcome message, the approval request, the run's end
 */
public record RunEvent(
        Type type,
        Instant time,
        String runId,
        String runbookId,
        String title,
        Severity severity,
        String incidentId,
        String environment,
        String actor,
        String stepId,
        StepKind stepKind,
        String actionType,
        Outcome outcome,
        Duration duration,
        RunStatus status,
        String message) {

    /** The events a listener hears, in the order a run produces them. */
    public enum Type {
        /** The run started (or a crashed run was resumed). */
        RUN_STARTED,
        /** A step waits for an approval or a manual confirmation; the message is the request. */
        APPROVAL_NEEDED,
        /** A step ended with a successful outcome (CHANGED, UNCHANGED, SKIPPED). */
        STEP_FINISHED,
        /** A step ended with FAILED, UNKNOWN or NOT_ATTEMPTED. */
        STEP_FAILED,
        /** The run ended; {@link RunEvent#status()} says how. */
        RUN_FINISHED
    }

    public RunEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(runId, "runId");
        message = message == null ? "" : message;
    }
}
