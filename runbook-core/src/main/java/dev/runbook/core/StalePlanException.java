package dev.runbook.core;

/**
 * Apply refused because the world moved since the plan observed it. Plan again and review the new plan.
 *
 * <pre>{@code
 * throw new StalePlanException("group 'orders' committed offsets changed since the plan; plan again");
 * }</pre>
 */
public class StalePlanException extends RunbookException {
    private static final long serialVersionUID = 1L;

    public StalePlanException(String message) {
        super(message);
    }
}
