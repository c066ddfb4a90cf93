package dev.runbook.flink;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of a Flink job through the REST API: its state, the parallelism of each vertex, restarts,
 * the last completed checkpoint and savepoint, and when it last failed. The REST API caches checkpoint
 * statistics ({@code rest.cache.checkpoint-statistics.timeout}, by default {@code web.refresh-interval},
 * 3 s): a checkpoint or savepoint shows here up to that long after it completed. The state comes from
 * the job list ({@code GET /jobs}, not cached); the parallelism from the job details, cached as long
 * ({@code rest.cache.execution-graph.timeout}).
 *
 * <pre>{@code
 * JobStatus s = flink.jobStatus(jobId).read();
 * s.state();                 // RUNNING, RESTARTING, FAILED, CANCELED, FINISHED, ...
 * s.lastCheckpoint();        // id 41, completed at ..., external path (null when not retained)
 * s.failuresSince(Instant.now().minus(Duration.ofMinutes(10)));
 * }</pre>
 *
 * @param jobId the job id (32 hex digits)
 * @param name the job name
 * @param state the job state as Flink names it
 * @param parallelism each vertex's name and its current parallelism
 * @param restarts the job's {@code numRestarts} metric, or the failures in the exception history when
 *     the metric is not reported yet
 * @param failures when each failure of the exception history happened, newest first
 * @param lastCheckpoint the last completed checkpoint, or null
 * @param lastSavepoint the last completed savepoint, or null
 * @param failedCheckpoints how many checkpoints failed
 */
public record JobStatus(
        String jobId,
        String name,
        String state,
        Map<String, Integer> parallelism,
        long restarts,
        List<Instant> failures,
        Checkpoint lastCheckpoint,
        Checkpoint lastSavepoint,
        long failedCheckpoints) {

    public JobStatus {
        parallelism = Map.copyOf(parallelism);
        failures = List.copyOf(failures);
    }

    /**
     * A completed checkpoint or savepoint.
     *
     * @param id its id
     * @param completedAt when its last acknowledgement arrived
     * @param externalPath where it is stored, or null when not retained
     */
    public record Checkpoint(long id, Instant completedAt, String externalPath) {}

    /** Whether the job is RUNNING. */
    public boolean running() {
        return "RUNNING".equals(state);
    }

    /** The highest parallelism of any vertex. */
    public int maxParallelism() {
        return parallelism.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** How many failures of the exception history happened at or after {@code since}. */
    public int failuresSince(Instant since) {
        return (int) failures.stream().filter(t -> !t.isBefore(since)).count();
    }

    /** Whether the last completed checkpoint is older than {@code age} at {@code now} (or there is none). */
    public boolean checkpointOlderThan(Duration age, Instant now) {
        return lastCheckpoint == null || lastCheckpoint.completedAt().isBefore(now.minus(age));
    }

    /** Reads the job; an unknown job id is refused naming the jobs the cluster knows. */
    static JobStatus read(FlinkRest rest, String jobId) {
        JsonNode job = FlinkJobs.details(rest, jobId);
        // the state from the job list, which is not cached like the details (rest.cache.execution-graph.timeout)
        String state = FlinkJobs.state(rest, jobId);
        Map<String, Integer> parallelism = new LinkedHashMap<>();
        job.path("vertices")
                .forEach(v -> parallelism.put(
                        v.path("name").asText(), v.path("parallelism").asInt()));
        JsonNode cp = rest.getIfAvailable("jobs/" + jobId + "/checkpoints");
        JsonNode latest = cp == null ? null : cp.path("latest");
        List<Instant> failures = new ArrayList<>();
        JsonNode ex = rest.getIfAvailable("jobs/" + jobId + "/exceptions?maxExceptions=50");
        if (ex != null) {
            ex.path("exceptionHistory").path("entries").forEach(e -> {
                if (e.hasNonNull("timestamp")) {
                    failures.add(Instant.ofEpochMilli(e.get("timestamp").asLong()));
                }
            });
        }
        long restarts = failures.size();
        JsonNode metric = rest.getIfAvailable("jobs/" + jobId + "/metrics?get=numRestarts");
        if (metric != null && metric.isArray() && metric.size() > 0) {
            restarts = metric.get(0).path("value").asLong(restarts);
        }
        return new JobStatus(
                jobId,
                job.path("name").asText(),
                state != null ? state : job.path("state").asText(),
                parallelism,
                restarts,
                failures,
                latest == null ? null : checkpoint(latest.path("completed")),
                latest == null ? null : checkpoint(latest.path("savepoint")),
                cp == null ? 0 : cp.path("counts").path("failed").asLong());
    }

    private static Checkpoint checkpoint(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull() || !n.hasNonNull("id")) {
            return null;
        }
        String path = n.path("external_path").asText(null);
        return new Checkpoint(
                n.get("id").asLong(),
                Instant.ofEpochMilli(n.path("latest_ack_timestamp").asLong()),
                path == null || path.isBlank() || "<checkpoint-not-externally-addressable>".equals(path) ? null : path);
    }

    @Override
    public String toString() {
        return "job " + jobId + " '" + name + "' " + state + " parallelism " + parallelism + ", " + restarts
                + " restarts, last checkpoint "
                + (lastCheckpoint == null ? "none" : lastCheckpoint.id() + " at " + lastCheckpoint.completedAt())
                + ", last savepoint "
                + (lastSavepoint == null ? "none" : lastSavepoint.externalPath());
    }
}
