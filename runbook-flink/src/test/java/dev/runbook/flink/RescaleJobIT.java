package dev.runbook.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Probe;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.flink.test.FlinkTestCluster;
import dev.runbook.flink.test.LakehouseJob;
import dev.runbook.test.ActionContract;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's "more parallelism when the Kafka backlog grows", on a real MiniCluster's adaptive scheduler. */
class RescaleJobIT extends ActionContract<RescaleJob> {

    static final FlinkTestCluster CLUSTER = FlinkTestCluster.get();
    static final FlinkActions FLINK = FlinkActions.connect(CLUSTER.restUrl());

    String job;

    @BeforeEach
    void running() {
        job = CLUSTER.runningJob(2);
    }

    @AfterAll
    static void stop() {
        CLUSTER.cancelAll();
    }

    @Override
    protected RescaleJob action() {
        return FLINK.rescaleJob(job, 4).atMost(4);
    }

    @Override
    protected Map<String, RescaleJob> variants() {
        return Map.of(
                "jobId", FLINK.rescaleJob("0".repeat(32), 4).atMost(4),
                "parallelism", FLINK.rescaleJob(job, 3).atMost(4),
                "bound", FLINK.rescaleJob(job, 4).atMost(Probe.of("partitions of topic 'orders'", () -> 4)),
                "viaSavepoint",
                        action().viaSavepoint(
                                        CLUSTER.savepointDir("rescale"),
                                        CLUSTER.jobJar("rescale.jar"),
                                        LakehouseJob.class.getName()));
    }

    /** The state, each vertex's parallelism and each vertex's requested upper bound. */
    @Override
    protected Object snapshot() {
        JobStatus s = FLINK.jobStatus(job).read();
        Map<String, Integer> upper = new TreeMap<>();
        CLUSTER.rest("GET", "jobs/" + job + "/resource-requirements", null)
                .properties()
                .forEach(e -> upper.put(
                        e.getKey(),
                        e.getValue().path("parallelism").path("upperBound").asInt()));
        return List.of(s.state(), new TreeMap<>(s.parallelism()), upper);
    }

    /** Someone else rescales to 3, and the job settles there. */
    @Override
    protected void moveTheWorld() {
        JsonNode req = CLUSTER.rest("GET", "jobs/" + job + "/resource-requirements", null);
        var body = dev.runbook.core.Json.mapper().createObjectNode();
        req.properties().forEach(e -> body.putObject(e.getKey())
                .putObject("parallelism")
                .put("lowerBound", 1)
                .put("upperBound", 3));
        CLUSTER.rest("PUT", "jobs/" + job + "/resource-requirements", body);
        for (int i = 0; i < 300; i++) {
            JobStatus s = FLINK.jobStatus(job).read();
            if (s.running() && s.parallelism().values().stream().allMatch(p -> p == 3)) {
                return;
            }
            FlinkTestCluster.sleep(100);
        }
        throw new IllegalStateException("the job did not settle at parallelism 3");
    }

