package dev.runbook.mongo;

import dev.runbook.core.http.HttpReplayEndpoint;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.MalformedPolicy;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.core.replay.ReplaySink;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.bson.BsonDocument;

/**
 * A {@link ReplayDlq} being set up: filters and limits, then the target, which makes it an action.
 * Every setter returns a new builder, so a base replay can be varied.
 *
 * <pre>{@code
 * ReplayDlq replay = mongo.replayDlq("event_log")
 *     .eventType("inside.payment.succeeded").window(from, until).errorMatches("timeout|503")
 *     .maxRecords(1_000).maxRate(50).maxAttempts(3)
 *     .to(Http.replayEndpoint("http://integration-svc:8080/admin/events/{id}/replay").build());
 * }</pre>
 */
public final class ReplayDlqBuilder {
    /** How long a claim holds an event unless set: longer than a send and a mark batch, short enough to wait. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

    private final MongoTarget mongo;
    private final String collection;
    private final DlqFields fields;
    private final DlqFilter filter;
    private final ReplayDlq.Limits limits;
    private final Duration lease;

    ReplayDlqBuilder(MongoTarget mongo, String collection) {
        this(
                mongo,
                collection,
                DlqFields.eventLog(),
                DlqFilter.all(),
                new ReplayDlq.Limits(Long.MAX_VALUE, 0, ReplaySelection.DEFAULT_MAX_ATTEMPTS, MalformedPolicy.REFUSE),
                DEFAULT_LEASE);
        if (collection == null || collection.isBlank() || collection.contains("$")) {
            throw new IllegalArgumentException(
                    "name the DLQ collection, such as 'event_log', was '" + collection + "'");
        }
    }

    private ReplayDlqBuilder(
            MongoTarget mongo,
            String collection,
            DlqFields fields,
            DlqFilter filter,
            ReplayDlq.Limits limits,
            Duration lease) {
        this.mongo = mongo;
        this.collection = collection;
        this.fields = fields;
        this.filter = filter;
        this.limits = limits;
        this.lease = lease;
    }

    private ReplayDlqBuilder with(DlqFields f, DlqFilter fi, ReplayDlq.Limits l, Duration le) {
        return new ReplayDlqBuilder(mongo, collection, f, fi, l, le);
    }

    /** The collection's field names and statuses; {@link DlqFields#eventLog()} unless set. */
    public ReplayDlqBuilder fields(DlqFields fields) {
        return with(java.util.Objects.requireNonNull(fields, "fields"), filter, limits, lease);
    }

    /** Only events of these types (added to those already chosen). */
    public ReplayDlqBuilder eventType(String... types) {
        Set<String> all = new TreeSet<>(filter.eventTypes());
        all.addAll(Set.of(types));
        return with(fields, new DlqFilter(all, filter.from(), filter.until(), filter.errorPattern()), limits, lease);
    }

    /** Only events that failed in [from, until); either may be null. */
    public ReplayDlqBuilder window(Instant from, Instant until) {
        return with(fields, new DlqFilter(filter.eventTypes(), from, until, filter.errorPattern()), limits, lease);
    }

    /** Only events whose error text matches this regular expression (the server's {@code $regex}). */
    public ReplayDlqBuilder errorMatches(String regex) {
        return with(fields, new DlqFilter(filter.eventTypes(), filter.from(), filter.until(), regex), limits, lease);
    }

    /** Only events whose error text contains {@code text}, literally. */
    public ReplayDlqBuilder errorContains(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("error text is empty; leave it unset to take every error");
        }
        return errorMatches(Pattern.quote(text));
    }

    /**
     * At most this many events sent (replayed plus parked).
     *
     * @throws IllegalArgumentException if not positive
     */
    public ReplayDlqBuilder maxRecords(long n) {
        return limits(new ReplayDlq.Limits(n, limits.maxRate(), limits.maxAttempts(), limits.onMalformed()));
    }

    /** At most this many events per second (0: no limit). */
    public ReplayDlqBuilder maxRate(double eventsPerSecond) {
        return limits(
                new ReplayDlq.Limits(limits.maxRecords(), eventsPerSecond, limits.maxAttempts(), limits.onMalformed()));
    }

    /** Events already replayed this many times are parked instead; {@value ReplaySelection#DEFAULT_MAX_ATTEMPTS} unless set. */
    public ReplayDlqBuilder maxAttempts(int n) {
        return limits(new ReplayDlq.Limits(limits.maxRecords(), limits.maxRate(), n, limits.onMalformed()));
    }

    /** What to do with malformed events: refuse the plan (default), leave them, or park them with the reason. */
    public ReplayDlqBuilder onMalformed(MalformedPolicy policy) {
        return limits(new ReplayDlq.Limits(
                limits.maxRecords(), limits.maxRate(), limits.maxAttempts(), java.util.Objects.requireNonNull(policy)));
    }

    /**
     * How long a claim holds an event before another replayer may take it over; {@link #DEFAULT_LEASE} unless
     * set. Keep it well above a send's timeout and the clock skew between replayers.
     *
     * @throws IllegalArgumentException if below 100 ms
     */
    public ReplayDlqBuilder lease(Duration lease) {
        if (lease == null || lease.toMillis() < 100) {
            throw new IllegalArgumentException("lease must be at least 100 ms, was " + lease);
        }
        return with(fields, filter, limits, lease);
    }

    private ReplayDlqBuilder limits(ReplayDlq.Limits l) {
        ReplayDlqBuilder b = with(fields, filter, l, lease);
        b.check();
        return b;
    }

    private void check() {
        ReplaySelection.builder()
                .maxRecords(limits.maxRecords())
                .maxRate(limits.maxRate())
                .maxAttempts(limits.maxAttempts())
                .parkingTarget(fields.parkedStatus())
                .onMalformed(limits.onMalformed())
                .build();
    }

    /** Replays into an admin endpoint, one POST per event, the event id as {@code Idempotency-Key}. */
    public ReplayDlq to(HttpReplayEndpoint endpoint) {
        return build(ReplayTarget.endpoint(java.util.Objects.requireNonNull(endpoint, "endpoint")));
    }

    /**
     * Replays into a sink of your own (a Kafka producer, say), opened for each apply; {@code name} names it
     * in plans and is bound as the target parameter. Events are marked replayed only after the sink's
     * {@code checkpoint()} returned: make it flush or commit what was sent.
     */
    public ReplayDlq to(String name, Supplier<? extends ReplaySink<BsonDocument>> sinks) {
        return build(ReplayTarget.sink(name, sinks));
    }

    /** Replays into a callback: an event counts as sent when the callback returns, and is not if it throws. */
    public ReplayDlq toCallback(String name, Consumer<DlqRecord<BsonDocument>> callback) {
        return build(ReplayTarget.callback(name, callback));
    }

    private ReplayDlq build(ReplayTarget target) {
        return new ReplayDlq(mongo, collection, fields, filter, limits, lease, target);
    }
}
