package dev.runbook.flink.bench;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.StepPlan;
import dev.runbook.flink.FlinkActions;
import dev.runbook.flink.RescaleJob;
import dev.runbook.flink.test.FlinkTestCluster;
import dev.runbook.flink.test.LakehouseJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The two paths of {@link RescaleJob} side by side on a MiniCluster (not a test; run by {@code
 * runbook-flink/bench/rescale.sh}): the time from {@code apply} to the job RUNNING at the new parallelism
 * with a completed checkpoint, which is when apply returns. Path A: the adaptive scheduler's resource
 * requirements (rescaled in place). Path B: a default-scheduler cluster, stop-with-savepoint and a
 * restart of the jar at the new parallelism ({@code .viaSavepoint(...)}). Each round rescales the test
 * job between 2 and 4 (4, 2, 4, ...); the plan is made before the clock starts.
 */
public final class RescaleBench {

    private RescaleBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf(
                "RescaleBench: %d rounds per path, parallelism 2 <-> 4, %d cores, %s%n",
                rounds, Runtime.getRuntime().availableProcessors(), java.time.Instant.now());
        List<Long> inPlace = run("adaptive", rounds, false);
        List<Long> viaSavepoint = run("default", rounds, true);
        System.out.println();
        System.out.println("| path | rounds | median ms | max ms | min ms |");
        System.out.println("|---|---|---|---|---|");
        row("resource requirements (adaptive scheduler, in place)", inPlace);
        row("stop-with-savepoint + restart (default scheduler, .viaSavepoint)", viaSavepoint);
        System.exit(0);
    }

    private static List<Long> run(String scheduler, int rounds, boolean viaSavepoint) {
        FlinkTestCluster cluster = FlinkTestCluster.start(scheduler);
        List<Long> millis = new ArrayList<>();
        try {
            FlinkActions flink = FlinkActions.connect(cluster.restUrl());
            String dir = cluster.savepointDir("bench");
            Path jar = cluster.jobJar("bench.jar");
            String job = cluster.submit(2);
            cluster.awaitRunning(job);
            for (int i = 0; i < rounds; i++) {
                int to = i % 2 == 0 ? 4 : 2;
                RescaleJob rescale = flink.rescaleJob(job, to);
                if (viaSavepoint) {
                    rescale = rescale.viaSavepoint(dir, jar, LakehouseJob.class.getName());
                }
                ActionContext ctx = ActionContext.builder()
                        .runId("bench-" + UUID.randomUUID())
                        .stepId("rescale")
                        .build();
                StepPlan plan = rescale.plan(ctx);
                long t0 = System.nanoTime();
                ApplyResult result = rescale.apply(plan, ctx);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (!rescale.verify(plan, result, ctx).ok()) {
                    throw new IllegalStateException("round " + i + " did not verify: " + result.summary());
                }
                millis.add(ms);
                if (viaSavepoint) {
                    job = result.details().path("newJobId").asText();
                }
                System.out.printf(
                        "%s round %d: %d -> %d in %d ms%n",
                        viaSavepoint ? "via-savepoint" : "in-place", i + 1, 6 - to, to, ms);
            }
        } finally {
            cluster.close();
        }
        return millis;
    }

    private static void row(String path, List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        s.sort(null);
        long median = s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        System.out.printf("| %s | %d | %d | %d | %d |%n", path, s.size(), median, s.get(s.size() - 1), s.get(0));
    }
}
