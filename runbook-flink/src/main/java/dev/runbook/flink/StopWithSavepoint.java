package dev.runbook.flink;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.Map;

/**
 * Stops a running job with a savepoint ({@code POST /jobs/:id/stop}, then polls the operation), the
 * graceful stop before a redeploy; records the savepoint path in the apply result ({@link
 * SavepointAction.Taken}). {@code drain} is explicit: {@code false} keeps event-time windows open for the
 * restored job, {@code true} fires them (MAX_WATERMARK) before stopping. The job does not process
 * anything until it is restarted from the savepoint; there is no inverse: restart it with {@link
 * RestartFromSavepoint} ({@code flink.restartFromSavepoint(...)}) from the recorded path (the plan says so).
 *
 * <pre>{@code
 * flink.stopWithSavepoint(jobId, "file:///var/flink/savepoints", SavepointFormat.CANONICAL, false)
 * }</pre>
 *
 * <p>Plan refuses (RefusedException) an unknown job id or a job that is not RUNNING
 */
public final class StopWithSavepoint extends SavepointAction {

    private final boolean drain;

    StopWithSavepoint(FlinkRest rest, String jobId, String targetDirectory, SavepointFormat format, boolean drain) {
        super(rest, jobId, targetDirectory, format);
        this.drain = drain;
    }

    /** Every parameter apply uses. */
    public record Params(String jobId, String targetDirectory, SavepointFormat formatType, boolean drain) {}

    @Override
    public Params parameters() {
        return new Params(jobId, targetDirectory, format, drain);
    }

    @Override
    public String type() {
        return "flink.stopWithSavepoint";
    }

    @Override
    public boolean destructive() {
        return true;
    }

    @Override
    String kind() {
        return "stop";
    }

    @Override
    String verb() {
        return "stop with a savepoint";
    }

    @Override
    StepPlan.Builder builder(JobStatus s, String triggerId) {
        return super.builder(s, triggerId)
                .warning("the job stops processing until it is restarted from the savepoint"
                        + (drain ? "; drain=true fires every event-time window first (MAX_WATERMARK)" : ""))
                .warning(
                        "no inverse: restart the job from the savepoint path in the apply result with"
                                + " flink.restartFromSavepoint(jobId, path, jar, entryClass, allowNonRestoredState, parallelism)");
    }

    @Override
    void trigger(String triggerId) {
        rest.post(
                "jobs/" + jobId + "/stop",
                Map.of(
                        "targetDirectory", targetDirectory,
                        "drain", drain,
                        "formatType", format.name(),
                        "triggerId", triggerId));
    }

    /**
     * The stop operation completes when the savepoint does, a moment before the job leaves RUNNING: wait
     * (up to 60 s) until it is in a terminal state, so that the step ends with the job stopped.
     */
    @Override
    void afterSavepoint(ActionContext ctx) {
        java.time.Instant deadline = ctx.clock().instant().plusSeconds(60);
        String state;
        while ((state = FlinkJobs.state(rest, jobId)) != null && !state.matches("FINISHED|CANCELED|FAILED")) {
            if (ctx.clock().instant().isAfter(deadline)) {
                throw new dev.runbook.core.TargetUnavailableException(
                        target() + ": the savepoint is complete but the job did not stop within 60 s; check it with"
                                + " flink.jobStatus(\"" + jobId + "\").read()",
                        null,
                        true);
            }
            ctx.sleeper().sleep(java.time.Duration.ofMillis(50));
        }
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        JobStatus s = JobStatus.read(rest, jobId);
        if (s.running() || "RESTARTING".equals(s.state())) {
            return Verification.failed("job " + jobId + " is still " + s.state(), s.state());
        }
        return savepointExists(result);
    }

    @Override
    public String toString() {
        return "StopWithSavepoint[" + target() + " into " + targetDirectory + ", " + format + ", drain=" + drain + "]";
    }
}
