package dev.runbook.flink;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link TriggerSavepoint} and {@link StopWithSavepoint} share: the job, the target directory, the
 * format, the idempotent trigger, the wait and the check that the savepoint exists.
 */
abstract class SavepointAction implements Action {

    final FlinkRest rest;
    final String jobId;
    final String targetDirectory;
    final SavepointFormat format;

    SavepointAction(FlinkRest rest, String jobId, String targetDirectory, SavepointFormat format) {
        this.rest = Objects.requireNonNull(rest, "rest");
        this.jobId = FlinkJobs.requireJobId(jobId);
        if (targetDirectory == null || targetDirectory.isBlank()) {
            throw new IllegalArgumentException("name the savepoint directory, such as 's3://flink/savepoints' or"
                    + " 'file:///var/flink/savepoints' (the job's state.savepoints.dir is never assumed)");
        }
        this.targetDirectory = targetDirectory;
        this.format = Objects.requireNonNull(format, "format: choose SavepointFormat.CANONICAL or NATIVE");
    }

    /** What the plan observed and apply re-reads: the job's state and its last savepoint. */
    record Observed(String jobId, String state, String lastSavepoint) {
        static Observed of(JobStatus s) {
            return new Observed(
                    s.jobId(),
                    s.state(),
                    s.lastSavepoint() == null ? null : s.lastSavepoint().externalPath());
        }
    }

    /** What apply records: the savepoint's path, for the restore step. */
    public record Taken(String jobId, String savepointPath, String triggerId, String format) {}

    abstract String kind();

    /** What the savepoint is for, in the summary: "take a savepoint of", "stop with a savepoint". */
    abstract String verb();

    /** What apply waits for once the savepoint is complete; nothing by default. */
    void afterSavepoint(ActionContext ctx) {}

    /** The REST call that starts the operation with {@code triggerId}. */
    abstract void trigger(String triggerId);

    @Override
    public String target() {
        return rest.target() + " job " + jobId;
    }

    @Override
    public boolean destructive() {
        return false;
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        String triggerId = Savepoints.triggerId(ctx, kind(), jobId);
        JobStatus s = JobStatus.read(rest, jobId);
        String done = Savepoints.completedPath(rest, jobId, Savepoints.status(rest, jobId, triggerId));
        if (done != null) {
            return StepPlan.unchanged(
                    this, "this step already " + verb() + " job " + jobId + ": savepoint " + done, Observed.of(s));
        }
        FlinkJobs.requireRunning(rest, jobId, s.state(), verb());
        return builder(s, triggerId).build();
    }

    /** The plan of a change; subclasses add their warnings. */
    StepPlan.Builder builder(JobStatus s, String triggerId) {
        return StepPlan.builder(this)
                .summary(verb() + " job '" + s.name() + "' (" + jobId + ") into " + targetDirectory + " (" + format
                        + " format)")
                .before(Observed.of(s))
                .after(new Observed(jobId, s.state(), targetDirectory + "/savepoint-..."))
                .blastRadius("jobs", 1)
                .resource(s.name())
                .details(Map.of("triggerId", triggerId, "parallelism", s.parallelism()));
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        String triggerId = Savepoints.triggerId(ctx, kind(), jobId);
        if (Savepoints.status(rest, jobId, triggerId) == null) {
            JobStatus now = JobStatus.read(rest, jobId);
            plan.requireUnchanged(Observed.of(now));
            trigger(triggerId);
        }
        String path = Savepoints.await(rest, jobId, triggerId, ctx);
        afterSavepoint(ctx);
        return ApplyResult.changed(verb() + " job " + jobId + ": savepoint " + path)
                .item(jobId, Outcome.CHANGED, path)
                .details(new Taken(jobId, path, triggerId, format.name()))
                .build();
    }

    /** The savepoint exists: its {@code _metadata} file for a {@code file:} path; other schemes not read. */
    Verification savepointExists(ApplyResult result) {
        Taken taken = result.details() == null || result.details().isNull()
                ? null
                : dev.runbook.core.Json.convert(result.details(), Taken.class);
        if (taken == null || taken.savepointPath() == null) {
            return Verification.skipped("no savepoint was taken by this apply");
        }
        String p = taken.savepointPath();
        if (p.startsWith("file:")) {
            Path dir = Path.of(java.net.URI.create(p));
            if (!Files.exists(dir.resolve("_metadata"))) {
                return Verification.failed("savepoint " + p + " has no _metadata file", taken);
            }
        }
        return Verification.passed("savepoint " + p + " is complete", taken);
    }
}
