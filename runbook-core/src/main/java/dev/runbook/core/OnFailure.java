package dev.runbook.core;

/**
 * What a run does when a step fails.
 *
 * <pre>{@code
 * Runbook.builder("INC-007", "Poison message").onFailure(OnFailure.ROLLBACK)
 * }</pre>
 */
public enum OnFailure {
    /** Stop; the remaining steps are NOT_ATTEMPTED. The default. */
    STOP,
    /** Go on with the next step. */
    CONTINUE,
    /** Stop, then run the inverses of the steps that changed something, newest first. */
    ROLLBACK
}
