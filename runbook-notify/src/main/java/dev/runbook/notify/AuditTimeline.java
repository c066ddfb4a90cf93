package dev.runbook.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns verified audit records into timeline rows: a run's start and end, each step (its plan summary,
 * outcome and how long it took, one row at its start), approvals with who and why, manual confirmations,
 * refused applies, failed notifiers. Steps of notify, status page and pager actions get their own kinds.
 */
final class AuditTimeline {
    private final List<TimelineEntry> rows = new ArrayList<>();
    private final Map<String, JsonNode> openSteps = new HashMap<>();
    private final Map<String, Integer> stepRow = new HashMap<>();

    static List<TimelineEntry> of(List<JsonNode> events) {
        AuditTimeline t = new AuditTimeline();
        events.forEach(t::add);
        t.openSteps.values().forEach(t::interrupted);
        return t.rows;
    }

    private void add(JsonNode e) {
        String type = e.path("type").asText();
        Instant time = Instant.parse(e.path("time").asText());
        String runId = text(e, "runId");
        String step = text(e, "stepId");
        String actor = text(e, "actor");
        JsonNode data = e.path("data");
        switch (type) {
            case "RUN_STARTED" ->
                rows.add(new TimelineEntry(
                        time,
                        "run",
                        runId,
                        null,
                        actor,
                        "Run " + runId + " of " + text(e, "runbookId") + " started by " + actor + " in "
                                + data.path("environment").asText("?") + " ("
                                + e.path("message").asText() + ")",
                        null));
            case "RUN_FINISHED", "RUN_FAILED" ->
                rows.add(new TimelineEntry(
                        time,
                        "run",
                        runId,
                        null,
                        actor,
                        "Run " + runId + " ended " + data.path("status").asText(text(e, "outcome")) + suffix(e),
                        data.path("status").asText(text(e, "outcome"))));
            case "STEP_STARTED" -> {
                openSteps.put(e.path("spanId").asText(), e);
                stepRow.put(e.path("spanId").asText(), rows.size());
                rows.add(null);
            }
            case "STEP_FINISHED", "STEP_FAILED" -> finish(e, time);
            case "APPROVAL_GRANTED", "APPROVAL_DENIED" ->
                rows.add(new TimelineEntry(
                        time,
                        "approval",
                        runId,
                        step,
                        data.path("approver").asText(),
                        "Step " + step + " " + ("APPROVAL_GRANTED".equals(type) ? "approved" : "denied") + " by "
                                + data.path("approver").asText() + reason(data),
                        null));
            case "MANUAL_CONFIRMED" ->
                rows.add(new TimelineEntry(
                        time,
                        "approval",
                        runId,
                        step,
                        data.path("approver").asText(),
                        "Manual step " + step + " confirmed by "
                                + data.path("approver").asText() + reason(data),
                        null));
            case "APPLY_REFUSED" ->
                rows.add(new TimelineEntry(
                        time,
                        "refusal",
                        runId,
                        null,
                        actor,
                        "Apply of plan " + data.path("plan").asText("?") + " refused, nothing written: "
                                + e.path("message").asText(),
                        text(e, "outcome")));
            case "LISTENER_FAILED" ->
                rows.add(new TimelineEntry(
                        time,
                        "notification",
                        runId,
                        step,
                        actor,
                        e.path("message").asText(),
                        "FAILED"));
            case "GUARD_OVERRIDDEN" ->
                rows.add(new TimelineEntry(
                        time,
                        "step",
                        runId,
                        step,
                        actor,
                        "Guard overridden: " + e.path("message").asText(),
                        null));
            default ->
                rows.add(new TimelineEntry(
                        time,
                        "run",
                        runId,
                        step,
                        actor,
                        type + ": " + e.path("message").asText(),
                        null));
        }
    }

    private void finish(JsonNode end, Instant time) {
        String span = end.path("spanId").asText();
        JsonNode start = openSteps.remove(span);
        if (start == null) {
            // an end closed by a resume: its start is in an earlier record
            rows.add(new TimelineEntry(
                    time,
                    "step",
                    text(end, "runId"),
                    text(end, "stepId"),
                    text(end, "actor"),
                    "Step " + text(end, "stepId") + " " + text(end, "outcome") + ": "
                            + end.path("message").asText(),
                    text(end, "outcome")));
            return;
        }
        JsonNode d = start.path("data");
        Instant t0 = Instant.parse(start.path("time").asText());
        String outcome = text(end, "outcome");
        String action = d.path("action").asText("");
        String kind = kind(action);
        StringBuilder sb = new StringBuilder();
        sb.append(label(kind))
                .append(' ')
                .append(text(start, "stepId"))
                .append(" (")
                .append(start.path("message").asText());
        sb.append("): ").append(d.path("summary").asText(""));
        sb.append(" → ").append(outcome);
        String msg = end.path("message").asText("");
        if (!msg.isBlank() && !msg.equals(d.path("summary").asText(""))) {
            sb.append(": ").append(msg);
        }
        long level = end.path("data").path("counts").path("level").asLong(0);
        if ("escalation".equals(kind) && level > 0) {
            sb.append(" [escalation level ").append(level).append(']');
        }
        Duration took = Duration.between(t0, time);
        if (took.toSeconds() >= 1) {
            sb.append(" (")
                    .append(Escalation.human(took).equals("0m") ? took.toSeconds() + "s" : Escalation.human(took))
                    .append(')');
        }
        rows.set(
                stepRow.remove(span),
                new TimelineEntry(
                        t0,
                        kind,
                        text(start, "runId"),
                        text(start, "stepId"),
                        text(start, "actor"),
                        sb.toString(),
                        outcome));
    }

    private void interrupted(JsonNode start) {
        rows.set(
                stepRow.remove(start.path("spanId").asText()),
                new TimelineEntry(
                        Instant.parse(start.path("time").asText()),
                        "step",
                        text(start, "runId"),
                        text(start, "stepId"),
                        text(start, "actor"),
                        "Step " + text(start, "stepId") + " ("
                                + start.path("message").asText()
                                + ") started and has no end record: the run was interrupted here",
                        "UNKNOWN"));
    }

    static String kind(String actionType) {
        if (actionType.startsWith("notify.")) {
            return "notification";
        }
        if (actionType.startsWith("statuspage.")) {
            return "status-page";
        }
        if (actionType.startsWith("pager.")) {
            return "escalation";
        }
        return "step";
    }

    private static String label(String kind) {
        return switch (kind) {
            case "notification" -> "Notification";
            case "status-page" -> "Status page";
            case "escalation" -> "Escalation";
            default -> "Step";
        };
    }

    private static String reason(JsonNode data) {
        String r = data.path("reason").asText("");
        return r.isBlank() ? "" : ": \"" + r + "\"";
    }

    private static String suffix(JsonNode e) {
        String m = e.path("message").asText("");
        int colon = m.indexOf(": ");
        return colon < 0 ? "" : " (" + m.substring(colon + 2) + ")";
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
