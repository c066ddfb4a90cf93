package dev.runbook.core;

import java.time.Clock;

/**
 * What the engine hands an action: identity of the run and step, time, guards, throttles and progress.
 * Actions take time and rates from here, never from the system, so that tests control them.
 *
 * <pre>{@code
 * StepPlan plan = action.plan(ActionContext.standalone());   // JShell, outside any runbook
 * }</pre>
 */
public interface ActionContext {

    /** The run this step belongs to. */
    String runId();

    /** The step being planned or applied. */
    String stepId();

    /**
     * A key that is the same every time this step of this run is applied, including after a crash and
     * resume: record it in the target to make non-convergent work (restart, replay) idempotent.
     */
    default String idempotencyKey() {
        return runId() + "/" + stepId();
    }

    /** The clock to read; never {@code Instant.now()} inline. */
    Clock clock();

    /** How to wait; tests advance a fake clock instead of sleeping. */
    Sleeper sleeper();

    /** The guards in force, for actions that exclude protected items themselves. */
    Guards guards();

    /**
     * A rate limiter of {@code permitsPerSecond} for {@code name}; acquiring blocks until permitted.
     *
     * @throws IllegalArgumentException if the rate is not positive
     */
    Throttle throttle(String name, double permitsPerSecond);

    /** Reports progress of a long apply (keys deleted, records replayed). Fast; never throws. */
    default void progress(String what, long done, long total) {}

    /** A context for using an action alone, in JShell or a test: system clock, no guards. */
    static ActionContext standalone() {
        return SimpleActionContext.builder().build();
    }

    /** Builds a context with chosen clock, guards and ids. */
    static SimpleActionContext.Builder builder() {
        return SimpleActionContext.builder();
    }
}
