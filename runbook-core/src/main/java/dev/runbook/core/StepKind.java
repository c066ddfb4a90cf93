package dev.runbook.core;

/**
 * The kinds of step a runbook has.
 *
 * <pre>{@code
 * plan.steps().stream().filter(s -> s.kind() == StepKind.ACTION)
 * }</pre>
 */
public enum StepKind {
    /** A probe and a condition that must hold before anything changes; checked at plan and apply. */
    PRECHECK,
    /** An action: plan, apply, verify. */
    ACTION,
    /** Poll a probe until a condition holds or a timeout passes. */
    WAIT,
    /** A probe and a condition that must hold after the actions. */
    VERIFY,
    /** Something a person does; the run waits for their confirmation, which is audited. */
    MANUAL
}
