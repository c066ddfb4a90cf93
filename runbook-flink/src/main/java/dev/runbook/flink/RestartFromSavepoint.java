package dev.runbook.flink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.jar.JarFile;

/**
 * Restarts a stopped job from a savepoint (or a retained checkpoint) by resubmitting its jar through the
 * REST API: {@code POST /jars/upload}, then {@code POST /jars/:jarid/run} with {@code savepointPath},
 * {@code allowNonRestoredState}, {@code entryClass}, {@code parallelism} and {@code programArgsList},
 * all explicit. The new job's id is derived from the run and step, so a rerun finds the job it started
 * instead of submitting another. Verify: the new job RUNNING at the parallelism, restored from that
 * savepoint, with a checkpoint completed after the restore.
 *
 * <pre>{@code
 * flink.restartFromSavepoint(oldJobId, "file:///var/flink/savepoints/savepoint-8f3c1d-2b6a44c22d56",
 *         Path.of("/opt/jobs/lakehouse-enrichment.jar"), "com.example.Enrichment", false, 4)
 * // restart job 'lakehouse-enrichment' (8f3c...) from savepoint file:/var/... as job 5d1e... at parallelism 4 ...
 * }</pre>
 *
 * <p>Plan refuses (RefusedException) an unknown job, a job still running (stop it with a savepoint
 * first), a {@code file:} savepoint without its {@code _metadata} file, a jar that is missing or not a
 * jar, and an entry class the jar does not hold.
 */
public final class RestartFromSavepoint implements Action {

    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final FlinkRest rest;
    private final String jobId;
    private final String savepointPath;
    private final Path jar;
    private final String entryClass;
    private final boolean allowNonRestoredState;
    private final int parallelism;
    private final List<String> programArgs;

    RestartFromSavepoint(
            FlinkRest rest,
            String jobId,
            String savepointPath,
            Path jar,
            String entryClass,
            boolean allowNonRestoredState,
            int parallelism,
            List<String> programArgs) {
        this.rest = Objects.requireNonNull(rest, "rest");
        this.jobId = FlinkJobs.requireJobId(jobId);
        if (savepointPath == null || savepointPath.isBlank()) {
            throw new IllegalArgumentException("name the savepoint to restore, such as"
                    + " 'file:///var/flink/savepoints/savepoint-8f3c1d-2b6a44c22d56' (the apply result of"
                    + " stopWithSavepoint holds it); it is never guessed");
        }
        this.savepointPath = savepointPath.trim();
        this.jar = Objects.requireNonNull(jar, "jar: the job's jar file, as the build produced it");
        if (entryClass == null || entryClass.isBlank()) {
            throw new IllegalArgumentException("name the entry class (the class with main), such as"
                    + " 'com.example.Enrichment'; the jar's Main-Class is not assumed");
        }
        this.entryClass = entryClass.trim();
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        this.allowNonRestoredState = allowNonRestoredState;
        this.parallelism = parallelism;
        this.programArgs = List.copyOf(programArgs);
    }

    /** The same restart, with these program arguments ({@code programArgsList}). */
    public RestartFromSavepoint programArgs(String... args) {
        return new RestartFromSavepoint(
                rest, jobId, savepointPath, jar, entryClass, allowNonRestoredState, parallelism, List.of(args));
    }

    /** Every parameter apply uses. */
    public record Params(
            String jobId,
            String jar,
            String entryClass,
            String savepointPath,
            boolean allowNonRestoredState,
            int parallelism,
            List<String> programArgs) {}

    /** What the plan observed and apply re-reads: the old job's state, the savepoint, the jar's bytes. */
    record Observed(String jobId, String state, String savepointPath, boolean savepointFound, String jarSha256) {}

    /** What apply records: the new job, restored from the savepoint. */
    public record Restarted(
            String oldJobId, String newJobId, String savepointPath, int parallelism, long restoredCheckpointId) {}

    @Override
    public Params parameters() {
        return new Params(
                jobId, jar.toString(), entryClass, savepointPath, allowNonRestoredState, parallelism, programArgs);
    }

    @Override
    public String type() {
        return "flink.restartFromSavepoint";
    }

    @Override
    public String target() {
        return rest.target() + " job " + jobId;
    }

    @Override
    public boolean destructive() {
        return false;
    }

    /** The new job's id: 32 hex digits from the run, the step and the old job, the same on every rerun. */
    String newJobId(ActionContext ctx) {
        return UUID.nameUUIDFromBytes(
                        ("runbook/restart/" + jobId + "/" + ctx.idempotencyKey()).getBytes(StandardCharsets.UTF_8))
                .toString()
                .replace("-", "");
    }

