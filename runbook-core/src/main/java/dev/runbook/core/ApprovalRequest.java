package dev.runbook.core;

/**
 * What a person or bot is asked to approve: a destructive step with its plan, or the confirmation that
 * a manual step was done.
 *
 * <pre>{@code
 * ApprovalGate gate = req -> req.step().action().radius("keys") < 10_000
 *     ? Approval.granted("policy-bot", "small flush") : Approval.denied("policy-bot", "too big");
 * }</pre>
 *
 * @param kind approve a step or confirm a manual one
 * @param runId the run
 * @param runbookId the runbook
 * @param environment the environment
 * @param actor who runs the runbook
 * @param step the planned step
 * @param instructions for manual steps, what the person must have done
 * @param severity the runbook's severity, for policies such as a two-person rule
 * @param planFingerprint the fingerprint of the plan being applied: a decision can be bound to it
 */
public record ApprovalRequest(
        Kind kind,
        String runId,
        String runbookId,
        String environment,
        String actor,
        PlannedStep step,
        String instructions,
        Severity severity,
        String planFingerprint) {

    /** A request without severity or plan fingerprint. */
    public ApprovalRequest(
            Kind kind,
            String runId,
            String runbookId,
            String environment,
            String actor,
            PlannedStep step,
            String instructions) {
        this(kind, runId, runbookId, environment, actor, step, instructions, null, null);
    }

    /** The two things a gate decides. */
    public enum Kind {
        /** Approve a step that changes something. */
        APPROVE_STEP,
        /** Confirm that a manual step was done. */
        CONFIRM_MANUAL
    }

    /** One paragraph for a prompt or a chat message. */
    public String describe() {
        String head = kind == Kind.APPROVE_STEP ? "Approve step " : "Confirm manual step ";
        String body = step.summary();
        if (step.action() != null) {
            body = step.action().target() + ": " + body
                    + (step.action().blastRadius().isEmpty()
                            ? ""
                            : " " + step.action().blastRadius());
        }
        return head + step.stepId() + " of " + runbookId + " (run " + runId + ", env " + environment + ")\n  "
                + (instructions == null ? body : instructions);
    }
}
