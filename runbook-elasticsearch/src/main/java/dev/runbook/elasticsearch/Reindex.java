package dev.runbook.elasticsearch;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Copies an index into a new one that already has the corrected mapping, with {@code _reindex} run as a
 * task ({@code wait_for_completion=false}) and followed through the tasks API, then checks that the
 * counts match. Pair it with {@link SwapAlias} to move readers over once it is verified.
 *
 * <pre>{@code
 * var copy = es.reindex("orders-v1", "orders-v2").slices(0).requestsPerSecond(5_000);
 * StepPlan plan = copy.plan(ctx);     // counts, sizes, disk headroom, the exact request
 * copy.apply(plan, ctx);              // starts the task, polls it, reports created/failures
 * }</pre>
 *
 * <p>Refused when planning: a missing source, a red source or destination, a missing or closed
 * destination (create it with its mapping first: a destination created by the reindex itself would get
 * a dynamic mapping, which is the drift this fixes), a destination without a mapping, and a copy larger
 * than the disk headroom below the high watermark. A destination that already holds as many documents
 * as the source plans as unchanged.
 *
 * <p>Idempotent: documents are written with {@code op_type=create} and {@code conflicts=proceed}, so a
 * rerun only adds what is missing; a reindex into the same destination that is still running (after a
 * crash of the process that started it) is found through the tasks API and followed instead of started
 * twice. The task is cancelled when {@link #timeout(Duration)} passes, when the applying thread is
 * interrupted, or by {@link #cancel()} from another thread.
 */
public final class Reindex implements Action {
    static final String TYPE = "elasticsearch.reindex";

    private final EsTarget es;
    private final ReindexSettings s;
    private final ReindexChecks checks;

    Reindex(EsTarget es, ReindexSettings settings) {
        this.es = es;
        this.s = settings;
        this.checks = new ReindexChecks(es, settings);
    }

    /** Parallel slices; {@code 0} lets Elasticsearch choose ({@code slices=auto}). Default 1. */
    public Reindex slices(int slices) {
        if (slices < 0 || slices > 1024) {
            throw new IllegalArgumentException("slices must be 0 (auto) to 1024, was " + slices);
        }
        return new Reindex(es, s.withSlices(slices));
    }

    /** Throttles the copy to this many documents per second ({@code requests_per_second}). */
    public Reindex requestsPerSecond(double documentsPerSecond) {
        if (!(documentsPerSecond > 0) || Double.isInfinite(documentsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be positive, was " + documentsPerSecond);
        }
        return new Reindex(es, s.withRequestsPerSecond(documentsPerSecond));
    }

    /** Cancels the task if it has not finished after this long (default 2 hours). */
    public Reindex timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new Reindex(es, s.withTimeout(timeout));
    }

    /** How often to read the task's progress (default 2 seconds). */
    public Reindex pollInterval(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, was " + interval);
        }
        return new Reindex(es, s.withPollInterval(interval));
    }

    /**
     * Cancels the running reindex into this destination, from any thread; the apply that follows it then
     * reports {@link Outcome#FAILED}. Returns whether a task was found.
     */
    public boolean cancel() {
        Optional<String> task = ReindexTask.running(es, s.source(), s.dest());
        task.ifPresent(id -> ReindexTask.cancel(es, id));
        return task.isPresent();
    }

    @Override
    public ReindexSettings parameters() {
        return s;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String target() {
        return es.name() + " reindex '" + s.source() + "' -> '" + s.dest() + "'";
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        Names.requireName(s.source(), "source index");
        Names.requireName(s.dest(), "destination index");
        Observed o = checks.observe();
        ReindexDryRun dry = checks.dryRun(o);
        if (o.runningTask() == null && o.destDocs() >= o.sourceDocs()) {
            return StepPlan.unchanged(
                    this,
                    String.format(
                            Locale.ROOT,
                            "'%s' already holds %,d documents, as many as '%s' (%,d)",
                            s.dest(),
                            o.destDocs(),
                            s.source(),
                            o.sourceDocs()),
                    o);
        }
        if (o.runningTask() == null && dry.bytes() > dry.headroomBytes()) {
            throw new RefusedException(String.format(
                    Locale.ROOT,
                    "copying '%s' (%s) into '%s' needs more disk than %s has below the high watermark (%s left;"
                            + " watermarks %s): free disk first (delete old indices with deleteIndices(...)),"
                            + " or add nodes; nothing was started",
                    s.source(),
                    IndexTable.bytes(dry.bytes()),
                    s.dest(),
                    es.name(),
                    IndexTable.bytes(dry.headroomBytes()),
                    dry.watermarks()));
        }
        String how = o.runningTask() != null
                ? "follow the reindex task " + o.runningTask() + " already running into '" + s.dest() + "'"
                : String.format(
                        Locale.ROOT,
                        "reindex %,d documents (%s) from '%s' into '%s' as a task (slices %s%s), then check the counts",
                        o.sourceDocs() - o.destDocs(),
                        IndexTable.bytes(dry.bytes()),
                        s.source(),
                        s.dest(),
                        s.slices() == 0 ? "auto" : String.valueOf(s.slices()),
                        s.requestsPerSecond() > 0
                                ? String.format(Locale.ROOT, ", %,.0f docs/s", s.requestsPerSecond())
                                : ", unthrottled");
        StepPlan.Builder b = StepPlan.builder(this)
                .summary(how + " on " + es.name())
                .before(o)
                .after(Map.of("destDocs", o.sourceDocs()))
                .blastRadius("documents", o.sourceDocs())
                .blastRadius("bytes", dry.bytes())
                .resource(s.dest())
                .details(dry);
        if (s.requestsPerSecond() > 0) {
            b.rate("documents/s", s.requestsPerSecond());
        }
        if (o.destDocs() > 0 && o.runningTask() == null) {
            b.warning("'" + s.dest() + "' already holds " + o.destDocs()
                    + " documents: only missing ones are created (op_type create), existing ones are kept as they are");
        }
        return b.build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (!plan.actionType().equals(TYPE) || !plan.target().equals(target())) {
            throw new IllegalArgumentException(
                    "this plan is for " + plan.actionType() + " on " + plan.target() + ", not " + target());
        }
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        Observed planned = plan.before(Observed.class);
        plan.requireUnchanged(checks.observe());
        String taskId = planned.runningTask() != null ? planned.runningTask() : ReindexTask.start(es, s);
        Instant started = ctx.clock().instant();
        Instant deadline = started.plus(s.timeout());
        ReindexTask.Poll poll = ReindexTask.poll(es, taskId);
        while (!poll.completed()) {
            ctx.progress("documents", poll.done(), Math.max(poll.total(), planned.sourceDocs()));
            if (!ctx.clock().instant().isBefore(deadline)) {
                ReindexTask.cancel(es, taskId);
                return failed(taskId, "cancelled after the timeout of " + Exclusions.human(s.timeout()), poll);
            }
            try {
                ctx.sleeper().sleep(s.pollInterval());
            } catch (RuntimeException e) {
                ReindexTask.cancel(es, taskId);
                throw new dev.runbook.core.RunbookException(
                        "interrupted while following reindex task " + taskId
                                + "; the task was cancelled, and '" + s.dest()
                                + "' holds part of the copy: plan again to"
                                + " finish it",
                        e);
            }
            poll = ReindexTask.poll(es, taskId);
        }
        if (poll.error() != null) {
            return failed(taskId, "the task failed: " + poll.error(), poll);
        }
        if (poll.status().path("canceled").isTextual()
                || poll.status().path("cancelled").asBoolean(false)) {
            return failed(
                    taskId,
                    "the task was cancelled (" + poll.status().path("canceled").asText("") + ")",
                    poll);
        }
        if (poll.status().path("failures").size() > 0) {
            return failed(
                    taskId,
                    poll.status().path("failures").size() + " documents failed, e.g. "
                            + poll.status().path("failures").get(0),
                    poll);
        }
        return ApplyResult.changed(String.format(
                        Locale.ROOT,
                        "reindexed '%s' into '%s' on %s with task %s: %,d created, %,d already there, %,d batches in"
                                + " %,d ms",
                        s.source(),
                        s.dest(),
                        es.name(),
                        taskId,
                        poll.status().path("created").asLong(),
                        poll.status().path("version_conflicts").asLong(),
                        poll.status().path("batches").asLong(),
                        poll.status().path("took").asLong()))
                .count("created", poll.status().path("created").asLong())
                .count(
                        "versionConflicts",
                        poll.status().path("version_conflicts").asLong())
                .count("total", poll.status().path("total").asLong())
                .details(Map.of("task", taskId, "response", poll.status()))
                .build();
    }

    private ApplyResult failed(String taskId, String why, ReindexTask.Poll poll) {
        return ApplyResult.of(
                        Outcome.FAILED,
                        "reindex '" + s.source() + "' -> '" + s.dest() + "' (task " + taskId + "): " + why + "; '"
                                + s.dest() + "' holds part of the copy: fix the cause and plan again (only missing"
                                + " documents are copied), or delete '" + s.dest() + "' and start over")
                .count("created", poll.status().path("created").asLong())
                .details(Map.of("task", taskId, "status", poll.status()))
                .build();
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        long source = checks.count(s.source());
        long dest = checks.count(s.dest());
        Map<String, Long> seen = Map.of("sourceDocs", source, "destDocs", dest);
        if (source == dest) {
            return Verification.passed(
                    String.format(Locale.ROOT, "'%s' and '%s' both hold %,d documents", s.source(), s.dest(), dest),
                    seen);
        }
        return Verification.failed(
                String.format(
                        Locale.ROOT,
                        "'%s' holds %,d documents and '%s' %,d: %s",
                        s.source(),
                        source,
                        s.dest(),
                        dest,
                        source > dest
                                ? "documents are missing (failures, or writes to the source during the copy: pause"
                                        + " writers and plan again)"
                                : "the destination holds documents the source does not"),
                seen);
    }

    @Override
    public boolean destructive() {
        return false;
    }

    @Override
    public String toString() {
        return "Reindex[" + target() + ", " + s + "]";
    }

    /**
     * What the plan observed.
     *
     * @param sourceUuids the source indices' uuids
     * @param sourceDocs documents in the source
     * @param destUuid the destination's uuid
     * @param destDocs documents in the destination
     * @param destMappingSha256 hash of the destination's mapping
     * @param runningTask a reindex into the destination already running, or {@code null}
     */
    public record Observed(
            List<String> sourceUuids,
            long sourceDocs,
            String destUuid,
            long destDocs,
            String destMappingSha256,
            String runningTask) {}
}
