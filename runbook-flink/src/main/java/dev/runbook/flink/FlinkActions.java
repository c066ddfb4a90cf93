package dev.runbook.flink;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The Flink entry point: job status, savepoints and rescaling through the JobManager's REST API (no Flink
 * jar needed on your class path).
 *
 * <pre>{@code
 * FlinkActions flink = FlinkActions.connect("http://127.0.0.1:8081");
 * flink.jobStatus(jobId).read();                               // RUNNING, restarts, last checkpoint
 * flink.triggerSavepoint(jobId, "file:///savepoints", SavepointFormat.CANONICAL);
 * flink.stopWithSavepoint(jobId, "file:///savepoints", SavepointFormat.CANONICAL, false);
 * flink.rescaleJob(jobId, 8).atMost(12);
 * }</pre>
 */
public final class FlinkActions {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private final FlinkRest rest;

    private FlinkActions(FlinkRest rest) {
        this.rest = rest;
    }

    /**
     * The REST API at {@code restUrl} (the JobManager's {@code rest.address:rest.port}, such as {@code
     * http://127.0.0.1:8081}), 15 s per request.
     *
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public static FlinkActions connect(String restUrl) {
        return connect(restUrl, DEFAULT_TIMEOUT);
    }

    /** The REST API at {@code restUrl}, with {@code timeout} per request. */
    public static FlinkActions connect(String restUrl, Duration timeout) {
        return of(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), restUrl, timeout);
    }

    /** Your configured client (TLS, proxy) for the REST API at {@code restUrl}. */
    public static FlinkActions of(HttpClient client, String restUrl, Duration timeout) {
        Objects.requireNonNull(client, "client");
        URI uri;
        try {
            uri = URI.create(Objects.requireNonNull(restUrl, "restUrl").trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "'" + restUrl + "' is not a URL; give the JobManager's REST address,"
                            + " such as http://127.0.0.1:8081",
                    e);
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + restUrl + "' is not an absolute http(s) URL; give the"
                    + " JobManager's REST address, such as http://127.0.0.1:8081");
        }
        return new FlinkActions(new FlinkRest(client, uri, Objects.requireNonNull(timeout, "timeout")));
    }

    // ---- probes

    /** One job's state, parallelism, restarts, last checkpoint and savepoint ({@code GET /jobs/:id} and more). */
    public Probe<JobStatus> jobStatus(String jobId) {
        String id = FlinkJobs.requireJobId(jobId);
        return Probe.of(rest.target() + " job " + id, () -> JobStatus.read(rest, id));
    }

    /**
     * The seed's {@code FlinkJobRestarting}: the job is RESTARTING now, or failed at least {@code failures}
     * times within {@code window} (from its exception history).
     *
     * <pre>{@code
     * .precheck("job restarting in a loop", flink.jobStatus(id), FlinkActions.restartingInALoop(3, Duration.ofMinutes(10), clock))
     * }</pre>
     */
    public static Condition<JobStatus> restartingInALoop(int failures, Duration window, Clock clock) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be >= 1, was " + failures);
        }
        return Condition.of(
                "restarting in a loop (RESTARTING, or " + failures + "+ failures in " + window + ")",
                s -> "RESTARTING".equals(s.state())
                        || s.failuresSince(clock.instant().minus(window)) >= failures);
    }

    // ---- actions

    /** An action that takes a savepoint of a running job into {@code targetDirectory}; the job keeps running. */
    public TriggerSavepoint triggerSavepoint(String jobId, String targetDirectory, SavepointFormat format) {
        return new TriggerSavepoint(rest, jobId, targetDirectory, format);
    }

    /** An action that stops a running job with a savepoint; {@code drain} fires event-time windows first. */
    public StopWithSavepoint stopWithSavepoint(
            String jobId, String targetDirectory, SavepointFormat format, boolean drain) {
        return new StopWithSavepoint(rest, jobId, targetDirectory, format, drain);
    }

    /** An action that rescales a running job on the adaptive scheduler; bound it with {@code atMost}. */
    public RescaleJob rescaleJob(String jobId, int parallelism) {
        return new RescaleJob(rest, jobId, parallelism, null, null);
    }

    /**
     * An action that restarts a stopped job from {@code savepointPath} by resubmitting {@code jar} ({@code
     * POST /jars/upload}, {@code POST /jars/:id/run}) at {@code parallelism}; {@code allowNonRestoredState}
     * is explicit. Add program arguments with {@code .programArgs(...)}.
     *
     * <pre>{@code
     * flink.restartFromSavepoint(oldJobId, savepointPath, Path.of("enrichment.jar"), "com.example.Enrichment", false, 4)
     * }</pre>
     */
    public RestartFromSavepoint restartFromSavepoint(
            String jobId,
            String savepointPath,
            java.nio.file.Path jar,
            String entryClass,
            boolean allowNonRestoredState,
            int parallelism) {
        return new RestartFromSavepoint(
                rest, jobId, savepointPath, jar, entryClass, allowNonRestoredState, parallelism, java.util.List.of());
    }

    @Override
    public String toString() {
        return "FlinkActions[" + rest.target() + "]";
    }
}
