package dev.runbook.flink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ActionContext;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The asynchronous savepoint operations of the REST API: trigger with an idempotency trigger id, then poll
 * {@code /jobs/:id/savepoints/:triggerId} until COMPLETED. The trigger id comes from the run and step,
 * so a rerun (after a crash, or a second apply) finds the operation it started instead of taking another
 * savepoint, for as long as the JobManager keeps the result ({@code rest.async.store-duration}, 5 min).
 */
final class Savepoints {

    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private Savepoints() {}

    /** 32 hex digits derived from the run and step: the same on every rerun of this step. */
    static String triggerId(ActionContext ctx, String kind, String jobId) {
        return UUID.nameUUIDFromBytes(
                        ("runbook/" + kind + "/" + jobId + "/" + ctx.idempotencyKey()).getBytes(StandardCharsets.UTF_8))
                .toString()
                .replace("-", "");
    }

    /** The operation's status, or null if the JobManager does not know the trigger id. */
    static JsonNode status(FlinkRest rest, String jobId, String triggerId) {
        return rest.getOrNull("jobs/" + jobId + "/savepoints/" + triggerId);
    }

    /** The savepoint path of a COMPLETED operation, or null if it is still in progress. */
    static String completedPath(FlinkRest rest, String jobId, JsonNode status) {
        if (status == null
                || !"COMPLETED".equals(status.path("status").path("id").asText())) {
            return null;
        }
        JsonNode op = status.path("operation");
        if (op.hasNonNull("failure-cause")) {
            JsonNode cause = op.get("failure-cause");
            String text = cause.path("serialized-throwable").isMissingNode()
                    ? cause.toString()
                    : cause.path("class").asText(cause.toString());
            throw new RefusedException(rest.target() + " could not take the savepoint of job " + jobId + ": "
                    + FlinkRest.errors(cause.toString()).lines().findFirst().orElse(text)
                    + "; check the job's checkpoint settings and the target directory, then plan again");
        }
        return op.path("location").asText();
    }

    /** Polls until the operation completes; returns its savepoint path. */
    static String await(FlinkRest rest, String jobId, String triggerId, ActionContext ctx) {
        Instant deadline = ctx.clock().instant().plus(TIMEOUT);
        while (true) {
            String path = completedPath(rest, jobId, status(rest, jobId, triggerId));
            if (path != null) {
                return path;
            }
            if (ctx.clock().instant().isAfter(deadline)) {
                throw new TargetUnavailableException(
                        rest.target() + " did not complete savepoint " + triggerId + " of job " + jobId + " within "
                                + TIMEOUT + "; rerun to go on waiting for the same operation",
                        null,
                        true);
            }
            ctx.sleeper().sleep(Duration.ofMillis(100));
        }
    }
}
