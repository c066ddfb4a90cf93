package dev.runbook.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.flink.test.FlinkTestCluster;
import dev.runbook.test.ActionContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's "take a savepoint" and the job status probe, on a real Flink MiniCluster's REST API. */
class TriggerSavepointIT extends ActionContract<TriggerSavepoint> {

    static final FlinkTestCluster CLUSTER = FlinkTestCluster.get();
    static final FlinkActions FLINK = FlinkActions.connect(CLUSTER.restUrl());
    static final String DIR = CLUSTER.savepointDir("trigger");

    String job;

    @BeforeEach
    void running() throws InterruptedException {
        job = CLUSTER.runningJob(2);
        // The REST API caches checkpoint statistics (500 ms here, 3 s by default): a savepoint an earlier
        // test took must show before this test plans, or its plan sees the older one and its apply is
        // (rightly) refused as stale. Wait until two reads a cache period apart agree.
        Object seen = FLINK.jobStatus(job).read().lastSavepoint();
        for (int i = 0; i < 10; i++) {
            Thread.sleep(600);
            Object now = FLINK.jobStatus(job).read().lastSavepoint();
            if (java.util.Objects.equals(now, seen)) {
                return;
            }
            seen = now;
        }
    }

    @Override
    protected TriggerSavepoint action() {
        return FLINK.triggerSavepoint(job, DIR, SavepointFormat.CANONICAL);
    }

    @Override
    protected Map<String, TriggerSavepoint> variants() {
        return Map.of(
                "jobId", FLINK.triggerSavepoint("0".repeat(32), DIR, SavepointFormat.CANONICAL),
                "targetDirectory", FLINK.triggerSavepoint(job, DIR + "-other", SavepointFormat.CANONICAL),
                "formatType", FLINK.triggerSavepoint(job, DIR, SavepointFormat.NATIVE));
    }

    /** The savepoints in the directory, and the job's state. */
    @Override
    protected Object snapshot() {
        return List.of(savepoints(DIR), FLINK.jobStatus(job).read().state());
    }

    static List<String> savepoints(String dir) {
        Path p = Path.of(URI.create(dir));
        if (!Files.exists(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void moveTheWorld() {
        CLUSTER.savepointBySomeoneElse(job);
    }

    @Test
    void theSavepointPathIsRecorded_andTheProbeShowsIt() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .isEqualTo("take a savepoint of job 'lakehouse-enrichment' (" + job + ") into " + DIR
                        + " (CANONICAL format)");
        ApplyResult result = action().apply(plan, ctx);
        String path = result.details().path("savepointPath").asText();

        assertThat(path).contains("savepoint-");
        assertThat(Path.of(URI.create(path)).resolve("_metadata")).exists();
        assertThat(action().verify(plan, result, ctx).ok()).isTrue();
        // the REST API caches checkpoint statistics for up to 3 s (web.refresh-interval)
        JobStatus status = dev.runbook.core.Probes.waitUntil(
                        FLINK.jobStatus(job),
                        dev.runbook.core.Condition.of(
                                "shows the savepoint",
                                s -> s.lastSavepoint() != null
                                        && path.equals(s.lastSavepoint().externalPath())),
                        Duration.ofSeconds(10))
                .lastValue();
        assertThat(status.running()).isTrue();
        assertThat(status.lastSavepoint().externalPath()).isEqualTo(path);
        assertThat(status.lastCheckpoint()).isNotNull();
        assertThat(status.parallelism()).isNotEmpty().allSatisfy((vertex, p) -> assertThat(p)
                .isEqualTo(2));
        assertThat(status.restarts()).isZero();
        assertThat(FlinkActions.restartingInALoop(1, Duration.ofMinutes(10), Clock.systemUTC())
                        .test(status))
                .isFalse();
    }

    @Test
    void aJobFailingOnAPoisonRecord_isSeenRestartingInALoop() {
        String failing = CLUSTER.submitFailing();
        try {
            var loop = FlinkActions.restartingInALoop(3, Duration.ofMinutes(10), Clock.systemUTC());
            var seen = dev.runbook.core.Probes.waitUntil(
                    FLINK.jobStatus(failing),
                    dev.runbook.core.Condition.of(
                            "3 failures", s -> s.failures().size() >= 3),
                    Duration.ofSeconds(30));
            JobStatus s = seen.lastValue();
            assertThat(seen.satisfied()).as("%s", s).isTrue();
            assertThat(loop.test(s)).isTrue();
            assertThat(s.restarts()).isGreaterThanOrEqualTo(2);
            assertThat(FlinkActions.restartingInALoop(1, Duration.ofMinutes(10), Clock.systemUTC())
                            .test(FLINK.jobStatus(job).read()))
                    .as("the healthy job")
                    .isFalse();
        } finally {
            CLUSTER.cancel(failing);
        }
    }

    @Test
    void anUnknownJobId_isRefused_namingTheKnownJobs() {
        String unknown = "0123456789abcdef0123456789abcdef";
        assertRefusedWithoutChange(
                () -> FLINK.triggerSavepoint(unknown, DIR, SavepointFormat.CANONICAL)
                        .plan(context()),
                "has no job " + unknown,
                job + " RUNNING");
        assertThatThrownBy(() -> FLINK.jobStatus(unknown).read()).hasMessageContaining("has no job " + unknown);
    }

    @Test
    void malformedInputsFailWhenTheActionIsBuilt() {
        assertThatThrownBy(() -> FLINK.triggerSavepoint("orders-job", DIR, SavepointFormat.CANONICAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 hex digits");
        assertThatThrownBy(() -> FLINK.triggerSavepoint(job, " ", SavepointFormat.CANONICAL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name the savepoint directory");
        assertThatThrownBy(() -> FLINK.triggerSavepoint(job, DIR, null)).hasMessageContaining("CANONICAL or NATIVE");
    }

    @Test
    void theRerunOfTheSameStepFindsItsSavepoint() {
        int before = savepoints(DIR).size();
        ActionContext ctx = context();
        ApplyResult first = action().apply(action().plan(ctx), ctx);
        assertThat(savepoints(DIR)).hasSize(before + 1);
        StepPlan again = action().plan(ctx);
        assertThat(again.isNoop()).isTrue();
        assertThat(again.summary())
                .contains(first.details().path("savepointPath").asText());
        assertThat(action().apply(again, ctx).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(savepoints(DIR)).as("no second savepoint").hasSize(before + 1);
    }
}
