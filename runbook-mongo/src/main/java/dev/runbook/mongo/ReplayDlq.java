package dev.runbook.mongo;

import com.mongodb.client.MongoCollection;
import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plural;
import dev.runbook.core.RefusedException;
import dev.runbook.core.RunbookException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import dev.runbook.core.replay.MalformedPolicy;
import dev.runbook.core.replay.ReplayEngine;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.core.replay.ReplaySink;
import dev.runbook.core.replay.ReplaySummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Replays the events of a MongoDB DLQ collection (the seed's {@code event_log} with {@code status: "dlq"})
 * into a target, through the core replay engine: an admin endpoint ({@code POST
 * /admin/events/{id}/replay}, the event id as {@code Idempotency-Key}), any {@link ReplaySink} (a Kafka
 * producer the runbook wires in), or a callback. Each event is claimed by a compare-and-set that sets a
 * lease, sent, then marked replayed on the same lease; events replayed {@code maxAttempts} times are
 * parked instead. Several replayers may run at once, and a crashed one's events are taken over once
 * their lease expires.
 *
 * <pre>{@code
 * ReplayDlq replay = mongo.replayDlq("event_log")
 *     .eventType("inside.payment.succeeded")
 *     .maxRate(50)
 *     .to(Http.replayEndpoint("http://integration-svc:8080/admin/events/{id}/replay")
 *         .header("Authorization", Secret.of("Bearer " + token)).build());
 * StepPlan plan = replay.plan(ctx);   // counts by type and error, oldest/newest, attempts, the exact documents
 * }</pre>
 *
 * @throws RefusedException (from plan) if the collection does not exist, or events are malformed under
 *     {@link MalformedPolicy#REFUSE}
 */
public final class ReplayDlq implements Action {

    /**
     * Every parameter apply uses, as plans bind them.
     *
     * @param collection the DLQ collection
     * @param fields the collection's field names and statuses
     * @param filter event types, time window, error pattern
     * @param limits records, rate, attempts, malformed events
     * @param lease how long a claim holds an event
     * @param target where the events go: the endpoint's URL and headers (secrets as keyed hashes), or the
     *     name of a sink or callback
     */
    public record Params(
            String collection, DlqFields fields, DlqFilter filter, Limits limits, Duration lease, Object target) {}

    /**
     * The replay's limits.
     *
     * @param maxRecords at most this many events sent (replayed plus parked)
     * @param maxRate at most this many events per second, or 0 for no limit
     * @param maxAttempts events already replayed this many times are parked
     * @param onMalformed what to do with events whose id, type, time or replay fields are missing or of the
     *     wrong type
     */
    public record Limits(long maxRecords, double maxRate, int maxAttempts, MalformedPolicy onMalformed) {}

    private final MongoTarget mongo;
    private final String collection;
    private final DlqFields fields;
    private final DlqFilter filter;
    private final Limits limits;
    private final Duration lease;
    private final ReplayTarget target;
    private final ReplayStatements statements;

    ReplayDlq(
            MongoTarget mongo,
            String collection,
            DlqFields fields,
            DlqFilter filter,
            Limits limits,
            Duration lease,
            ReplayTarget target) {
        this.mongo = mongo;
        this.collection = collection;
        this.fields = fields;
        this.filter = filter;
        this.limits = limits;
        this.lease = lease;
        this.target = target;
        this.statements = new ReplayStatements(fields, filter);
        selection(); // checks the limits now, not at plan time
    }

    @Override
    public String type() {
        return "mongo.replayDlq";
    }

    @Override
    public String target() {
        return mongo.name() + "." + collection + " -> " + target.name();
    }

    @Override
    public Params parameters() {
        return new Params(collection, fields, filter, limits, lease, target.parameters());
    }

    @Override
    public boolean destructive() {
        return false;
    }

    /**
     * The engine's selection: the event type is the origin, so records are routed by it (all to the one
     * target); the filter repeats the query's event types and window; parking is a status.
     */
    ReplaySelection selection() {
        ReplaySelection.Builder b = ReplaySelection.builder()
                .maxRecords(limits.maxRecords())
                .maxRate(limits.maxRate())
                .maxAttempts(limits.maxAttempts())
                .parkingTarget(fields.parkedStatus())
                .onMalformed(limits.onMalformed())
                .window(filter.from(), filter.until());
        if (!filter.eventTypes().isEmpty()) {
            b.originalTopic(filter.eventTypes().toArray(String[]::new));
        }
        return b.build();
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        requireCollection();
        ReplaySummary summary;
        BsonValue upTo;
        try (MongoDlqSource source = source(ctx, null)) {
            summary = ReplayEngine.dryRun(source, selection());
            upTo = source.lastHandled();
        }
        Instant now = ctx.clock().instant();
        DlqScope scope = scope(now, upTo);
        if (upTo != null) {
            BsonDocument otherTypes = statements
                    .claimable(ReplayStatements.date(now))
                    .append(
                            "_id",
                            new BsonDocument(
                                    "$not",
                                    new BsonDocument(
                                            "$type",
                                            new BsonInt32(upTo.getBsonType().getValue()))));
            long others = count(otherTypes);
            if (others > 0) {
                throw new RefusedException(
                        Plural.of(others, "event") + " in " + collection + " matching " + scope.filter()
                                + (others == 1 ? " has" : " have") + " an _id that is not "
                                + upTo.getBsonType().name().toLowerCase(java.util.Locale.ROOT)
                                + " like the others: a scan in _id order compares one type at a time and would pass over"
                                + " them; give them _ids of one type, or replay them apart with a filter");
            }
        }
        if (summary.malformed() > 0 && limits.onMalformed() == MalformedPolicy.REFUSE) {
            throw new RefusedException(Plural.of(summary.malformed(), "event") + " in " + mongo.name() + "."
                    + collection
                    + " are malformed, e.g. " + summary.malformedSamples() + "; fix them, or onMalformed(SKIP) to"
                    + " leave them, or onMalformed(PARK) to set them aside (status '" + fields.parkedStatus()
                    + "' with the reason), and plan again");
        }
        ReplayDlqDetails details = new ReplayDlqDetails(
                collection,
                target.name(),
                ReplayDlqDetails.encode(upTo),
                lease,
                statements.shown(upTo, lease.toMillis()),
                summary);
        List<String> warnings = new ArrayList<>();
        if (scope.held() > 0) {
            warnings.add(
                    Plural.of(scope.held(), "event") + " of this filter held by another replayer's lease; this replay"
                            + " passes over them (they count as contended)");
        }
        if (summary.malformed() > 0) {
            warnings.add(Plural.of(summary.malformed(), "malformed event") + " left in the DLQ: "
                    + summary.malformedSamples());
        }
        if (summary.isEmpty()) {
            return StepPlan.builder(this)
                    .change(Change.NONE)
                    .summary("unchanged: no event to replay in " + mongo.name() + "." + collection + " for "
                            + describeFilter() + " (" + summary.describe() + "; " + dlqDepth() + " in the DLQ in all)")
                    .before(scope)
                    .after(scope)
                    .details(details)
                    .build();
        }
        StepPlan.Builder plan = StepPlan.builder(this)
                .summary(String.format(
                        "replay %,d events of %s.%s (%s, failed %s..%s) to %s, park %,d, each claimed for %s and"
                                + " marked '%s' once accepted",
                        summary.replayed(),
                        mongo.name(),
                        collection,
                        describeFilter(),
                        summary.earliest(),
                        summary.latest(),
                        target.name(),
                        summary.parked(),
                        lease,
                        fields.replayedStatus()))
                .before(scope)
                .after(new DlqScope(collection, scope.filter(), scope.upTo(), scope.claimable() - summary.sent(), 0))
                .blastRadius("messages", summary.sent())
                .resource(collection)
                .details(details);
        warnings.forEach(plan::warning);
        if (limits.maxRate() > 0) {
            plan.rate("messages/s", limits.maxRate());
        }
        return plan.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        ReplayDlqDetails details = plan.details(ReplayDlqDetails.class);
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).details(details).build();
        }
        BsonValue upTo = details.upToId();
        plan.requireUnchanged(scope(ctx.clock().instant(), upTo));
        String owner = ctx.idempotencyKey() + "#" + UUID.randomUUID().toString().substring(0, 8);
        ReplaySummary done;
        ReplayDlqOutcome outcome;
        try (ReplaySink<BsonDocument> downstream = target.sinks().get();
                MongoDlqSource source = source(ctx, upTo);
                ClaimingSink sink = new ClaimingSink(
                        mongo,
                        collection,
                        statements,
                        downstream,
                        target.finalOnSend(),
                        ctx.clock(),
                        lease,
                        owner,
                        ctx.idempotencyKey())) {
            try {
                done = ReplayEngine.replay(source, sink, selection(), ctx, ClaimingSink.MARK_BATCH);
            } catch (RuntimeException e) {
                throw failed(e, sink.afterFailure());
            }
            outcome = sink.outcome(done);
        }
        return ApplyResult.of(
                        outcome.replayed() + outcome.parked() + outcome.settledByTarget() > 0
                                ? Outcome.CHANGED
                                : Outcome.UNCHANGED,
                        outcome.describe() + " from " + mongo.name() + "." + collection + " to " + target.name()
                                + " (lease owner " + owner + ")")
                .count("replayed", outcome.replayed())
                .count("parked", outcome.parked())
                .count("malformed", outcome.malformedLeft())
                .count("contended", outcome.contended())
                .count("reclaimed", outcome.reclaimedCount())
                .count("leaseLost", outcome.leaseLost())
                .details(outcome)
                .build();
    }

    /**
     * Checks that nothing is left claimed by this step (by this apply or an earlier one of the same run and
     * step), and that the counts reconcile: every event sent was marked, settled or lost to another
     * replayer, and the events of the scope still in the DLQ are at most those this apply left on purpose
     * (malformed, held by another replayer), unless a limit stopped it.
     */
    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        if (plan.isNoop()) {
            return Verification.passed(plan.summary());
        }
        ReplayDlqOutcome o = dev.runbook.core.Json.convert(result.details(), ReplayDlqOutcome.class);
        BsonValue upTo = plan.details(ReplayDlqDetails.class).upToId();
        Instant now = ctx.clock().instant();
        long claimed = count(ReplayStatements.within(
                new BsonDocument(fields.status(), new BsonString(fields.claimedStatus()))
                        .append(fields.replay("run"), new BsonString(ctx.idempotencyKey())),
                null,
                upTo));
        long waiting = count(ReplayStatements.within(statements.claimable(ReplayStatements.date(now)), null, upTo));
        long allowed = o.malformedLeft() + o.contended();
        ReplaySummary s = o.summary();
        boolean sums = s.scanned() == s.replayed() + s.parked() + s.skipped() + s.malformed() + s.contended()
                && s.sent() == o.replayed() + o.parked() + o.settledByTarget() + o.leaseLost();
        Map<String, Long> observed = new LinkedHashMap<>();
        observed.put("claimedByThisStep", claimed);
        observed.put("stillInDlq", waiting);
        observed.put("leftOnPurpose", allowed);
        if (claimed > 0) {
            return Verification.failed(
                    Plural.of(claimed, "event") + " of " + collection + " still claimed by " + ctx.idempotencyKey()
                            + " and not marked (a crashed earlier apply); rerun the step once their lease ("
                            + lease + ") has expired",
                    observed);
        }
        if (!sums) {
            return Verification.failed("the counts do not add up: " + s.describe() + " vs " + o.describe(), observed);
        }
        if (s.stoppedBy() == null && waiting > allowed) {
            return Verification.failed(
                    Plural.of(waiting, "event") + " of the replayed scope of " + collection
                            + " in the DLQ again or still,"
                            + " more than the " + allowed + " left on purpose (malformed or held by another"
                            + " replayer): the target may have failed them again; look at "
                            + fields.replay("last_error") + " and " + fields.error(),
                    observed);
        }
        return Verification.passed(
                "nothing left claimed; " + o.describe() + "; " + Plural.of(waiting, "event")
                        + " of the scope in the DLQ",
                observed);
    }

    private MongoDlqSource source(ActionContext ctx, BsonValue upTo) {
        return new MongoDlqSource(mongo, collection, statements, new DlqDecoder(fields), ctx.clock(), upTo);
    }

    private DlqScope scope(Instant now, BsonValue upTo) {
        BsonValue t = ReplayStatements.date(now);
        String shown = ReplayStatements.json(statements.claimable(new BsonString("<now>")));
        if (upTo == null) {
            return new DlqScope(collection, shown, null, 0, 0);
        }
        return new DlqScope(
                collection,
                shown,
                ReplayDlqDetails.encode(upTo),
                count(ReplayStatements.within(statements.claimable(t), null, upTo)),
                count(ReplayStatements.within(statements.held(t), null, upTo)));
    }

    private long count(BsonDocument filter) {
        MongoCollection<BsonDocument> c = mongo.database().getCollection(collection, BsonDocument.class);
        return mongo.call(
                "counting " + collection + " " + ReplayStatements.json(filter), () -> c.countDocuments(filter));
    }

    private long dlqDepth() {
        return count(new BsonDocument(fields.status(), new BsonString(fields.dlqStatus())));
    }

    private void requireCollection() {
        List<String> names = mongo.call(
                "listing collections",
                () -> mongo.database().listCollectionNames().into(new ArrayList<>()));
        if (!names.contains(collection)) {
            throw new RefusedException("collection '" + collection + "' does not exist in " + mongo.name() + "; it has "
                    + (names.size() > 20 ? names.subList(0, 20) + "..." : names));
        }
    }

    private String describeFilter() {
        List<String> parts = new ArrayList<>();
        parts.add(fields.status() + " '" + fields.dlqStatus() + "'");
        if (!filter.eventTypes().isEmpty()) {
            parts.add(fields.eventType() + " " + filter.eventTypes());
        }
        if (filter.from() != null || filter.until() != null) {
            parts.add(fields.time() + " in [" + filter.from() + ", " + filter.until() + ")");
        }
        if (filter.errorPattern() != null) {
            parts.add(fields.error() + " ~ /" + filter.errorPattern() + "/");
        }
        return String.join(", ", parts);
    }

    private static RuntimeException failed(RuntimeException e, String state) {
        String message = e.getMessage() + "; " + state;
        RuntimeException out;
        if (e instanceof TargetUnavailableException t) {
            out = new TargetUnavailableException(message, e, t.retriable());
        } else if (e instanceof RefusedException) {
            out = new RefusedException(message, e);
        } else {
            out = new RunbookException(message, e);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ReplayDlq[" + target() + ", " + describeFilter() + "]";
    }
}
