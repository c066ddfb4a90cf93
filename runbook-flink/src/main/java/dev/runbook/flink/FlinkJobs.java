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

    /**
     * The job's state from {@code GET /jobs} (the dispatcher's list, not cached like the job details of
     * {@code GET /jobs/:id}, which lag up to {@code rest.cache.execution-graph.timeout}, 3 s), or null if
     * the cluster does not know the job.
     */
    static String state(FlinkRest rest, String jobId) {
        for (JsonNode j : rest.get("jobs").path("jobs")) {
            if (jobId.equals(j.path("id").asText())) {
                return j.path("status").asText();
            }
        }
        return null;
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
