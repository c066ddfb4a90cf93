package dev.runbook.core;

/**
 * What happened to a step or an item when a plan was applied.
 *
 * <pre>{@code
 * if (report.step("flush").outcome() == Outcome.CHANGED) { ... }
 * }</pre>
 */
public enum Outcome {
    /** The target was changed as planned. */
    CHANGED,
    /** Nothing needed doing; the target already was in the intended state. */
    UNCHANGED,
    /** Deliberately not done (a guard, a filter, a protected item, an earlier failure with CONTINUE). */
    SKIPPED,
    /** Tried and failed; the error says why. */
    FAILED,
    /** Tried, but whether it took effect is not known (a timeout after the request was sent). */
    UNKNOWN,
    /** Never tried, because the run stopped before reaching it. */
    NOT_ATTEMPTED;

    /** Whether the outcome counts as success for the run. */
    public boolean isSuccess() {
        return this == CHANGED || this == UNCHANGED || this == SKIPPED;
    }
}
