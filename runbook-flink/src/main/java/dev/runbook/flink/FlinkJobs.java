package dev.runbook.flink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.RefusedException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Job lookups the actions share: the details of one job, refusals naming the known jobs. */
final class FlinkJobs {

    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

    private FlinkJobs() {}

    /**
     * Checks the form of a job id, as {@code flink list} prints it.
     *
     * @throws IllegalArgumentException for anything but 32 lowercase hex digits
     */
    static String requireJobId(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("a Flink job id is 32 hex digits, such as"
                    + " 'a1b2c3d4e5f60718293a4b5c6d7e8f90' (flink list, or GET /jobs), was '" + jobId + "'");
        }
        return jobId;
    }

    /** GET /jobs/:id; an unknown id is refused naming the jobs the cluster knows. */
    static JsonNode details(FlinkRest rest, String jobId) {
        JsonNode job = rest.getOrNull("jobs/" + jobId);
        if (job == null) {
            throw new RefusedException(rest.target() + " has no job " + jobId + "; its jobs: " + known(rest)
                    + " (a job id changes when a job is resubmitted)");
        }
        return job;
    }

    /** Every job the cluster knows, as {@code id STATE}. */
    static List<String> known(FlinkRest rest) {
        List<String> out = new ArrayList<>();
        rest.get("jobs")
                .path("jobs")
                .forEach(j ->
                        out.add(j.path("id").asText() + " " + j.path("status").asText()));
        return out;
    }

    /**
     * Refuses unless the job is RUNNING.
     *
     * @throws RefusedException naming the state and what to do
     */
    static void requireRunning(FlinkRest rest, String jobId, String state, String what) {
        if (!"RUNNING".equals(state)) {
            throw new RefusedException(rest.target() + " job " + jobId + " is " + state + ", not RUNNING: cannot "
                    + what + ". Check it with flink.jobStatus(\"" + jobId + "\").read(); a finished or canceled"
                    + " job must be restarted from its last savepoint first");
        }
    }
}
