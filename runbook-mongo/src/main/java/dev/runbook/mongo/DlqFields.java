package dev.runbook.mongo;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a DLQ collection keeps what a replay needs: the event id sent to the replay endpoint, the event
 * type, the status field and its values, the error text, the time the event failed, and the
 * subdocument in which the replayer keeps its lease, attempts and outcome. {@link #eventLog()} is the
 * {@code event_log} layout of the seed runbook; change single names with the {@code with...} methods.
 *
 * <pre>{@code
 * DlqFields fields = DlqFields.eventLog().withTime("failed_at").withStatuses("state", "FAILED", "REPLAYING", "REPLAYED", "PARKED");
 * }</pre>
 *
 * @param eventId the event id field: a string, sent in the URL and as the idempotency key
 * @param eventType the event type field: a string
 * @param status the status field
 * @param error the error text field (a string, or a subdocument with a {@code message}); may be absent
 * @param time when the event failed: a date, for the time window and the oldest/newest figures
 * @param replay the subdocument the replayer writes ({@code attempts}, {@code owner}, {@code lease_until}, ...)
 * @param dlqStatus the status of an event waiting in the DLQ
 * @param claimedStatus the status while a replayer holds the event's lease
 * @param replayedStatus the status after the endpoint accepted it
 * @param parkedStatus the status of an event set aside (too many attempts, or malformed)
 */
public record DlqFields(
        String eventId,
        String eventType,
        String status,
        String error,
        String time,
        String replay,
        String dlqStatus,
        String claimedStatus,
        String replayedStatus,
        String parkedStatus) {

    public DlqFields {
        List<String> names = List.of(eventId, eventType, status, error, time, replay);
        for (String n : names) {
            if (n == null || n.isBlank() || n.startsWith("$") || n.equals("_id")) {
                throw new IllegalArgumentException(
                        "field name '" + n + "' cannot be used: give a plain field name such as 'event_id'");
            }
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("field names must differ, were " + names);
        }
        Set<String> statuses = new HashSet<>();
        for (String s : List.of(dlqStatus, claimedStatus, replayedStatus, parkedStatus)) {
            if (s == null || s.isBlank() || !statuses.add(s)) {
                throw new IllegalArgumentException("the four statuses must be distinct and not blank, were "
                        + List.of(
                                String.valueOf(dlqStatus),
                                String.valueOf(claimedStatus),
                                String.valueOf(replayedStatus),
                                String.valueOf(parkedStatus)));
            }
        }
    }

    /**
     * The seed's {@code event_log}: {@code event_id}, {@code event_type}, {@code status} ({@code dlq},
     * {@code replaying}, {@code replayed}, {@code parked}), {@code error}, {@code created_at}, and {@code
     * replay} for the replayer's own fields.
     */
    public static DlqFields eventLog() {
        return new DlqFields(
                "event_id",
                "event_type",
                "status",
                "error",
                "created_at",
                "replay",
                "dlq",
                "replaying",
                "replayed",
                "parked");
    }

    public DlqFields withEventId(String field) {
        return new DlqFields(
                field, eventType, status, error, time, replay, dlqStatus, claimedStatus, replayedStatus, parkedStatus);
    }

    public DlqFields withEventType(String field) {
        return new DlqFields(
                eventId, field, status, error, time, replay, dlqStatus, claimedStatus, replayedStatus, parkedStatus);
    }

    public DlqFields withError(String field) {
        return new DlqFields(
                eventId,
                eventType,
                status,
                field,
                time,
                replay,
                dlqStatus,
                claimedStatus,
                replayedStatus,
                parkedStatus);
    }

    public DlqFields withTime(String field) {
        return new DlqFields(
                eventId,
                eventType,
                status,
                error,
                field,
                replay,
                dlqStatus,
                claimedStatus,
                replayedStatus,
                parkedStatus);
    }

    /** The status field and its four values: waiting, claimed, replayed, parked. */
    public DlqFields withStatuses(String field, String dlq, String claimed, String replayed, String parked) {
        return new DlqFields(eventId, eventType, field, error, time, replay, dlq, claimed, replayed, parked);
    }

    /** {@code replay.attempts} with the default layout. */
    String replay(String name) {
        return replay + "." + name;
    }
}
