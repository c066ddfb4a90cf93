package dev.runbook.core;

/**
 * A gate's decision, with who made it and why; both go into the audit.
 *
 * <pre>{@code
 * return Approval.granted("alice", "INC-2211 flush approved in #wms-oncall");
 * }</pre>
 *
 * @param approved whether the step may go ahead
 * @param approver who decided
 * @param reason why
 */
public record Approval(boolean approved, String approver, String reason) {
    public Approval {
        if (approver == null || approver.isBlank()) {
            throw new IllegalArgumentException("an approval must name who decided");
        }
        reason = reason == null ? "" : reason;
    }

    public static Approval granted(String approver, String reason) {
        return new Approval(true, approver, reason);
    }

    public static Approval denied(String approver, String reason) {
        return new Approval(false, approver, reason);
    }

    /** The decision as a sentence. */
    @Override
    public String toString() {
        return (approved ? "approved by " : "denied by ") + approver + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
