package dev.runbook.mongo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import dev.runbook.core.Json;
import dev.runbook.core.RunbookException;
import dev.runbook.core.audit.AuditChain;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.AuditException;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.AuditSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Audit records in a MongoDB collection, hash-chained exactly as {@link
 * dev.runbook.core.audit.JsonLinesAuditSink} chains its lines ({@link AuditChain}) and checked by the
 * same {@link AuditLogVerifier}: one document per record, {@code _id} = {@code seq}, with {@code prev},
 * {@code hash} and the event's canonical JSON in {@code event}, plus {@code time}, {@code type}, {@code
 * runId}, {@code runbookId}, {@code stepId}, {@code outcome}, {@code actor} and {@code message} as fields to
 * query (the verifier checks that they agree with {@code event}). Each write is acknowledged by a majority
 * with journaling before it returns. Several processes may append to one collection: the unique {@code
 * _id} makes a second writer of the same {@code seq} fail, and it links to the new head and tries again.
 *
 * <pre>{@code
 * MongoAuditSink audit = mongo.auditSink("runbook_audit");
 * RunbookEngine engine = RunbookEngine.builder().audit(audit).build();
 * ...
 * audit.verify(headKeptInTheTicket);   // throws AuditException naming the first broken record
 * }</pre>
 */
public final class MongoAuditSink implements AuditSink {
    private static final int RETRIES = 50;

    private final MongoTarget target;
    private final MongoCollection<BsonDocument> collection;
    private final String source;
    private String head;
    private long seq;
    private String broken;

    private MongoAuditSink(MongoTarget target, String collection) {
        this.target = target;
        this.collection = target.database()
                .getCollection(collection, BsonDocument.class)
                .withWriteConcern(WriteConcern.MAJORITY.withJournal(true));
        this.source = target.name() + "." + collection;
    }

    /**
     * Opens (or starts) the chain in {@code collection}, verifying what is there first.
     *
     * @throws AuditException if the existing chain is broken or the collection cannot be read
     */
    static MongoAuditSink open(MongoTarget target, String collection) {
        if (collection == null || collection.isBlank() || collection.contains("$")) {
            throw new IllegalArgumentException("name the audit collection, such as 'runbook_audit'");
        }
        MongoAuditSink sink = new MongoAuditSink(target, collection);
        List<JsonNode> records = sink.verify();
        if (!records.isEmpty()) {
            JsonNode tail = records.get(records.size() - 1);
            sink.seq = tail.get("seq").asLong();
            sink.head = tail.get("hash").asText();
        } else {
            sink.head = AuditChain.GENESIS;
        }
        return sink;
    }

