package dev.runbook.core;

/**
 * A destructive step needed approval and did not get it. The run stopped before the step.
 *
 * <pre>{@code
 * RunbookEngine.builder().approvals(ApprovalGate.console()).build();
 * }</pre>
 */
public class ApprovalDeniedException extends RunbookException {
    private static final long serialVersionUID = 1L;

    public ApprovalDeniedException(String message) {
        super(message);
    }
}