    @Test
    void theJobRunsAtTheNewParallelism_withACheckpointAfterTheRestart_andTheInverseGoesBack() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .isEqualTo("rescale job 'lakehouse-enrichment' (" + job + ") from 2 to 4 through the adaptive"
                        + " scheduler (PUT resource-requirements)");
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).startsWith("the job restarts from its last"));

        long t0 = System.nanoTime();
        ApplyResult result = action().apply(plan, ctx);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("RescaleJob 2 -> 4: RUNNING at 4 with a new checkpoint %d ms after apply began%n", millis);

        assertThat(FLINK.jobStatus(job).read().parallelism()).isNotEmpty().allSatisfy((v, p) -> assertThat(p)
                .isEqualTo(4));
        assertThat(action().verify(plan, result, ctx).ok()).isTrue();

        var back = (RescaleJob) action().inverse(plan).orElseThrow();
        back.apply(back.plan(ctx), ctx);
        assertThat(FLINK.jobStatus(job).read().parallelism())
                .allSatisfy((v, p) -> assertThat(p).isEqualTo(2));
    }

    @Test
    void aParallelismAboveTheBound_isRefused_namingTheProbe() {
        RescaleJob tooMany = FLINK.rescaleJob(job, 4).atMost(Probe.of("partitions of topic 'orders'", () -> 3));
        assertRefusedWithoutChange(
                () -> tooMany.plan(context()),
                "parallelism 4 is above the bound 3 read from partitions of topic 'orders'",
                "add partitions first");
    }

    @Test
    void anUnknownJob_isRefused() {
        String unknown = "00000000000000000000000000000001";
        assertRefusedWithoutChange(() -> FLINK.rescaleJob(unknown, 4).plan(context()), "has no job " + unknown);
    }

    @Test
    void theSameParallelism_isUnchanged() {
        StepPlan plan = FLINK.rescaleJob(job, 2).plan(context());
        assertThat(plan.isNoop()).isTrue();
        assertThat(plan.summary()).isEqualTo("unchanged: job " + job + " already runs at parallelism 2");
    }

    /**
     * On the default scheduler: refused naming {@code .viaSavepoint(...)}; with it, the job is stopped with a
     * savepoint and its jar resubmitted at the new parallelism, restored from that savepoint.
     */
    @Test
    void onTheDefaultScheduler_itIsRefused_namingTheWayOut_andViaSavepointItStopsAndRestarts() {
        FlinkTestCluster plain = FlinkTestCluster.start("default");
        try {
            String other = plain.submit(1);
            plain.awaitRunning(other);
            FlinkActions flink = FlinkActions.connect(plain.restUrl());
            assertThatThrownBy(() -> flink.rescaleJob(other, 2).plan(context()))
                    .isInstanceOf(RefusedException.class)
                    .hasMessageContaining("scheduler: rescaling in place needs jobmanager.scheduler: adaptive")
                    .hasMessageContaining(".viaSavepoint(savepointDir, jar, entryClass)");
            assertThat(flink.jobStatus(other).read().parallelism())
                    .allSatisfy((v, p) -> assertThat(p).isEqualTo(1));

            String dir = plain.savepointDir("rescale");
            RescaleJob rescale = flink.rescaleJob(other, 2)
                    .atMost(4)
                    .viaSavepoint(dir, plain.jobJar("job.jar"), LakehouseJob.class.getName());
            ActionContext ctx = context();
            StepPlan plan = rescale.plan(ctx);
            assertThat(plan.summary())
                    .startsWith("rescale job 'lakehouse-enrichment' (" + other + ") from 1 to 2 by stop-with-savepoint"
                            + " into " + dir + " and a restart from it as job ")
                    .endsWith("(the 'default' scheduler cannot rescale in place)");
            assertThat(plan.warnings())
                    .anySatisfy(w -> assertThat(w).startsWith("the job processes nothing from the stop until"));
            assertThat(rescale.inverse(plan)).isEmpty();
            assertThat(flink.jobStatus(other).read().state())
                    .as("plan writes nothing")
                    .isEqualTo("RUNNING");

            long t0 = System.nanoTime();
            ApplyResult result = rescale.apply(plan, ctx);
            System.out.printf(
                    "RescaleJob 1 -> 2 via savepoint: RUNNING at 2 with a checkpoint after the restore %d ms after"
                            + " apply began%n",
                    (System.nanoTime() - t0) / 1_000_000);

            String newJob = result.details().path("newJobId").asText();
            assertThat(flink.jobStatus(other).read().state()).isEqualTo("FINISHED");
            assertThat(flink.jobStatus(newJob).read().parallelism())
                    .isNotEmpty()
                    .allSatisfy((v, p) -> assertThat(p).isEqualTo(2));
            JsonNode restored = plain.rest("GET", "jobs/" + newJob + "/checkpoints", null)
                    .path("latest")
                    .path("restored");
            assertThat(RestartFromSavepoint.samePath(
                            restored.path("external_path").asText(),
                            result.details().path("savepointPath").asText()))
                    .isTrue();
            assertThat(rescale.verify(plan, result, ctx).ok()).isTrue();
            // a rerun of the step finds the job it started
            assertThat(rescale.plan(ctx).isNoop()).isTrue();
        } finally {
            plain.close();
        }
    }
}
