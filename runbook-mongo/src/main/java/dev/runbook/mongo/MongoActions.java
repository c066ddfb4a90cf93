package dev.runbook.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.runbook.core.Probe;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.conversions.Bson;

/**
 * The MongoDB remediation kit: replay a DLQ collection into an admin endpoint (or any replay sink),
 * measure its depth, and keep the audit trail in a collection.
 *
 * <pre>{@code
 * try (var mongo = MongoActions.connect("mongodb://127.0.0.1:27017", "smp")) {
 *     mongo.dlqDepth("event_log", "inside.payment.succeeded").read();   // 42
 *     var replay = mongo.replayDlq("event_log").eventType("inside.payment.succeeded")
 *         .to(Http.replayEndpoint("http://integration-svc:8080/admin/events/{id}/replay").build());
 *     var plan = replay.plan(ActionContext.standalone());
 * }
 * }</pre>
 *
 * <p>Closing it closes only what it opened itself: a client given by the user stays open.
 */
public final class MongoActions implements AutoCloseable {
    private final MongoTarget target;

    private MongoActions(MongoTarget target) {
        this.target = target;
    }

    /**
     * Connects for JShell: {@code mongodb://[user:password@]host:port/?options} (the password never
     * prints), with 5 s to find a server and 5 s to connect, and works in {@code database}.
     *
     * @throws IllegalArgumentException for a malformed connection string
     */
    public static MongoActions connect(String uri, String database) {
        ConnectionString cs = new ConnectionString(uri);
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(5, TimeUnit.SECONDS))
                .applyConnectionString(cs)
                .applicationName("runbook")
                .build();
        return new MongoActions(new MongoTarget(MongoClients.create(settings), database, true));
    }

    /** Uses the user's client, in {@code database}. */
    public static MongoActions of(MongoClient client, String database) {
        return new MongoActions(new MongoTarget(client, database, false));
    }

    /**
     * Replays the DLQ events of {@code collection}; set filters and limits, then a target with {@code
     * to(...)}, which makes it a {@link ReplayDlq}.
     */
    public ReplayDlqBuilder replayDlq(String collection) {
        return new ReplayDlqBuilder(target, collection);
    }

    /**
     * {@code countDocuments({status: "dlq", event_type: {$in: types}})} in the {@link DlqFields#eventLog()}
     * layout (all types when none are given): the seed's DLQ depth.
     */
    public Probe<Long> dlqDepth(String collection, String... eventTypes) {
        return dlqDepth(collection, DlqFields.eventLog(), eventTypes);
    }

    /** The DLQ depth in another layout: events in {@code fields.dlqStatus()}, of the given types. */
    public Probe<Long> dlqDepth(String collection, DlqFields fields, String... eventTypes) {
        BsonDocument filter = new BsonDocument(fields.status(), new BsonString(fields.dlqStatus()));
        if (eventTypes.length == 1) {
            filter.append(fields.eventType(), new BsonString(eventTypes[0]));
        } else if (eventTypes.length > 1) {
            BsonArray types = new BsonArray();
            Arrays.stream(eventTypes).sorted().forEach(t -> types.add(new BsonString(t)));
            filter.append(fields.eventType(), new BsonDocument("$in", types));
        }
        return count(collection, filter);
    }

    /** {@code countDocuments(filter)} on {@code collection}, as a probe. */
    public Probe<Long> count(String collection, Bson filter) {
        BsonDocument f = filter.toBsonDocument();
        String what = "countDocuments(" + ReplayStatements.json(f) + ")";
        return Probe.of(
                target.name() + "." + collection + " " + what,
                () -> target.call(
                        what + " on " + collection,
                        () -> target.database().getCollection(collection).countDocuments(f)));
    }

    /**
     * An audit sink writing to {@code collection}, continuing (after verifying) the chain already there.
     *
     * @throws dev.runbook.core.audit.AuditException if the chain there is broken
     */
    public MongoAuditSink auditSink(String collection) {
        return MongoAuditSink.open(target, collection);
    }

    /** {@code mongodb 127.0.0.1:27017/smp}. */
    public String name() {
        return target.name();
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "MongoActions[" + target.name() + "]";
    }
}
