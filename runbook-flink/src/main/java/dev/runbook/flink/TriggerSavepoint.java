package dev.runbook.flink;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import java.util.Map;

/**
 * Takes a savepoint of a running job ({@code POST /jobs/:id/savepoints}, then polls the operation) and
 * records its path in the apply result ({@link SavepointAction.Taken}) for a later restore. The job keeps
 * running. The trigger id comes from the run and step: a rerun finds the savepoint it took (UNCHANGED)
 * instead of taking another. No inverse: a savepoint changes nothing in the job.
 *
 * <pre>{@code
 * TriggerSavepoint sp = flink.triggerSavepoint(jobId, "file:///var/flink/savepoints", SavepointFormat.CANONICAL);
 * // take a savepoint of job 'orders-enrichment' (a1b2...) into file:///var/flink/savepoints (CANONICAL format)
 * }</pre>
 *
 * <p>Plan refuses (RefusedException) an unknown job id or a job that is not RUNNING
 */
public final class TriggerSavepoint extends SavepointAction {

    TriggerSavepoint(FlinkRest rest, String jobId, String targetDirectory, SavepointFormat format) {
        super(rest, jobId, targetDirectory, format);
    }

    /** Every parameter apply uses. */
    public record Params(String jobId, String targetDirectory, SavepointFormat formatType) {}

    @Override
    public Params parameters() {
        return new Params(jobId, targetDirectory, format);
    }

    @Override
    public String type() {
        return "flink.triggerSavepoint";
    }

    @Override
    String kind() {
        return "savepoint";
    }

    @Override
    String verb() {
        return "take a savepoint of";
    }

    @Override
    StepPlan.Builder builder(JobStatus s, String triggerId) {
        return super.builder(s, triggerId)
                .warning("no inverse needed: the job keeps running; the savepoint's path"
                        + " is in the apply result for a restore");
    }

    @Override
    void trigger(String triggerId) {
        rest.post(
                "jobs/" + jobId + "/savepoints",
                Map.of(
                        "target-directory",
                        targetDirectory,
                        "cancel-job",
                        false,
                        "formatType",
                        format.name(),
                        "triggerId",
                        triggerId));
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        return savepointExists(result);
    }

    @Override
    public String toString() {
        return "TriggerSavepoint[" + target() + " into " + targetDirectory + ", " + format + "]";
    }
}
