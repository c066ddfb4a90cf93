package dev.runbook.core;

/**
 * Hears a run's events ({@link RunEvent}): to notify a chat, page someone, count metrics. The engine
 * calls listeners one after another on the run's thread, so they should be quick. A listener that throws
 * never fails a step or the run: the engine records the failure in the audit ({@code LISTENER_FAILED})
 * and in the report's {@link Report#warnings()}, and goes on.
 *
 * <pre>{@code
 * RunbookEngine engine = RunbookEngine.builder()
 *     .listener(e -> log.info("{} {} {}", e.type(), e.stepId(), e.outcome()))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface RunListener {

    /** Handles one event. Throwing is recorded as a warning of the run, never as a step failure. */
    void onEvent(RunEvent event);

    /** How the audit and the report name this listener when it fails. */
    default String name() {
        return getClass().getSimpleName().isEmpty() ? "listener" : getClass().getSimpleName();
    }
}
