package dev.runbook.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * Decides whether a destructive step may run, and confirms manual steps: a console prompt in JShell, a
 * callback for bots (any lambda), a fixed policy in tests.
 *
 * <pre>{@code
 * RunbookEngine.builder().approvals(ApprovalGate.console());                    // JShell
 * RunbookEngine.builder().approvals(req -> slackBot.ask(req.describe()));       // a bot
 * RunbookEngine.builder().approvals(ApprovalGate.approveAll("test", "policy")); // a test
 * }</pre>
 */
@FunctionalInterface
public interface ApprovalGate {

    /** Decides one request. Throwing counts as a denial. */
    Approval decide(ApprovalRequest request);

    /** Approves everything, as {@code approver}; for tests and non-production environments. */
    static ApprovalGate approveAll(String approver, String reason) {
        return req -> Approval.granted(approver, reason);
    }

    /** Denies everything; the default, so that nothing destructive runs without a gate. */
    static ApprovalGate denyAll(String reason) {
        return req -> Approval.denied("no-approval-gate", reason);
    }

    /** Prompts on the system console (JShell): shows the step and asks for "yes" and a name. */
    static ApprovalGate console() {
        return console(new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())), System.out);
    }

    /**
     * Prompts on {@code out} and reads answers from {@code in}. Anything but {@code yes} denies; an
     * approval needs a name.
     */
    static ApprovalGate console(BufferedReader in, PrintStream out) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        return req -> {
            try {
                out.println();
                out.println(req.describe());
                out.print(
                        req.kind() == ApprovalRequest.Kind.APPROVE_STEP
                                ? "Type 'yes' to approve: "
                                : "Type 'yes' once done: ");
                out.flush();
                String answer = in.readLine();
                if (answer == null || !answer.trim().equalsIgnoreCase("yes")) {
                    return Approval.denied(
                            "console", "answer was '" + (answer == null ? "" : answer.trim()) + "', not 'yes'");
                }
                out.print("Your name: ");
                out.flush();
                String name = in.readLine();
                if (name == null || name.isBlank()) {
                    return Approval.denied("console", "no name given");
                }
                out.print("Reason (optional): ");
                out.flush();
                String reason = in.readLine();
                return Approval.granted(name.trim(), reason == null ? "" : reason.trim());
            } catch (java.io.IOException e) {
                return Approval.denied("console", "could not read the answer: " + e.getMessage());
            }
        };
    }
}