    /**
     * Appends one record to the chain, acknowledged by a majority and journaled.
     *
     * @throws AuditException if it cannot be written, or an earlier write failed
     */
    @Override
    public synchronized void write(AuditEvent event) {
        if (broken != null) {
            throw new AuditException(source + " refuses writes since an earlier write failed (" + broken
                    + "); verify it with MongoAuditSink.verify() and open it again");
        }
        JsonNode tree = Json.tree(event);
        for (int attempt = 0; attempt < RETRIES; attempt++) {
            ObjectNode link = AuditChain.link(seq + 1, head, tree);
            try {
                target.call("appending audit record " + (seq + 1), () -> collection.insertOne(document(link, event)));
                seq++;
                head = link.get("hash").asText();
                return;
            } catch (RunbookException e) {
                if (e.getCause() instanceof MongoWriteException w
                        && w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    tail(); // another writer appended first: link to its record and try again, after a short
                    // random pause so that two busy writers do not keep colliding
                    pause(attempt);
                    continue;
                }
                broken = e.getMessage();
                throw new AuditException(
                        "cannot append to " + source + ": " + e.getMessage() + "; the run stops before its next"
                                + " change; fix the database and resume the run",
                        e);
            }
        }
        broken = "other writers kept appending";
        throw new AuditException(source + ": " + RETRIES + " other writers appended before this one could; the"
                + " run stops before its next change");
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.min(20, attempt + 1) + 1L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while appending an audit record", e);
        }
    }

    private static BsonDocument document(ObjectNode link, AuditEvent e) {
        BsonDocument d = new BsonDocument("_id", new BsonInt64(link.get("seq").asLong()))
                .append("seq", new BsonInt64(link.get("seq").asLong()))
                .append("prev", new BsonString(link.get("prev").asText()))
                .append("hash", new BsonString(link.get("hash").asText()))
                .append("event", new BsonString(Json.write(link.get("event"))))
                .append("time", new BsonDateTime(e.time().toEpochMilli()))
                .append("type", new BsonString(e.type().name()))
                .append("runId", new BsonString(e.runId()))
                .append("message", new BsonString(e.message()));
        optional(d, "runbookId", e.runbookId());
        optional(d, "stepId", e.stepId());
        optional(d, "actor", e.actor());
        optional(d, "outcome", e.outcome() == null ? null : e.outcome().name());
        return d;
    }

    private static void optional(BsonDocument d, String name, String value) {
        if (value != null) {
            d.append(name, new BsonString(value));
        }
    }

    private void tail() {
        BsonDocument last = target.call(
                "reading the audit chain's head",
                () -> collection.find().sort(Sorts.descending("_id")).limit(1).first());
        if (last != null) {
            seq = last.getInt64("seq").getValue();
            head = last.getString("hash").getValue();
        }
    }

    /** The hash of the last record written: keep it elsewhere to detect records removed from the end. */
    public synchronized String head() {
        return head;
    }

    /** How many records the chain holds, as far as this sink knows. */
    public synchronized long size() {
        return seq;
    }

    /**
     * Reads the chain back in {@code seq} order and verifies it with the core verifier.
     *
     * @throws AuditException naming the first record that breaks the chain
     */
    public List<JsonNode> verify() {
        List<JsonNode> records = new ArrayList<>();
        for (BsonDocument d : target.call(
                "reading " + source,
                () -> collection.find().sort(Sorts.ascending("_id")).into(new ArrayList<>()))) {
            records.add(record(d, records.size() + 1));
        }
        return AuditLogVerifier.verify(records, source);
    }

    /**
     * Verifies the chain and that it ends at {@code expectedHead}.
     *
     * @throws AuditException if it is broken or does not end there
     */
    public List<JsonNode> verify(String expectedHead) {
        List<JsonNode> records = verify();
        return AuditLogVerifier.verify(records, source, Objects.requireNonNull(expectedHead, "expectedHead"));
    }

    /** One stored record as the verifier reads it; its query fields must agree with its event. */
    private JsonNode record(BsonDocument d, int n) {
        ObjectNode r = Json.mapper().createObjectNode();
        BsonValue s = d.get("seq");
        r.put("seq", s != null && s.isNumber() ? s.asNumber().longValue() : -1);
        r.put("prev", string(d, "prev"));
        r.put("hash", string(d, "hash"));
        String text = string(d, "event");
        JsonNode event;
        try {
            event = text == null ? null : Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AuditException(source + " record " + n + ": its event is not JSON: it was edited");
        }
        if (event != null) {
            r.set("event", event);
            checkAgrees(d, event, n, r.get("seq").asLong());
        }
        return r;
    }

    private void checkAgrees(BsonDocument d, JsonNode event, int n, long seq) {
        for (String field : List.of("type", "runId", "runbookId", "stepId", "actor", "outcome", "message")) {
            JsonNode e = event.get(field);
            String stored = string(d, field);
            String inEvent = e == null || e.isNull() ? null : e.asText();
            if (field.equals("message") && inEvent == null) {
                inEvent = "";
            }
            if (!Objects.equals(stored, inEvent)) {
                throw new AuditException(source + " record " + n + " (seq " + seq + "): its field '" + field
                        + "' no longer agrees with its event: it was changed after it was written");
            }
        }
        BsonValue time = d.get("time");
        JsonNode t = event.get("time");
        if (time == null
                || !time.isDateTime()
                || t == null
                || Json.convert(t, java.time.Instant.class).toEpochMilli()
                        != time.asDateTime().getValue()) {
            throw new AuditException(source + " record " + n + " (seq " + seq
                    + "): its field 'time' no longer agrees with its event: it was changed after it was written");
        }
    }

    private static String string(BsonDocument d, String field) {
        BsonValue v = d.get(field);
        return v != null && v.isString() ? v.asString().getValue() : null;
    }
}
