package dev.runbook.mongo;

import dev.runbook.core.replay.ReplaySummary;
import java.time.Duration;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * What a {@link ReplayDlq} plan shows the reviewer: the scope, the target, the lease, the exact filter
 * and update documents apply sends ({@code scan}, {@code claim}, {@code mark}, {@code park}, {@code
 * release}, with placeholders for each event's values), and the dry run's summary: counts by event type
 * and error ({@code summary.byOrigin}: topic is the event type, exception the error's first line with
 * digits folded), oldest and newest failure ({@code summary.earliest/latest}), earlier attempts
 * ({@code summary.previousAttempts}), sample event ids ({@code summary.sampleKeys}).
 *
 * <pre>{@code
 * ReplayDlqDetails d = plan.details(ReplayDlqDetails.class);
 * d.summary().byOrigin();          // [inside.payment.succeeded / invalid signature: 12, ...]
 * d.statements().get("claim");     // findOneAndUpdate {"_id": "<_id>", ...} {"$set": ...}
 * }</pre>
 *
 * @param collection the DLQ collection
 * @param target where the events go, such as {@code POST http://svc/admin/events/{id}/replay}
 * @param upTo the last {@code _id} in scope, as extended JSON ({@code {"_id": {"$oid": "..."}}})
 * @param lease how long a claim holds an event before another replayer may take it
 * @param statements the filter and update documents, by name
 * @param summary the dry run's summary
 */
public record ReplayDlqDetails(
        String collection,
        String target,
        String upTo,
        Duration lease,
        Map<String, String> statements,
        ReplaySummary summary) {

    public ReplayDlqDetails {
        statements = statements == null ? Map.of() : new java.util.LinkedHashMap<>(statements);
    }

    private static final JsonWriterSettings EXTENDED =
            JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    static String encode(BsonValue id) {
        return id == null ? null : new BsonDocument("_id", id).toJson(EXTENDED);
    }

    static BsonValue decode(String upTo) {
        return upTo == null ? null : BsonDocument.parse(upTo).get("_id");
    }

    /** The last {@code _id} in scope. */
    BsonValue upToId() {
        return decode(upTo);
    }
}
