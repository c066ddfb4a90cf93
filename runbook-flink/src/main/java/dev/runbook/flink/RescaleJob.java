package dev.runbook.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.Outcome;
import dev.runbook.core.Probe;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Rescales a running job to a new parallelism through the adaptive scheduler's resource requirements
 * ({@code PUT /jobs/:id/resource-requirements}, Flink 1.18+): the job restarts from its last checkpoint at
 * the new parallelism, without a resubmission. A job on the default scheduler is refused (rescaling it
 * means stop-with-savepoint and a resubmission, which this action does not do). The upper bound comes
 * from {@link #atMost(int)} or a probe read at plan time, such as the source topic's partition count:
 * more subtasks than partitions would sit idle. Verify: RUNNING with every vertex at the new parallelism
 * and a checkpoint completed after the restart. The inverse rescales back to the planned parallelism.
 *
 * <pre>{@code
 * flink.rescaleJob(jobId, 8).atMost(kafka.endOffsets("orders").map("partitions", Map::size))
 * // rescale job 'orders-enrichment' (a1b2...) from 4 to 8 through the adaptive scheduler ...
 * }</pre>
 *
 * <p>Plan refuses (RefusedException) an unknown job, a job not RUNNING, the default scheduler, or a
 *     parallelism above the bound or a vertex's max parallelism
 */
public final class RescaleJob implements Action {

    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final FlinkRest rest;
    private final String jobId;
    private final int parallelism;
    private final Integer maxParallelism;
    private final Probe<Integer> bound;

    RescaleJob(FlinkRest rest, String jobId, int parallelism, Integer maxParallelism, Probe<Integer> bound) {
        this.rest = Objects.requireNonNull(rest, "rest");
        this.jobId = FlinkJobs.requireJobId(jobId);
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        if (maxParallelism != null && maxParallelism < 1) {
            throw new IllegalArgumentException("the bound must be >= 1, was " + maxParallelism);
        }
        this.parallelism = parallelism;
        this.maxParallelism = maxParallelism;
        this.bound = bound;
    }

    /** The same rescale, refused above {@code max}. */
    public RescaleJob atMost(int max) {
        return new RescaleJob(rest, jobId, parallelism, max, null);
    }

    /** The same rescale, refused above what {@code bound} reads at plan time (a topic's partitions). */
    public RescaleJob atMost(Probe<Integer> bound) {
        return new RescaleJob(rest, jobId, parallelism, null, Objects.requireNonNull(bound, "bound"));
    }

    /** Every parameter apply uses: the job, the parallelism and the bound (a number or the probe's name). */
    public record Params(String jobId, int parallelism, String bound) {}

    /** What the plan observed and apply re-reads: the state, each vertex's upper bound, the bound read. */
    record Observed(String jobId, String state, Map<String, Integer> upperBounds, Integer bound) {}

    @Override
    public Params parameters() {
        return new Params(
                jobId, parallelism, bound != null ? bound.name() : maxParallelism == null ? null : "" + maxParallelism);
    }

    @Override
    public String type() {
        return "flink.rescaleJob";
    }

    @Override
    public String target() {
        return rest.target() + " job " + jobId;
    }

    @Override
    public boolean destructive() {
        return false;
    }

    private Integer readBound() {
        return bound != null ? bound.read() : maxParallelism;
    }

    private JsonNode requirements() {
        return rest.get("jobs/" + jobId + "/resource-requirements");
    }

    private Observed observe(JobStatus s, JsonNode req, Integer boundNow) {
        Map<String, Integer> upper = new TreeMap<>();
        req.properties()
                .forEach(e -> upper.put(
                        e.getKey(),
                        e.getValue().path("parallelism").path("upperBound").asInt()));
        return new Observed(jobId, s.state(), upper, boundNow);
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        JobStatus s = JobStatus.read(rest, jobId);
        FlinkJobs.requireRunning(rest, jobId, s.state(), "rescale it");
        requireAdaptiveScheduler();
        Integer boundNow = readBound();
        if (boundNow != null && parallelism > boundNow) {
            throw new RefusedException(target() + ": parallelism " + parallelism + " is above the bound " + boundNow
                    + (bound != null ? " read from " + bound.name() : "") + "; more subtasks than that would sit idle."
                    + " Rescale to at most " + boundNow + ", or raise the bound (add partitions first)");
        }
        JsonNode details = FlinkJobs.details(rest, jobId);
        details.path("vertices").forEach(v -> {
            int max = v.path("maxParallelism").asInt(Integer.MAX_VALUE);
            if (max > 0 && parallelism > max) {
                throw new RefusedException(target() + ": vertex '"
                        + v.path("name").asText() + "' has max parallelism " + max + " (its key groups), below "
                        + parallelism + "; it cannot be raised without a new job");
            }
        });
        Observed before = observe(s, requirements(), boundNow);
        if (before.upperBounds().values().stream().allMatch(u -> u == parallelism)
                && s.parallelism().values().stream().allMatch(p -> p == parallelism)) {
            return StepPlan.unchanged(this, "job " + jobId + " already runs at parallelism " + parallelism, before);
        }
        int from = s.maxParallelism();
        StepPlan.Builder plan = StepPlan.builder(this)
                .summary("rescale job '" + s.name() + "' (" + jobId + ") from " + from + " to " + parallelism
                        + " through the adaptive scheduler (PUT resource-requirements)")
                .before(before)
                .after(new Observed(jobId, "RUNNING", Map.of("*", parallelism), boundNow))
                .blastRadius("jobs", 1)
                .blastRadius("subtasks", (long) parallelism * s.parallelism().size())
                .resource(s.name())
                .warning("the job restarts from its last completed checkpoint"
                        + (s.lastCheckpoint() == null
                                ? " (none yet: it starts from scratch)"
                                : " (" + s.lastCheckpoint().id() + ")")
                        + " and processes nothing for a few seconds; records since that checkpoint are processed again")
                .details(Map.of("parallelism", s.parallelism(), "bound", boundNow == null ? "none" : boundNow));
        int slots = rest.get("overview").path("slots-total").asInt(-1);
        if (slots >= 0 && slots < parallelism) {
            plan.warning("the cluster has " + slots + " task slots: the adaptive scheduler runs the job at what the"
                    + " slots allow until more TaskManagers join, and verify fails until then");
        }
        return plan.build();
    }

    private void requireAdaptiveScheduler() {
        Map<String, String> config = new TreeMap<>();
        rest.get("jobmanager/config")
                .forEach(e -> config.put(e.path("key").asText(), e.path("value").asText()));
        boolean adaptive = "adaptive".equalsIgnoreCase(config.getOrDefault("jobmanager.scheduler", ""))
                || "reactive".equalsIgnoreCase(config.getOrDefault("scheduler-mode", ""));
        if (!adaptive) {
            throw new RefusedException(
                    target() + " runs on the '" + config.getOrDefault("jobmanager.scheduler", "default")
                            + "' scheduler: rescaling in place needs jobmanager.scheduler: adaptive. Otherwise stop the job"
                            + " with a savepoint (flink.stopWithSavepoint(...)) and resubmit it with the new parallelism"
                            + " (flink run -s <savepoint> -p " + parallelism + " ...)");
        }
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        JobStatus s = JobStatus.read(rest, jobId);
        JsonNode req = requirements();
        plan.requireUnchanged(observe(s, req, readBound()));
        ObjectNode wanted = Json.mapper().createObjectNode();
        req.properties().forEach(e -> {
            ObjectNode p = wanted.putObject(e.getKey()).putObject("parallelism");
            p.put(
                    "lowerBound",
                    Math.min(e.getValue().path("parallelism").path("lowerBound").asInt(1), parallelism));
            p.put("upperBound", parallelism);
        });
        long checkpointBefore =
                s.lastCheckpoint() == null ? -1 : s.lastCheckpoint().id();
        rest.put("jobs/" + jobId + "/resource-requirements", wanted);
        JobStatus now = awaitRescaled(ctx, checkpointBefore);
        return ApplyResult.changed("rescaled job " + jobId + " to " + parallelism)
                .item(jobId, Outcome.CHANGED, s.parallelism() + " -> " + now.parallelism())
                .details(Map.of("from", s.parallelism(), "checkpointBefore", checkpointBefore))
                .build();
    }

    /** Polls until the job runs at the new parallelism and, if it checkpoints, completed one since. */
    private JobStatus awaitRescaled(ActionContext ctx, long checkpointBefore) {
        Instant deadline = ctx.clock().instant().plus(SETTLE);
        JobStatus s;
        while (!done(s = JobStatus.read(rest, jobId), checkpointBefore)) {
            if (ctx.clock().instant().isAfter(deadline)) {
                throw new TargetUnavailableException(
                        target() + " did not run at parallelism " + parallelism + " within " + SETTLE + " (now " + s
                                + "); check the free task slots, then rerun",
                        null,
                        true);
            }
            ctx.sleeper().sleep(Duration.ofMillis(200));
        }
        return s;
    }

    private boolean done(JobStatus s, long checkpointBefore) {
        return s.running()
                && s.parallelism().values().stream().allMatch(p -> p == parallelism)
                && (checkpointBefore < 0
                        || (s.lastCheckpoint() != null && s.lastCheckpoint().id() > checkpointBefore));
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        JobStatus s = JobStatus.read(rest, jobId);
        long before = result.details() == null
                ? -1
                : result.details().path("checkpointBefore").asLong(-1);
        return done(s, before)
                ? Verification.passed(
                        "job " + jobId + " runs at parallelism " + parallelism
                                + (before < 0
                                        ? ""
                                        : " and completed checkpoint "
                                                + s.lastCheckpoint().id()),
                        s.parallelism())
                : Verification.failed(
                        "job " + jobId + " is not yet RUNNING at " + parallelism + " with a new" + " checkpoint: " + s,
                        s.parallelism());
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        if (plan.isNoop()) {
            return Optional.empty();
        }
        int from = plan.before(Observed.class).upperBounds().values().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(parallelism);
        return Optional.of(new RescaleJob(rest, jobId, from, null, null));
    }

    @Override
    public String toString() {
        return "RescaleJob[" + target() + " to " + parallelism + "]";
    }
}
