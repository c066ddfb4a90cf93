package dev.runbook.core;

/**
 * A guard refused the plan or the apply: a blast-radius budget, a protected name, an environment rule
 * or a change freeze. The message names the guard and how to raise it.
 *
 * <pre>{@code
 * Guards.builder().budget("keys", 2_000_000).build(); // raise the budget that refused
 * }</pre>
 */
public class GuardViolationException extends RunbookException {
    private static final long serialVersionUID = 1L;

    public GuardViolationException(String message) {
        super(message);
    }
}