    @Override
    public StepPlan plan(ActionContext ctx) {
        String newJob = newJobId(ctx);
        JsonNode started = rest.getOrNull("jobs/" + newJob);
        if (started != null) {
            return StepPlan.unchanged(
                    this,
                    "this step already restarted job " + jobId + " from " + savepointPath + " as job " + newJob + " ("
                            + started.path("state").asText() + ")",
                    new Observed(jobId, "RESTARTED", savepointPath, true, null));
        }
        JsonNode details = FlinkJobs.details(rest, jobId);
        String state = Objects.requireNonNullElse(
                FlinkJobs.state(rest, jobId), details.path("state").asText());
        if (!state.matches("FINISHED|CANCELED|FAILED")) {
            throw new RefusedException(target() + " is still " + state + ": restarting it from a savepoint would run"
                    + " it twice. Stop it first with flink.stopWithSavepoint(\"" + jobId + "\", dir, format, false)"
                    + " and restart from the path its apply result holds");
        }
        Observed before = observe(state);
        if (!before.savepointFound()) {
            throw new RefusedException(target() + ": savepoint " + savepointPath + " does not exist (no _metadata"
                    + " file at " + localMetadata() + "); give the path that stopWithSavepoint or triggerSavepoint"
                    + " recorded, or a retained checkpoint (chk-N) of the job");
        }
        requireJar();
        StepPlan.Builder plan = StepPlan.builder(this)
                .summary("restart job '" + details.path("name").asText() + "' (" + jobId + ") from savepoint "
                        + savepointPath + " as job " + newJob + " at parallelism " + parallelism + " (jar "
                        + jar.getFileName() + ", entry class " + entryClass + ")")
                .before(before)
                .after(new Observed(jobId, state, savepointPath, true, before.jarSha256()))
                .blastRadius("jobs", 1)
                .resource(details.path("name").asText())
                .warning("allowNonRestoredState=" + allowNonRestoredState
                        + (allowNonRestoredState
                                ? ": state of operators the new job no longer has is dropped silently"
                                : ": the submission fails if the savepoint holds state no operator of the new job"
                                        + " claims"))
                .warning("the new job has a new id (" + newJob + "); runbooks and alerts keyed on " + jobId
                        + " must follow it. No inverse: stop the new job with a savepoint to undo")
                .details(Map.of("newJobId", newJob, "programArgs", programArgs));
        if (localMetadata() == null) {
            plan.warning("the savepoint's scheme is not a local file: its existence is checked by the JobManager at"
                    + " submission, not here");
        }
        return plan.build();
    }

    private Observed observe(String state) {
        Path meta = localMetadata();
        boolean found = meta == null || Files.isRegularFile(meta);
        return new Observed(jobId, state, savepointPath, found, sha256());
    }

    /** The {@code _metadata} file of a {@code file:} savepoint (or a plain local path), else null. */
    private Path localMetadata() {
        String p = savepointPath;
        Path dir;
        if (p.startsWith("file:")) {
            dir = Path.of(URI.create(p.startsWith("file://") ? p : "file://" + p.substring("file:".length())));
        } else if (p.startsWith("/")) {
            dir = Path.of(p);
        } else {
            return null;
        }
        return dir.getFileName() != null && dir.getFileName().toString().equals("_metadata")
                ? dir
                : dir.resolve("_metadata");
    }

