package dev.runbook.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.flink.test.FlinkTestCluster;
import dev.runbook.test.ActionContract;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's graceful stop before a redeploy, on a real Flink MiniCluster: contract and the recorded path. */
class StopWithSavepointIT extends ActionContract<StopWithSavepoint> {

    static final FlinkTestCluster CLUSTER = FlinkTestCluster.get();
    static final FlinkActions FLINK = FlinkActions.connect(CLUSTER.restUrl());
    static final String DIR = CLUSTER.savepointDir("stop");

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
    protected StopWithSavepoint action() {
        return FLINK.stopWithSavepoint(job, DIR, SavepointFormat.CANONICAL, false);
    }

    @Override
    protected Map<String, StopWithSavepoint> variants() {
        return Map.of(
                "jobId", FLINK.stopWithSavepoint("0".repeat(32), DIR, SavepointFormat.CANONICAL, false),
                "targetDirectory", FLINK.stopWithSavepoint(job, DIR + "-other", SavepointFormat.CANONICAL, false),
                "formatType", FLINK.stopWithSavepoint(job, DIR, SavepointFormat.NATIVE, false),
                "drain", FLINK.stopWithSavepoint(job, DIR, SavepointFormat.CANONICAL, true));
    }

    @Override
    protected Object snapshot() {
        return List.of(
                TriggerSavepointIT.savepoints(DIR), FLINK.jobStatus(job).read().state());
    }

    @Override
    protected void moveTheWorld() {
        CLUSTER.savepointBySomeoneElse(job);
    }

    @Test
    void theJobStops_theSavepointPathIsRecorded_andThePlanSaysThereIsNoInverse() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w).startsWith("the job stops processing"))
                .anySatisfy(w -> assertThat(w).startsWith("no inverse: restart the job from the savepoint path"));
        assertThat(action().inverse(plan)).isEmpty();

        ApplyResult result = action().apply(plan, ctx);

        String path = result.details().path("savepointPath").asText();
        assertThat(Path.of(URI.create(path)).resolve("_metadata")).exists();
        assertThat(FLINK.jobStatus(job).read().state()).isEqualTo("FINISHED");
        assertThat(action().verify(plan, result, ctx).ok()).isTrue();
        assertThat(result.details().path("format").asText()).isEqualTo("CANONICAL");

        // a job that is not running any more: every action refuses, nothing is written
        String other = CLUSTER.savepointDir("after-stop");
        assertThatThrownBy(() -> FLINK.triggerSavepoint(job, other, SavepointFormat.CANONICAL)
                        .plan(context()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("job " + job + " is FINISHED, not RUNNING: cannot take a savepoint of");
        assertThatThrownBy(() -> FLINK.rescaleJob(job, 4).plan(context()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("is FINISHED, not RUNNING: cannot rescale it");
        assertThat(TriggerSavepointIT.savepoints(other)).isEmpty();
    }
}
