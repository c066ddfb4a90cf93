package dev.runbook.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One decision sent back for an approval request: {@code {"planFingerprint", "approver", "approved",
 * "reason"}}. Parsing refuses anything else with a sentence saying what is missing.
 *
 * @param planFingerprint the fingerprint of the plan the approver reviewed
 * @param approver who decided
 * @param approved yes or no
 * @param reason why
 */
record ApprovalReply(String planFingerprint, String approver, boolean approved, String reason) {

    /**
     * The replies in {@code body}: one object, or an array of them.
     *
     * @throws IllegalArgumentException saying why the body is not a decision
     */
    static List<ApprovalReply> parse(String body) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body == null ? "" : body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the reply is not JSON (" + HttpDelivery.snippet(body) + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("the reply is empty");
        }
        List<ApprovalReply> out = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(n -> out.add(one(n)));
        } else {
            out.add(one(root));
        }
        return out;
    }

    private static ApprovalReply one(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(
                    "a decision is a JSON object, was " + HttpDelivery.snippet(n.toString()));
        }
        String fp = text(n, "planFingerprint");
        String approver = text(n, "approver");
        JsonNode approved = n.get("approved");
        List<String> missing = new ArrayList<>();
        if (fp == null) {
            missing.add("planFingerprint");
        }
        if (approver == null) {
            missing.add("approver");
        }
        if (approved == null || !approved.isBoolean()) {
            missing.add("approved (true or false)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "the decision lacks " + String.join(", ", missing) + ": send"
                            + " {\"planFingerprint\": \"...\", \"approver\": \"bob\", \"approved\": true, \"reason\": \"...\"}");
        }
        String reason = text(n, "reason");
        return new ApprovalReply(fp, approver, approved.booleanValue(), reason == null ? "" : reason);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank()
                ? null
                : v.asText().trim();
    }
}