    private String sha256() {
        if (!Files.isRegularFile(jar)) {
            throw new RefusedException(target() + ": jar " + jar + " does not exist or is not a file; give the jar"
                    + " the build produced (the job's fat jar)");
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(jar)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Refuses a missing jar, a file that is not a jar, or an entry class the jar does not hold. */
    void requireJar() {
        sha256();
        String entry = entryClass.replace('.', '/') + ".class";
        try (JarFile j = new JarFile(jar.toFile())) {
            if (j.getEntry(entry) == null) {
                String main = j.getManifest() == null
                        ? null
                        : j.getManifest().getMainAttributes().getValue("Main-Class");
                throw new RefusedException(target() + ": jar " + jar + " has no class " + entryClass + " (" + entry
                        + ")" + (main == null ? "" : "; its Main-Class is " + main)
                        + ". Check the entry class, or the jar");
            }
        } catch (IOException e) {
            throw new RefusedException(target() + ": " + jar + " is not a readable jar (" + e.getMessage()
                    + "); give the jar the build produced");
        }
    }

    @Override
    public ApplyResult apply(StepPlan plan, ActionContext ctx) {
        if (plan.isNoop()) {
            return ApplyResult.unchanged(plan.summary()).build();
        }
        String newJob = newJobId(ctx);
        if (rest.getOrNull("jobs/" + newJob) == null) {
            plan.requireUnchanged(observe(Objects.requireNonNullElse(
                    FlinkJobs.state(rest, jobId),
                    FlinkJobs.details(rest, jobId).path("state").asText())));
            String jarId = upload();
            try {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("entryClass", entryClass);
                body.put("programArgsList", programArgs);
                body.put("parallelism", parallelism);
                body.put("jobId", newJob);
                body.put("savepointPath", savepointPath);
                body.put("allowNonRestoredState", allowNonRestoredState);
                rest.post("jars/" + jarId + "/run", body);
            } finally {
                try {
                    rest.send("DELETE", "jars/" + jarId, null);
                } catch (RuntimeException ignored) {
                    // the upload dir is the JobManager's temp dir; a leftover jar is harmless
                }
            }
        }
        long restored = awaitRestored(ctx, newJob);
        return ApplyResult.changed("restarted job " + jobId + " from " + savepointPath + " as job " + newJob)
                .item(newJob, Outcome.CHANGED, "RUNNING at " + parallelism + ", restored checkpoint " + restored)
                .details(new Restarted(jobId, newJob, savepointPath, parallelism, restored))
                .build();
    }

    /** {@code POST /jars/upload} (multipart, field {@code jarfile}); returns the jar id. */
    private String upload() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode r = rest.upload("jars/upload", "jarfile", jar.getFileName().toString(), bytes);
        String file = r.path("filename").asText();
        if (file.isEmpty()) {
            throw new TargetUnavailableException(target() + ": POST /jars/upload answered " + r, null, false);
        }
        return Path.of(file).getFileName().toString();
    }

    /** Polls the new job until it runs at the parallelism with a checkpoint after the restore; returns its id. */
    private long awaitRestored(ActionContext ctx, String newJob) {
        Instant deadline = ctx.clock().instant().plus(SETTLE);
        while (true) {
            long restored = restoredAndCheckpointed(newJob);
            if (restored >= 0) {
                return restored;
            }
            if (ctx.clock().instant().isAfter(deadline)) {
                JsonNode d = rest.getOrNull("jobs/" + newJob);
                throw new TargetUnavailableException(
                        target() + ": the restarted job " + newJob + " did not run at parallelism " + parallelism
                                + " with a checkpoint after the restore within " + SETTLE + " (state "
                                + (d == null ? "unknown" : d.path("state").asText()) + "); check it with"
                                + " flink.jobStatus(\"" + newJob + "\").read(), then rerun",
                        null,
                        true);
            }
            ctx.sleeper().sleep(Duration.ofMillis(200));
        }
    }

    /**
     * The restored checkpoint's id when the job runs at the parallelism, was restored from this savepoint
     * and completed a checkpoint since; -1 otherwise.
     */
    long restoredAndCheckpointed(String newJob) {
        // the state from the uncached job list; a checkpoint completes only once every task runs, so the
        // (cached) job details are read last, for the parallelism, which does not change after submission
        if (!"RUNNING".equals(FlinkJobs.state(rest, newJob))) {
            return -1;
        }
        JsonNode cp = rest.getIfAvailable("jobs/" + newJob + "/checkpoints");
        if (cp == null) {
            return -1;
        }
        JsonNode restored = cp.path("latest").path("restored");
        JsonNode completed = cp.path("latest").path("completed");
        if (!restored.hasNonNull("id") || !completed.hasNonNull("id")) {
            return -1;
        }
        if (!samePath(restored.path("external_path").asText(), savepointPath)) {
            throw new RefusedException(target() + ": job " + newJob + " was restored from "
                    + restored.path("external_path").asText() + ", not from " + savepointPath);
        }
        if (completed.path("id").asLong() <= restored.path("id").asLong()) {
            return -1;
        }
        JsonNode d = rest.getOrNull("jobs/" + newJob);
        if (d == null || !"RUNNING".equals(d.path("state").asText())) {
            return -1;
        }
        for (JsonNode v : d.path("vertices")) {
            if (v.path("parallelism").asInt() != parallelism) {
                return -1;
            }
        }
        return restored.path("id").asLong();
    }

    /** {@code file:/a/b}, {@code file:///a/b/} and {@code /a/b/_metadata} name the same savepoint. */
    static boolean samePath(String a, String b) {
        return norm(a).equals(norm(b));
    }

    private static String norm(String p) {
        String s = p.replaceFirst("^file:/+", "/").replaceAll("/+$", "");
        return s.endsWith("/_metadata") ? s.substring(0, s.length() - "/_metadata".length()) : s;
    }

    @Override
    public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
        String newJob = newJobId(ctx);
        long restored = restoredAndCheckpointed(newJob);
        return restored >= 0
                ? Verification.passed(
                        "job " + newJob + " runs at parallelism " + parallelism + ", restored from " + savepointPath
                                + " (checkpoint " + restored + ") and checkpointing again",
                        newJob)
                : Verification.failed(
                        "job " + newJob + " is not RUNNING at " + parallelism + " with a checkpoint after restoring "
                                + savepointPath,
                        newJob);
    }

    @Override
    public Optional<Action> inverse(StepPlan plan) {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "RestartFromSavepoint[" + target() + " from " + savepointPath + " at " + parallelism + "]";
    }
}
