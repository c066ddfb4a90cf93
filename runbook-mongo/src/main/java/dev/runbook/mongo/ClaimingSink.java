package dev.runbook.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import dev.runbook.core.Plural;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayDecision;
import dev.runbook.core.replay.ReplaySink;
import dev.runbook.core.replay.ReplaySummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The replay's bookkeeping in the DLQ collection, around the target's sink: each event is claimed with
 * a compare-and-set ({@code findOneAndUpdate} on the status and attempts it was read with, setting the
 * lease), sent, and marked replayed with a single-document update conditional on the same lease owner.
 * Marks go in unordered bulk writes of up to {@value #MARK_BATCH} such updates, once the target has made
 * the sends final (at once for HTTP and callbacks; after the sink's checkpoint for a buffering sink),
 * and at the latest a quarter of the lease after the oldest unmarked send. An event is never marked that
 * the target did not accept; a crash leaves at most the unmarked ones claimed, until their lease expires.
 */
final class ClaimingSink implements ReplaySink<BsonDocument> {
    static final int MARK_BATCH = 100;

    private final MongoTarget target;
    private final MongoCollection<BsonDocument> collection;
    private final ReplayStatements st;
    private final ReplaySink<BsonDocument> downstream;
    private final boolean finalOnSend;
    private final Clock clock;
    private final Duration lease;
    private final BsonString owner;
    private final BsonString run;
    private final List<Sent> unmarked = new ArrayList<>();
    private Claimed current;

    private long replayed;
    private long parked;
    private long settledByTarget;
    private long leaseLost;
    private long reclaimedCount;
    private final List<String> contendedIds = new ArrayList<>();
    private final List<String> reclaimed = new ArrayList<>();
    private final List<String> leaseLostIds = new ArrayList<>();
    private final List<String> leftClaimed = new ArrayList<>();
    private String released;
    private long claimNanos;
    private long sendNanos;
    private long markNanos;

    private record Claimed(BsonValue id, String eventId) {}

    private record Sent(BsonValue id, String eventId, Instant at) {}

    ClaimingSink(
            MongoTarget target,
            String collection,
            ReplayStatements statements,
            ReplaySink<BsonDocument> downstream,
            boolean finalOnSend,
            Clock clock,
            Duration lease,
            String owner,
            String run) {
        this.target = target;
        this.collection = target.database().getCollection(collection, BsonDocument.class);
        this.st = statements;
        this.downstream = downstream;
        this.finalOnSend = finalOnSend;
        this.clock = clock;
        this.lease = lease;
        this.owner = new BsonString(owner);
        this.run = new BsonString(run);
    }

    @Override
    public boolean claim(DlqRecord<BsonDocument> record, ReplayDecision decision) {
        BsonValue id = record.payload().get("_id");
        Instant now = clock.instant();
        BsonDocument filter = st.claimFilter(
                id, ReplayStatements.date(now), DlqDecoder.path(record.payload(), st.replayField() + ".attempts"));
        BsonDocument update = st.claimUpdate(
                owner,
                run,
                ReplayStatements.date(now),
                ReplayStatements.date(now.plus(lease)),
                decision.kind() == ReplayDecision.Kind.REPLAY);
        long t0 = System.nanoTime();
        BsonDocument before = target.call(
                "claiming event " + record.position(),
                () -> collection.findOneAndUpdate(
                        filter,
                        update,
                        new FindOneAndUpdateOptions()
                                .returnDocument(ReturnDocument.BEFORE)
                                .projection(Projections.include(st.statusField(), st.replayField()))));
        claimNanos += System.nanoTime() - t0;
        if (before == null) {
            add(contendedIds, record.position());
            current = null;
            return false;
        }
        BsonValue status = before.get(st.statusField());
        if (status != null && status.equals(new BsonString(st.claimedStatus()))) {
            BsonValue was = DlqDecoder.path(before, st.replayField() + ".owner");
            BsonValue until = DlqDecoder.path(before, st.replayField() + ".lease_until");
            reclaimedCount++;
            add(
                    reclaimed,
                    record.position() + " (lease of "
                            + (was == null ? "?" : was.asString().getValue()) + " until "
                            + (until == null || !until.isDateTime()
                                    ? "?"
                                    : Instant.ofEpochMilli(until.asDateTime().getValue()))
                            + ")");
        }
        current = new Claimed(id, record.position());
        return true;
    }

    @Override
    public void send(DlqRecord<BsonDocument> record, ReplayDecision decision) {
        Claimed claimed = current;
        current = null;
        if (decision.kind() == ReplayDecision.Kind.PARK) {
            park(claimed, decision.reason());
            return;
        }
        long t0 = System.nanoTime();
        try {
            downstream.send(record, decision);
        } catch (RuntimeException e) {
            release(claimed, e);
            throw e;
        } finally {
            sendNanos += System.nanoTime() - t0;
        }
        unmarked.add(new Sent(claimed.id(), claimed.eventId(), clock.instant()));
        if (unmarked.size() >= MARK_BATCH
                || Duration.between(unmarked.get(0).at(), clock.instant()).compareTo(lease.dividedBy(4)) > 0) {
            checkpoint(); // a buffering target makes its sends final first
        }
    }

    private void park(Claimed claimed, String reason) {
        Instant now = clock.instant();
        long matched = target.call(
                        "parking event " + claimed.eventId(),
                        () -> collection.updateOne(
                                st.owned(claimed.id(), owner),
                                st.parkUpdate(ReplayStatements.date(now), new BsonString(reason))))
                .getMatchedCount();
        if (matched == 1) {
            parked++;
        } else {
            leaseLost++;
            add(leaseLostIds, claimed.eventId());
        }
    }

    /** Puts an event the target failed on back in the DLQ, its attempt counted and the error kept. */
    private void release(Claimed claimed, RuntimeException failure) {
        String error = String.valueOf(failure.getMessage());
        try {
            target.call(
                    "releasing event " + claimed.eventId(),
                    () -> collection.updateOne(
                            st.owned(claimed.id(), owner),
                            st.releaseUpdate(
                                    ReplayStatements.date(clock.instant()),
                                    new BsonString(error.length() > 500 ? error.substring(0, 500) + "..." : error))));
            released = claimed.eventId();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            add(leftClaimed, claimed.eventId());
        }
    }

    @Override
    public void consumed(List<DlqRecord<BsonDocument>> records) {}

    @Override
    public void checkpoint() {
        if (!unmarked.isEmpty()) {
            if (!finalOnSend) {
                long t0 = System.nanoTime();
                downstream.checkpoint();
                sendNanos += System.nanoTime() - t0;
            }
            mark();
        }
    }

    /** Marks the unmarked sends replayed, each on its own lease; sorts out those whose lease is gone. */
    private void mark() {
        long t0 = System.nanoTime();
        try {
            markUnmarked();
        } finally {
            markNanos += System.nanoTime() - t0;
        }
    }

    private void markUnmarked() {
        List<WriteModel<BsonDocument>> updates = new ArrayList<>(unmarked.size());
        BsonDocument done = st.markUpdate(ReplayStatements.date(clock.instant()));
        for (Sent s : unmarked) {
            updates.add(new UpdateOneModel<>(st.owned(s.id(), owner), done));
        }
        long matched = target.call(
                        "marking " + Plural.of(unmarked.size(), "event") + " replayed",
                        () -> collection.bulkWrite(updates, new BulkWriteOptions().ordered(false)))
                .getMatchedCount();
        if (matched == unmarked.size()) {
            replayed += matched;
        } else {
            sortOut();
        }
        unmarked.clear();
    }

    /** After a bulk mark matched fewer than it sent: which were marked, settled by the target, or lost. */
    private void sortOut() {
        BsonArray ids = new BsonArray();
        unmarked.forEach(s -> ids.add(s.id()));
        Map<BsonValue, BsonDocument> now = new HashMap<>();
        target.call("reading " + Plural.of(unmarked.size(), "event") + " back", () -> collection
                        .find(new BsonDocument("_id", new BsonDocument("$in", ids)))
                        .projection(Projections.include(st.statusField(), st.replayField())))
                .forEach(d -> now.put(d.get("_id"), d));
        for (Sent s : unmarked) {
            BsonDocument d = now.get(s.id());
            BsonValue by = d == null ? null : DlqDecoder.path(d, st.replayField() + ".owner");
            BsonValue status = d == null ? null : d.get(st.statusField());
            if (owner.equals(by) && new BsonString(st.replayedStatus()).equals(status)) {
                replayed++;
            } else if (owner.equals(by) && !new BsonString(st.claimedStatus()).equals(status)) {
                settledByTarget++;
            } else {
                leaseLost++;
                add(leaseLostIds, s.eventId());
            }
        }
    }

    /**
     * The run failed. Sends that are final are still marked (they reached the target); a buffering sink
     * drops what it can, and its unmarked events stay claimed until their lease expires.
     */
    @Override
    public void abort() {
        try {
            if (finalOnSend) {
                if (!unmarked.isEmpty()) {
                    mark();
                }
            } else {
                downstream.abort();
            }
        } finally {
            unmarked.forEach(s -> add(leftClaimed, s.eventId()));
            unmarked.clear();
        }
    }

    /** What this apply did, for the result. */
    ReplayDlqOutcome outcome(ReplaySummary summary) {
        return new ReplayDlqOutcome(
                owner.getValue(),
                replayed,
                parked,
                summary.malformed(),
                summary.contended(),
                contendedIds,
                reclaimed,
                reclaimedCount,
                settledByTarget,
                leaseLost,
                leaseLostIds,
                new ReplayDlqOutcome.Timings(claimNanos / 1_000_000, sendNanos / 1_000_000, markNanos / 1_000_000),
                summary);
    }

    /** One sentence on what is where after a failure: marked, released, left claimed until the lease ends. */
    String afterFailure() {
        StringBuilder b =
                new StringBuilder(Plural.of(replayed, "event was", "events were") + " sent and marked replayed");
        if (parked > 0) {
            b.append(String.format(", %,d parked", parked));
        }
        if (released != null) {
            b.append("; event ")
                    .append(released)
                    .append(" is back in the DLQ with the error in ")
                    .append(st.replayField())
                    .append(".last_error, its attempt counted");
        }
        if (!leftClaimed.isEmpty()) {
            b.append("; ")
                    .append(Plural.of(leftClaimed.size(), "event"))
                    .append(leftClaimed.size() == 1 ? " stays" : " stay")
                    .append(" claimed (sent or not) by ")
                    .append(owner.getValue())
                    .append(" until their lease ends (at most ")
                    .append(lease)
                    .append("), then a rerun takes them (with the same idempotency key): ")
                    .append(leftClaimed);
        }
        return b.toString();
    }

    private static void add(List<String> list, String id) {
        if (list.size() < ReplayDlqOutcome.LISTED) {
            list.add(id);
        }
    }

    @Override
    public void close() {
        downstream.close();
    }
}
