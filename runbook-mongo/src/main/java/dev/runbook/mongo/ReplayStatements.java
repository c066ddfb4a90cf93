package dev.runbook.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * Every filter and update document a replay sends, built in one place so that the plan shows exactly
 * what apply sends: apply calls these methods with the values of each event, the plan with placeholders.
 * Each state change is one document's compare-and-set: claim on the expected status and attempts, then
 * mark, park or release on the same lease owner. There is no multi-document update.
 */
final class ReplayStatements {
    private static final JsonWriterSettings SHOWN =
            JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final DlqFields f;
    private final DlqFilter filter;

    ReplayStatements(DlqFields fields, DlqFilter filter) {
        this.f = fields;
        this.filter = filter;
    }

    String statusField() {
        return f.status();
    }

    String replayField() {
        return f.replay();
    }

    String claimedStatus() {
        return f.claimedStatus();
    }

    String replayedStatus() {
        return f.replayedStatus();
    }

    /** The events a replay may take at {@code now}: waiting, or claimed under a lease that expired; and the filter. */
    BsonDocument claimable(BsonValue now) {
        BsonDocument d = new BsonDocument("$or", new BsonArray(List.of(waiting(), expiredLease(now))));
        return withFilter(d);
    }

    /** Events of the filter that a replayer holds under a lease that has not expired at {@code now}. */
    BsonDocument held(BsonValue now) {
        BsonDocument d = new BsonDocument(f.status(), new BsonString(f.claimedStatus()))
                .append(f.replay("lease_until"), new BsonDocument("$gte", now));
        return withFilter(d);
    }

    /** {@code claimable(now)} with {@code _id} in ({@code after}, {@code upTo}]; either bound may be null. */
    BsonDocument scan(BsonValue now, BsonValue after, BsonValue upTo) {
        return within(claimable(now), after, upTo);
    }

    static BsonDocument within(BsonDocument d, BsonValue after, BsonValue upTo) {
        BsonDocument range = new BsonDocument();
        if (after != null) {
            range.append("$gt", after);
        }
        if (upTo != null) {
            range.append("$lte", upTo);
        }
        BsonDocument out = d.clone();
        if (!range.isEmpty()) {
            out.append("_id", range);
        }
        return out;
    }

    /**
     * Takes one event: it must still be waiting (or under an expired lease) with the attempts the replay
     * read ({@code null} when it had none), so a decision made on a stale copy never applies.
     */
    BsonDocument claimFilter(BsonValue id, BsonValue now, BsonValue attemptsRead) {
        return new BsonDocument("_id", id)
                .append("$or", new BsonArray(List.of(waiting(), expiredLease(now))))
                .append(
                        f.replay("attempts"),
                        new BsonDocument(
                                "$in", new BsonArray(List.of(attemptsRead == null ? BsonNull.VALUE : attemptsRead))));
    }

    /** Sets the lease; counts an attempt unless the event is to be parked. */
    BsonDocument claimUpdate(BsonValue owner, BsonValue run, BsonValue now, BsonValue leaseUntil, boolean attempt) {
        BsonDocument set = new BsonDocument(f.status(), new BsonString(f.claimedStatus()))
                .append(f.replay("owner"), owner)
                .append(f.replay("run"), run)
                .append(f.replay("claimed_at"), now)
                .append(f.replay("lease_until"), leaseUntil);
        BsonDocument u = new BsonDocument("$set", set);
        if (attempt) {
            u.append("$inc", new BsonDocument(f.replay("attempts"), new BsonInt32(1)));
        }
        return u;
    }

    /** An event this lease owner still holds. */
    BsonDocument owned(BsonValue id, BsonValue owner) {
        return new BsonDocument("_id", id)
                .append(f.status(), new BsonString(f.claimedStatus()))
                .append(f.replay("owner"), owner);
    }

    BsonDocument markUpdate(BsonValue now) {
        return new BsonDocument(
                        "$set",
                        new BsonDocument(f.status(), new BsonString(f.replayedStatus()))
                                .append(f.replay("replayed_at"), now))
                .append("$unset", new BsonDocument(f.replay("lease_until"), new BsonString("")));
    }

