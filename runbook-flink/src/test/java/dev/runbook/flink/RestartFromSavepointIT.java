package dev.runbook.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.flink.test.FlinkTestCluster;
import dev.runbook.flink.test.LakehouseJob;
import dev.runbook.test.ActionContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's "restore the job from a savepoint", on a real MiniCluster with the jar endpoints
 * (flink-runtime-web): a job stopped with a savepoint at parallelism 1 is resubmitted from a jar built by
 * the test ({@link FlinkTestCluster#jobJar}) at parallelism 2, restored from that savepoint.
 */
class RestartFromSavepointIT extends ActionContract<RestartFromSavepoint> {

    static final FlinkTestCluster CLUSTER = FlinkTestCluster.get();
    static final FlinkActions FLINK = FlinkActions.connect(CLUSTER.restUrl());
    static final Path JAR = CLUSTER.jobJar("lakehouse-enrichment.jar");
    static final String ENTRY = LakehouseJob.class.getName();
    static String stopped;
    static String savepoint;

    @BeforeEach
    void aStoppedJobWithASavepoint() {
        CLUSTER.cancelAll(); // the jobs earlier tests restarted
        if (stopped == null) {
            stopped = CLUSTER.submit(1);
            CLUSTER.awaitRunning(stopped);
            savepoint = CLUSTER.stopWithSavepoint(stopped, CLUSTER.savepointDir("restart"));
        }
    }

    @AfterAll
    static void stop() {
        CLUSTER.cancelAll();
    }

    @Override
    protected RestartFromSavepoint action() {
        return FLINK.restartFromSavepoint(stopped, savepoint, JAR, ENTRY, false, 2);
    }

    @Override
    protected Map<String, RestartFromSavepoint> variants() {
        return Map.of(
                "jobId", FLINK.restartFromSavepoint("0".repeat(32), savepoint, JAR, ENTRY, false, 2),
                "jar", FLINK.restartFromSavepoint(stopped, savepoint, JAR.resolveSibling("other.jar"), ENTRY, false, 2),
                "entryClass", FLINK.restartFromSavepoint(stopped, savepoint, JAR, ENTRY + "2", false, 2),
                "savepointPath", FLINK.restartFromSavepoint(stopped, savepoint + "-other", JAR, ENTRY, false, 2),
                "allowNonRestoredState", FLINK.restartFromSavepoint(stopped, savepoint, JAR, ENTRY, true, 2),
                "parallelism", FLINK.restartFromSavepoint(stopped, savepoint, JAR, ENTRY, false, 3),
                "programArgs", action().programArgs("lakehouse-enrichment-v2"));
    }

    /** Every job the cluster knows with its state, and the jar's bytes. */
    @Override
    protected Object snapshot() {
        Map<String, String> jobs = new TreeMap<>();
        CLUSTER.rest("GET", "jobs", null)
                .path("jobs")
                .forEach(j -> jobs.put(j.path("id").asText(), j.path("status").asText()));
        try {
            return List.of(jobs, Arrays.hashCode(Files.readAllBytes(JAR)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new build replaces the jar between plan and apply. */
    @Override
    protected void moveTheWorld() {
        CLUSTER.jobJar(JAR.getFileName().toString(), "build-" + System.nanoTime() + ".txt");
    }

    @Test
    void theJobRunsAgain_restoredFromTheSavepoint_atTheNewParallelism_withACheckpointAfterTheRestore() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .startsWith(
                        "restart job 'lakehouse-enrichment' (" + stopped + ") from savepoint " + savepoint + " as job ")
                .endsWith(" at parallelism 2 (jar lakehouse-enrichment.jar, entry class " + ENTRY + ")");
        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w).startsWith("allowNonRestoredState=false: the submission fails"))
                .anySatisfy(w -> assertThat(w).contains("No inverse"));
        assertThat(action().inverse(plan)).isEmpty();

        long t0 = System.nanoTime();
        ApplyResult result = action().apply(plan, ctx);
        System.out.printf(
                "RestartFromSavepoint: RUNNING at 2 with a checkpoint after the restore %d ms after apply began%n",
                (System.nanoTime() - t0) / 1_000_000);

        String newJob = result.details().path("newJobId").asText();
        assertThat(newJob).isNotEqualTo(stopped);
        assertThat(FLINK.jobStatus(newJob).read().parallelism()).isNotEmpty().allSatisfy((v, p) -> assertThat(p)
                .isEqualTo(2));
        JsonNode latest =
                CLUSTER.rest("GET", "jobs/" + newJob + "/checkpoints", null).path("latest");
        assertThat(latest.path("restored").path("is_savepoint").asBoolean()).isTrue();
        assertThat(RestartFromSavepoint.samePath(
                        latest.path("restored").path("external_path").asText(), savepoint))
                .isTrue();
        assertThat(latest.path("completed").path("id").asLong())
                .isGreaterThan(latest.path("restored").path("id").asLong());
        assertThat(action().verify(plan, result, ctx).ok()).isTrue();
        assertThat(FLINK.jobStatus(stopped).read().state()).isEqualTo("FINISHED");

        // the new job is running: restarting it from a savepoint is refused
        assertRefusedWithoutChange(
                () -> FLINK.restartFromSavepoint(newJob, savepoint, JAR, ENTRY, false, 2)
                        .plan(context()),
                "job " + newJob + " is still RUNNING",
                "flink.stopWithSavepoint");
    }

    @Test
    void aMissingSavepoint_isRefused() {
        assertRefusedWithoutChange(
                () -> FLINK.restartFromSavepoint(stopped, savepoint + "-gone", JAR, ENTRY, false, 2)
                        .plan(context()),
                "savepoint " + savepoint + "-gone does not exist (no _metadata file");
    }

    @Test
    void anUnknownEntryClassOrAMissingJar_isRefused() {
        assertRefusedWithoutChange(
                () -> FLINK.restartFromSavepoint(stopped, savepoint, JAR, "com.example.Enrichment", false, 2)
                        .plan(context()),
                "has no class com.example.Enrichment",
                "its Main-Class is " + ENTRY);
        assertRefusedWithoutChange(
                () -> FLINK.restartFromSavepoint(stopped, savepoint, JAR.resolveSibling("nope.jar"), ENTRY, false, 2)
                        .plan(context()),
                "nope.jar does not exist");
    }

    @Test
    void anUnknownJob_isRefused() {
        String unknown = "00000000000000000000000000000001";
        assertRefusedWithoutChange(
                () -> FLINK.restartFromSavepoint(unknown, savepoint, JAR, ENTRY, false, 2)
                        .plan(context()),
                "has no job " + unknown);
    }
}
