package dev.runbook.mongo;

import dev.runbook.core.replay.DlqOrigin;
import dev.runbook.core.replay.DlqRecord;
import java.time.Instant;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * Turns one DLQ document into a {@link DlqRecord}: the event id is the replay id (and the idempotency
 * key), the event type and the error are its origin, the failure time its timestamp, {@code
 * replay.attempts} its earlier attempts. A document whose event id, event type, time or replay fields are
 * missing or of the wrong type is malformed, with the reason, and its replay id is then its {@code _id}.
 */
final class DlqDecoder {
    /** Error texts are grouped by their first line, digits folded, at most this long. */
    static final int ERROR_GROUP_LENGTH = 80;

    private final DlqFields f;

    DlqDecoder(DlqFields fields) {
        this.f = fields;
    }

    DlqRecord<BsonDocument> decode(RawBsonDocument doc) {
        long bytes = doc.getByteBuffer().remaining();
        BsonValue id = doc.get("_id");
        String problem = null;
        String eventId = null;
        BsonValue eventIdValue = path(doc, f.eventId());
        if (eventIdValue == null || eventIdValue.isNull()) {
            problem = f.eventId() + " is missing";
        } else if (!eventIdValue.isString()
                || eventIdValue.asString().getValue().isBlank()) {
            problem = f.eventId() + " is " + type(eventIdValue) + ", expected a non-blank string";
        } else {
            eventId = eventIdValue.asString().getValue();
        }
        String eventType = null;
        BsonValue typeValue = path(doc, f.eventType());
        if (typeValue == null || typeValue.isNull()) {
            problem = first(problem, f.eventType() + " is missing");
        } else if (!typeValue.isString() || typeValue.asString().getValue().isBlank()) {
            problem = first(problem, f.eventType() + " is " + type(typeValue) + ", expected a non-blank string");
        } else {
            eventType = typeValue.asString().getValue();
        }
        Instant time = null;
        BsonValue timeValue = path(doc, f.time());
        if (timeValue == null || timeValue.isNull()) {
            problem = first(problem, f.time() + " is missing");
        } else if (!timeValue.isDateTime()) {
            problem = first(problem, f.time() + " is " + type(timeValue) + ", expected a date");
        } else {
            time = Instant.ofEpochMilli(timeValue.asDateTime().getValue());
        }
        int attempts = 0;
        BsonValue replay = doc.get(f.replay());
        if (replay != null && !replay.isNull()) {
            if (!replay.isDocument()) {
                problem = first(problem, f.replay() + " is " + type(replay) + ", expected a subdocument");
            } else {
                BsonValue a = replay.asDocument().get("attempts");
                if (a != null && !a.isNull()) {
                    if (a.isInt32() && a.asInt32().getValue() >= 0) {
                        attempts = a.asInt32().getValue();
                    } else if (a.isInt64()
                            && a.asInt64().getValue() >= 0
                            && a.asInt64().getValue() < Integer.MAX_VALUE) {
                        attempts = (int) a.asInt64().getValue();
                    } else {
                        problem = first(problem, f.replay("attempts") + " is " + shown(a) + ", expected a count >= 0");
                    }
                }
            }
        }
        String error = text(path(doc, f.error()));
        Instant timestamp = time != null ? time : idTime(id);
        if (problem != null) {
            return new DlqRecord<>(
                    eventId != null ? eventId : "_id " + shown(id),
                    eventId,
                    null,
                    problem,
                    attempts,
                    timestamp,
                    bytes,
                    doc);
        }
        DlqOrigin origin = new DlqOrigin(eventType, null, null, null, group(error), null, error, time);
        return new DlqRecord<>(eventId, eventId, origin, null, attempts, time, bytes, doc);
    }

    /** The error's group for counting: its first line, runs of digits as {@code #}, at most 80 characters. */
    static String group(String error) {
        if (error == null || error.isBlank()) {
            return null;
        }
        String line = error.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).strip();
        }
        line = line.replaceAll("[0-9]+", "#");
        return line.length() <= ERROR_GROUP_LENGTH ? line : line.substring(0, ERROR_GROUP_LENGTH) + "...";
    }

    /** A dotted path's value, or null. */
    static BsonValue path(BsonDocument doc, String path) {
        BsonValue v = doc;
        for (String part : path.split("\\.")) {
            if (v == null || !v.isDocument()) {
                return null;
            }
            v = v.asDocument().get(part);
        }
        return v;
    }

    private static String text(BsonValue v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.asString().getValue();
        }
        return v.isDocument() ? v.asDocument().toJson() : v.toString();
    }

    private static Instant idTime(BsonValue id) {
        return id != null && id.isObjectId()
                ? Instant.ofEpochSecond(id.asObjectId().getValue().getTimestamp())
                : Instant.EPOCH;
    }

    static String shown(BsonValue id) {
        if (id == null) {
            return "?";
        }
        return id.isObjectId()
                ? id.asObjectId().getValue().toHexString()
                : new BsonDocument("v", id).toJson().replaceAll("^\\{\"v\": |}$", "");
    }

    private static String type(BsonValue v) {
        return v.getBsonType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String first(String problem, String next) {
        return problem != null ? problem : next;
    }
}
