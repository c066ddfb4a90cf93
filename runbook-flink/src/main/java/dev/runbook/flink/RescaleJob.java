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
    private final Via via;

    /**
     * The second path, for a job the adaptive scheduler does not run: stop with a savepoint into {@code
     * savepointDir}, restart from it with {@code jar} and {@code entryClass} at the new parallelism.
     */
    public record Via(String savepointDir, String jar, String entryClass) {}

    RescaleJob(FlinkRest rest, String jobId, int parallelism, Integer maxParallelism, Probe<Integer> bound) {
        this(rest, jobId, parallelism, maxParallelism, bound, null);
    }

    private RescaleJob(
            FlinkRest rest, String jobId, int parallelism, Integer maxParallelism, Probe<Integer> bound, Via via) {
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
        this.via = via;
    }

    /** The same rescale, refused above {@code max}. */
    public RescaleJob atMost(int max) {
        return new RescaleJob(rest, jobId, parallelism, max, null, via);
    }

    /** The same rescale, refused above what {@code bound} reads at plan time (a topic's partitions). */
    public RescaleJob atMost(Probe<Integer> bound) {
        return new RescaleJob(rest, jobId, parallelism, null, Objects.requireNonNull(bound, "bound"), via);
    }

    /**
     * The same rescale, allowed on a job the adaptive scheduler does not run: stop it with a savepoint into
     * {@code savepointDir} (CANONICAL, no drain), then resubmit {@code jar} with {@code entryClass} at the
     * new parallelism from that savepoint ({@link RestartFromSavepoint}, allowNonRestoredState false). The
     * job processes nothing in between, and the restarted job has a new id. On the adaptive scheduler the
     * rescale stays in place.
     *
     * <pre>{@code
     * flink.rescaleJob(jobId, 8).atMost(12).viaSavepoint("file:///var/flink/savepoints",
     *         Path.of("/opt/jobs/enrichment.jar"), "com.example.Enrichment")
     * }</pre>
     */
    public RescaleJob viaSavepoint(String savepointDir, java.nio.file.Path jar, String entryClass) {
        if (savepointDir == null || savepointDir.isBlank()) {
            throw new IllegalArgumentException("name the savepoint directory, such as 'file:///var/flink/savepoints'");
        }
        if (entryClass == null || entryClass.isBlank()) {
            throw new IllegalArgumentException("name the job's entry class, such as 'com.example.Enrichment'");
        }
        return new RescaleJob(
                rest,
                jobId,
                parallelism,
                maxParallelism,
                bound,
                new Via(savepointDir, Objects.requireNonNull(jar, "jar").toString(), entryClass));
    }

    private RestartFromSavepoint restart(String savepointPath) {
        return new RestartFromSavepoint(
                rest,
                jobId,
                savepointPath == null ? via.savepointDir() : savepointPath,
                java.nio.file.Path.of(via.jar()),
                via.entryClass(),
                false,
                parallelism,
                java.util.List.of());
    }

    /** Every parameter apply uses: the job, the parallelism and the bound (a number or the probe's name). */
    public record Params(String jobId, int parallelism, String bound, Via viaSavepoint) {}

    /** What the plan observed and apply re-reads: the state, each vertex's upper bound, the bound read. */
    record Observed(String jobId, String state, Map<String, Integer> upperBounds, Integer bound) {}

    @Override
    public Params parameters() {
        return new Params(
                jobId,
                parallelism,
                bound != null ? bound.name() : maxParallelism == null ? null : "" + maxParallelism,
                via);
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
        if (via != null) {
            String newJob = restart(null).newJobId(ctx);
            JsonNode started = rest.getOrNull("jobs/" + newJob);
            if (started != null) {
                return StepPlan.unchanged(
                        this,
                        "this step already rescaled job " + jobId + " through a savepoint: job " + newJob + " ("
                                + started.path("state").asText() + ") replaces it",
                        new Observed(jobId, "RESTARTED", Map.of(), null));
            }
        }
        JobStatus s = JobStatus.read(rest, jobId);
        FlinkJobs.requireRunning(rest, jobId, s.state(), "rescale it");
        String scheduler = scheduler();
        boolean inPlace = scheduler == null;
        if (!inPlace && via == null) {
            throw new RefusedException(target() + " runs on the '" + scheduler + "' scheduler: rescaling in place"
                    + " needs jobmanager.scheduler: adaptive. Otherwise let this action stop the job with a savepoint"
                    + " and resubmit its jar at the new parallelism: .viaSavepoint(savepointDir, jar, entryClass)"
                    + " (by hand: flink.stopWithSavepoint(...), then flink.restartFromSavepoint(...) with -p "
                    + parallelism + ")");
        }
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
        if (!inPlace) {
            return planViaSavepoint(s, boundNow, scheduler, ctx);
        }
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

    /** Null on the adaptive (or reactive) scheduler, else the scheduler's name. */
    private String scheduler() {
        Map<String, String> config = new TreeMap<>();
        rest.get("jobmanager/config")
                .forEach(e -> config.put(e.path("key").asText(), e.path("value").asText()));
        boolean adaptive = "adaptive".equalsIgnoreCase(config.getOrDefault("jobmanager.scheduler", ""))
                || "reactive".equalsIgnoreCase(config.getOrDefault("scheduler-mode", ""));
        return adaptive ? null : config.getOrDefault("jobmanager.scheduler", "default");
    }

    /** What the savepoint path observes: the state and each vertex's parallelism (no resource requirements). */
    private Observed observeViaSavepoint(JobStatus s, Integer boundNow) {
        return new Observed(jobId, s.state(), new TreeMap<>(s.parallelism()), boundNow);
    }

    private StepPlan planViaSavepoint(JobStatus s, Integer boundNow, String scheduler, ActionContext ctx) {
        Observed before = observeViaSavepoint(s, boundNow);
        if (s.parallelism().values().stream().allMatch(p -> p == parallelism)) {
            return StepPlan.unchanged(this, "job " + jobId + " already runs at parallelism " + parallelism, before);
        }
        RestartFromSavepoint restart = restart(null);
        restart.requireJar();
        String newJob = restart.newJobId(ctx);
        return StepPlan.builder(this)
                .summary("rescale job '" + s.name() + "' (" + jobId + ") from " + s.maxParallelism() + " to "
                        + parallelism + " by stop-with-savepoint into " + via.savepointDir() + " and a restart from"
                        + " it as job " + newJob + " (the '" + scheduler + "' scheduler cannot rescale in place)")
                .before(before)
                .after(new Observed(newJob, "RUNNING", Map.of("*", parallelism), boundNow))
                .blastRadius("jobs", 1)
                .blastRadius("subtasks", (long) parallelism * s.parallelism().size())
                .resource(s.name())
                .warning("the job processes nothing from the stop until the restarted job runs (jar upload, submission,"
                        + " restore: seconds on small state, longer on large state); nothing is processed twice"
                        + " (the savepoint is taken at the stop)")
                .warning("the restarted job has a new id (" + newJob + ") and no inverse here: rescale the new job"
                        + " back; it is restored with allowNonRestoredState=false from jar " + via.jar()
                        + ", entry class " + via.entryClass())
                .details(Map.of(
                        "parallelism",
                        s.parallelism(),
                        "bound",
                        boundNow == null ? "none" : boundNow,
                        "path",
                        "stop-with-savepoint and restart",
                        "newJobId",
                        newJob))
                .build();
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        if (plan.details() != null && plan.details().has("newJobId")) {
            return applyViaSavepoint(plan, ctx);
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

    private ApplyResult applyViaSavepoint(StepPlan plan, ActionContext ctx) {
        JobStatus s = JobStatus.read(rest, jobId);
        plan.requireUnchanged(observeViaSavepoint(s, readBound()));
        restart(null).requireJar();
        StopWithSavepoint stop =
                new StopWithSavepoint(rest, jobId, via.savepointDir(), SavepointFormat.CANONICAL, false);
        ApplyResult stopped = stop.apply(stop.plan(ctx), ctx);
        String path = stopped.details().path("savepointPath").asText();
        RestartFromSavepoint restart = restart(path);
        ApplyResult restarted = restart.apply(restart.plan(ctx), ctx);
        String newJob = restarted.details().path("newJobId").asText();
        return ApplyResult.changed("rescaled job " + jobId + " to " + parallelism + " by stop-with-savepoint and a"
                        + " restart as job " + newJob)
                .item(newJob, Outcome.CHANGED, s.parallelism() + " -> " + parallelism + " (restored from " + path + ")")
                .details(Map.of("from", s.parallelism(), "savepointPath", path, "newJobId", newJob))
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
        if (result.details() != null && result.details().has("newJobId")) {
            String newJob = result.details().path("newJobId").asText();
            String path = result.details().path("savepointPath").asText();
            return restart(path).restoredAndCheckpointed(newJob) >= 0
                    ? Verification.passed(
                            "job " + newJob + " (replacing " + jobId + ") runs at parallelism " + parallelism
                                    + ", restored from " + path + " and checkpointing again",
                            newJob)
                    : Verification.failed(
                            "job " + newJob + " is not RUNNING at " + parallelism
                                    + " with a checkpoint after restoring " + path,
                            newJob);
        }
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
        if (plan.isNoop() || (plan.details() != null && plan.details().has("newJobId"))) {
            return Optional.empty();
        }
        int from = plan.before(Observed.class).upperBounds().values().stream()
                .mapToInt(Integer::intValue)
                .max()
                .orElse(parallelism);
        return Optional.of(new RescaleJob(rest, jobId, from, null, null, null));
    }

    @Override
    public String toString() {
        return "RescaleJob[" + target() + " to " + parallelism + "]";
    }
}
