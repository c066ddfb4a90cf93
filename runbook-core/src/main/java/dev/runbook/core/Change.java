package dev.runbook.core;

/**
 * Whether a planned step will change its target.
 *
 * <pre>{@code
 * if (stepPlan.change() == Change.NONE) System.out.println(stepPlan.summary()); // "unchanged: ..."
 * }</pre>
 */
public enum Change {
    /** The step will change the target; the plan says how and how much. */
    CHANGE,
    /** The target is already in the intended state; the summary says why. */
    NONE
}
