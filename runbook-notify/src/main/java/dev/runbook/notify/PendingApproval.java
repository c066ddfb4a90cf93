package dev.runbook.notify;

import dev.runbook.core.Approval;
import dev.runbook.core.ApprovalRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One approval request waiting for its decisions: counts approvals by distinct approver, refuses
 * decisions for another plan, self-approvals under the two-person rule and malformed replies (each
 * noted for the final reason), and ends at the first denial or once enough people approved.
 */
final class PendingApproval {
    private final ApprovalRequest req;
    private final boolean twoPerson;
    private final Map<String, String> approvals = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private Approval result;

    PendingApproval(ApprovalRequest req, boolean twoPerson) {
        this.req = req;
        this.twoPerson = twoPerson;
    }

    int needed() {
        return twoPerson ? 2 : 1;
    }

    synchronized Approval result() {
        return result;
    }

    synchronized void note(String why) {
        if (!notes.contains(why)) {
            notes.add(why);
        }
    }

    /** Judges a posted body; the answer goes back to whoever posted it. */
    synchronized ApprovalCallbackServer.Answer offer(String body) {
        List<ApprovalReply> replies;
        try {
            replies = ApprovalReply.parse(body);
        } catch (IllegalArgumentException e) {
            note("malformed reply: " + e.getMessage());
            return new ApprovalCallbackServer.Answer(400, e.getMessage());
        }
        ApprovalCallbackServer.Answer last = null;
        for (ApprovalReply r : replies) {
            last = offer(r);
        }
        return last;
    }

    private ApprovalCallbackServer.Answer offer(ApprovalReply r) {
        if (result != null) {
            return new ApprovalCallbackServer.Answer(409, "this request was already decided: " + result);
        }
        if (!r.planFingerprint().equals(req.planFingerprint())) {
            String why = r.approver() + "'s decision is for plan " + HttpApprovalGate.abbrev(r.planFingerprint())
                    + ", not the plan being applied (" + HttpApprovalGate.abbrev(req.planFingerprint())
                    + "): review this plan and decide on it";
            note(why);
            return new ApprovalCallbackServer.Answer(409, why);
        }
        String who = r.approver().toLowerCase(Locale.ROOT);
        if (!r.approved()) {
            result = Approval.denied(r.approver(), r.reason());
            return new ApprovalCallbackServer.Answer(200, "denied by " + r.approver());
        }
        if (twoPerson && req.actor() != null && who.equals(req.actor().toLowerCase(Locale.ROOT))) {
            String why = r.approver() + " runs this runbook and cannot approve it: the two-person rule needs two"
                    + " other people";
            note(why);
            return new ApprovalCallbackServer.Answer(403, why);
        }
        if (approvals.containsKey(who)) {
            String why = r.approver() + " already approved; the two-person rule needs a second, different approver";
            note(why);
            return new ApprovalCallbackServer.Answer(409, why);
        }
        approvals.put(who, r.approver() + (r.reason().isEmpty() ? "" : ": " + r.reason()));
        if (approvals.size() >= needed()) {
            List<String> names = new ArrayList<>();
            approvals.values().forEach(v -> names.add(v.split(":", 2)[0]));
            result = Approval.granted(String.join(" and ", names), String.join("; ", approvals.values()));
            return new ApprovalCallbackServer.Answer(200, "approved by " + result.approver());
        }
        return new ApprovalCallbackServer.Answer(
                202, approvals.size() + " of " + needed() + " approvals; waiting for another person");
    }

    /** The denial at the timeout, with what was received. */
    synchronized Approval timedOut(Duration timeout) {
        String got = approvals.isEmpty()
                ? "no decision"
                : approvals.size() + " of " + needed() + " approvals (" + String.join(", ", approvals.values()) + ")";
        result = Approval.denied(
                "http-approval", got + " within " + timeout + "; denied" + HttpApprovalGate.refusals(notes));
        return result;
    }
}
