package dev.runbook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Approval;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.ApprovalRequest;
import dev.runbook.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The approval gate of a non-interactive apply: {@code --approve-as NAME --reason TEXT}, or an approval
 * file bound to the plan's fingerprint, approves the destructive steps and confirms the manual steps of
 * that plan only; without either, every request is denied and the run stops at the first one.
 *
 * <pre>
 * {"planFingerprint": "5f0c...", "approver": "alice", "reason": "INC-2211, reviewed in #wms-oncall"}
 * </pre>
 */
final class CliApprovals {
    private CliApprovals() {}

    /**
     * The gate for an apply of the plan with {@code fingerprint}.
     *
     * @throws CliException bad usage for a name without a reason, an unreadable approval file; refused for
     *     an approval file of another plan
     */
    static ApprovalGate gate(String approveAs, String reason, Path approvalFile, String fingerprint) {
        if (approveAs != null && approvalFile != null) {
            throw new CliException(ExitCode.BAD_USAGE, "give --approve-as or --approval, not both");
        }
        if (approveAs != null) {
            if (approveAs.isBlank() || reason == null || reason.isBlank()) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        "--approve-as needs a name and --reason TEXT (why; it goes into the audit)");
            }
            return bound(approveAs.trim(), reason.trim(), fingerprint);
        }
        if (reason != null) {
            throw new CliException(ExitCode.BAD_USAGE, "--reason goes with --approve-as NAME");
        }
        if (approvalFile != null) {
            if (!Files.isRegularFile(approvalFile)) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        "no approval file " + approvalFile + "; write one as {\"planFingerprint\": the plan's full"
                                + " .plan.fingerprint, \"approver\": NAME, \"reason\": TEXT}, or apply with"
                                + " --approve-as NAME --reason TEXT");
            }
            JsonNode n;
            try {
                n = Json.mapper().readTree(Files.readString(approvalFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.BAD_USAGE, "cannot read approval file " + approvalFile + ": " + e.getMessage(), e);
            }
            String fp = n.path("planFingerprint").asText("");
            String who = n.path("approver").asText("");
            String why = n.path("reason").asText("");
            if (who.isBlank() || why.isBlank() || fp.isBlank()) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        "approval file " + approvalFile + " needs planFingerprint, approver and reason");
            }
            if (fp.length() < fingerprint.length() && fingerprint.startsWith(fp)) {
                throw new CliException(
                        ExitCode.BAD_USAGE,
                        "approval file " + approvalFile + " gives the plan's fingerprint cut short (" + fp.length()
                                + " of its " + fingerprint.length() + " hex digits); an approval names the whole"
                                + " fingerprint: jq -r .plan.fingerprint PLAN.json; nothing was applied");
            }
            if (!fp.equals(fingerprint)) {
                throw new CliException(
                        ExitCode.REFUSED,
                        "approval file " + approvalFile + " approves plan " + abbrev(fp) + ", not this plan "
                                + abbrev(fingerprint) + "; nothing was applied");
            }
            return bound(who, why + " (approval file " + approvalFile.getFileName() + ")", fingerprint);
        }
        return req -> Approval.denied(
                "runbook-cli",
                "no approval given: apply again with --approve-as NAME" + " --reason TEXT, or --approval FILE");
    }

    /** Approves requests of the plan with {@code fingerprint} only. */
    private static ApprovalGate bound(String approver, String reason, String fingerprint) {
        return new ApprovalGate() {
            @Override
            public Approval decide(ApprovalRequest req) {
                if (req.planFingerprint() != null && !req.planFingerprint().equals(fingerprint)) {
                    return Approval.denied(
                            approver,
                            "the approval is for plan " + abbrev(fingerprint) + ", not "
                                    + abbrev(req.planFingerprint()));
                }
                return Approval.granted(approver, reason);
            }

            @Override
            public String toString() {
                return "approved by " + approver + " for plan " + abbrev(fingerprint);
            }
        };
    }

    static String abbrev(String fp) {
        return fp.length() <= 12 ? fp : fp.substring(0, 12);
    }
}
