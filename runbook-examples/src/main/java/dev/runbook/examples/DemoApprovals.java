package dev.runbook.examples;

import dev.runbook.core.Approval;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.ApprovalRequest;
import java.io.PrintStream;

/**
 * The demo's approval gates: a non-interactive policy that approves and says so, or the console prompt.
 * Either way each decision is printed and goes into the audit.
 *
 * <pre>{@code
 * ApprovalGate gate = DemoApprovals.policy(System.out);
 * }</pre>
 */
public final class DemoApprovals {
    /** The approver the non-interactive policy records. */
    public static final String APPROVER = "demo-policy";

    private DemoApprovals() {}

    /** Approves every step and confirms every manual step, printing each decision. */
    public static ApprovalGate policy(PrintStream out) {
        return printing(
                req -> Approval.granted(
                        APPROVER,
                        req.kind() == ApprovalRequest.Kind.APPROVE_STEP
                                ? "non-interactive demo; run ./demo --interactive to approve it yourself"
                                : "non-interactive demo: pretend the team was told"),
                out);
    }

    /** Prints each decision of {@code gate}. */
    public static ApprovalGate printing(ApprovalGate gate, PrintStream out) {
        return req -> {
            Approval a = gate.decide(req);
            out.println("  " + (req.kind() == ApprovalRequest.Kind.APPROVE_STEP ? "approval" : "confirmation") + " for "
                    + req.step().stepId() + ": " + a);
            return a;
        };
    }
}