    BsonDocument parkUpdate(BsonValue now, BsonValue reason) {
        return new BsonDocument(
                        "$set",
                        new BsonDocument(f.status(), new BsonString(f.parkedStatus()))
                                .append(f.replay("parked_at"), now)
                                .append(f.replay("parked_reason"), reason))
                .append("$unset", new BsonDocument(f.replay("lease_until"), new BsonString("")));
    }

    /** Back to the DLQ after the endpoint failed on it, the attempt counted and the error kept. */
    BsonDocument releaseUpdate(BsonValue now, BsonValue error) {
        return new BsonDocument(
                        "$set",
                        new BsonDocument(f.status(), new BsonString(f.dlqStatus()))
                                .append(f.replay("failed_at"), now)
                                .append(f.replay("last_error"), error))
                .append("$unset", new BsonDocument(f.replay("lease_until"), new BsonString("")));
    }

    /** The statements as the plan shows them, with placeholders where each event's values go. */
    Map<String, String> shown(BsonValue upTo, long leaseMillis) {
        BsonString id = new BsonString("<_id>");
        BsonString now = new BsonString("<now>");
        BsonString owner = new BsonString("<lease owner of this apply>");
        BsonString run = new BsonString("<run id>/<step id>");
        BsonString until = new BsonString("<now + " + leaseMillis + " ms>");
        Map<String, String> out = new LinkedHashMap<>();
        out.put(
                "scan",
                json(scan(now, new BsonString("<last _id of the previous page>"), upTo)) + " sort {\"_id\": 1}");
        out.put(
                "claim",
                "findOneAndUpdate " + json(claimFilter(id, now, null)) + " "
                        + json(claimUpdate(owner, run, now, until, true))
                        + " (returning the document before; for an event replayed n times before: \""
                        + f.replay("attempts") + "\": {\"$in\": [n]})");
        out.put(
                "mark",
                "updateOne " + json(owned(id, owner)) + " " + json(markUpdate(now))
                        + " (after the target accepted it; up to " + ClaimingSink.MARK_BATCH
                        + " per unordered bulkWrite of single-document updates)");
        out.put(
                "park",
                "updateOne " + json(owned(id, owner)) + " "
                        + json(parkUpdate(now, new BsonString("<reason>")))
                        + " (claimed first as above, without counting an attempt)");
        out.put(
                "release",
                "updateOne " + json(owned(id, owner)) + " "
                        + json(releaseUpdate(now, new BsonString("<the target's error>")))
                        + " (when the target failed on the event; the replay stops)");
        return out;
    }

    static String json(BsonDocument d) {
        return d.toJson(SHOWN);
    }

    static BsonDateTime date(Instant t) {
        return new BsonDateTime(t.toEpochMilli());
    }

    private BsonDocument waiting() {
        return new BsonDocument(f.status(), new BsonString(f.dlqStatus()));
    }

    private BsonDocument expiredLease(BsonValue now) {
        return new BsonDocument(f.status(), new BsonString(f.claimedStatus()))
                .append(f.replay("lease_until"), new BsonDocument("$lt", now));
    }

    private BsonDocument withFilter(BsonDocument d) {
        if (!filter.eventTypes().isEmpty()) {
            List<BsonValue> types = new ArrayList<>();
            filter.eventTypes().stream().sorted().forEach(t -> types.add(new BsonString(t)));
            d.append(f.eventType(), types.size() == 1 ? types.get(0) : new BsonDocument("$in", new BsonArray(types)));
        }
        if (filter.from() != null || filter.until() != null) {
            BsonDocument window = new BsonDocument();
            if (filter.from() != null) {
                window.append("$gte", date(filter.from()));
            }
            if (filter.until() != null) {
                window.append("$lt", date(filter.until()));
            }
            d.append(f.time(), window);
        }
        if (filter.errorPattern() != null) {
            d.append(f.error(), new BsonRegularExpression(filter.errorPattern()));
        }
        return d;
    }
}
