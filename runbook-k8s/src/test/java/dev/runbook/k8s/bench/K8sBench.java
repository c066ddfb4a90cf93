package dev.runbook.k8s.bench;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Fleet;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.RestartDeployment;
import dev.runbook.k8s.RolloutState;
import dev.runbook.k8s.test.Fault;
import dev.runbook.k8s.test.SimulatedCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Not a test: prints (1) the restart wait latency, from the simulated controller's status write that
 * completes the rollout to {@code RestartDeployment.apply} returning, beside a kubectl-style 2 s polling
 * loop in the same run, and (2) one restart over 30 simulated contexts with maxConcurrency 10 against 30
 * sequential restarts, and maxErrors 2 with 5 failing contexts. Run by {@code runbook-k8s/bench/run.sh}.
 */
public final class K8sBench {
    private K8sBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 20);
        int contexts = Integer.getInteger("bench.contexts", 30);
        long podStart = Long.getLong("bench.podStartMillis", 100);
        System.out.printf(
                Locale.ROOT,
                "java %s, %d cores, pod start %d ms%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                podStart);
        restartLatency(rounds, podStart);
        if (contexts > 0) {
            fleet(contexts, podStart);
        }
        System.exit(0);
    }

    private static void restartLatency(int rounds, long podStart) throws Exception {
        System.out.println("== restart wait latency: controller marks the rollout complete -> the waiter returns ("
                + rounds + " rounds each, 3 replicas)");
        try (SimulatedCluster cluster = SimulatedCluster.start("bench", Duration.ofMillis(podStart))) {
            cluster.createDeployment("smp-prod", "dispatch-engine", 3);
            K8sActions k8s = K8sActions.of(cluster.client(), "bench");
            long[] ours = new long[rounds];
            long[] polling = new long[rounds];
            long[] total = new long[rounds];
            java.util.Map<String, Integer> wokenBy = new java.util.TreeMap<>();
            for (int i = 0; i < rounds; i++) {
                ActionContext ctx = ActionContext.builder()
                        .runId("bench-" + UUID.randomUUID())
                        .stepId("restart")
                        .build();
                RestartDeployment r = k8s.restartDeployment("smp-prod", "dispatch-engine");
                StepPlan plan = r.plan(ctx);
                long start = System.nanoTime();
                ApplyResult done = r.apply(plan, ctx);
                long end = System.nanoTime();
                if (done.outcome() != Outcome.CHANGED) {
                    throw new IllegalStateException(done.summary());
                }
                wokenBy.merge(done.details().path("completedBy").asText(), 1, Integer::sum);
                ours[i] = end
                        - cluster.rolloutCompletedNanos("smp-prod", "dispatch-engine")
                                .orElseThrow();
                total[i] = end - start;

                // kubectl rollout restart + kubectl rollout status as it behaves without a watch: GET every 2 s
                cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace("smp-prod")
                        .withName("dispatch-engine")
                        .patch(
                                PatchContext.of(PatchType.JSON_MERGE),
                                "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\""
                                        + UUID.randomUUID() + "\"}}}}}");
                long pollEnd;
                while (true) {
                    Thread.sleep(2000);
                    RolloutState s = k8s.rolloutStatus("smp-prod", "deployment/dispatch-engine")
                            .read();
                    if (s.done()) {
                        pollEnd = System.nanoTime();
                        break;
                    }
                }
                polling[i] = pollEnd
                        - cluster.rolloutCompletedNanos("smp-prod", "dispatch-engine")
                                .orElseThrow();
            }
            System.out.printf(
                    Locale.ROOT,
                    "  RestartDeployment (watch, resync 2 s): median %.1f ms, p90 %.1f ms, max %.1f ms"
                            + " (whole apply: median %.0f ms)%n",
                    ms(median(ours)),
                    ms(p90(ours)),
                    ms(max(ours)),
                    ms(median(total)));
            System.out.println("    the finished rollout was seen by: " + wokenBy + "; each round (ms): "
                    + Arrays.stream(ours)
                            .sorted()
                            .mapToObj(n -> String.format(Locale.ROOT, "%.0f", ms(n)))
                            .toList());
            System.out.printf(
                    Locale.ROOT,
                    "  2 s polling loop (kubectl-style):   median %.1f ms, p90 %.1f ms, max %.1f ms%n",
                    ms(median(polling)),
                    ms(p90(polling)),
                    ms(max(polling)));
        }
    }

    private static void fleet(int n, long podStart) {
        System.out.println("== fleet: one restart over " + n + " simulated contexts (3 replicas each)");
        List<SimulatedCluster> clusters = new ArrayList<>();
        List<K8sActions> k8s = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                SimulatedCluster c =
                        SimulatedCluster.start(String.format(Locale.ROOT, "smp-%02d", i), Duration.ofMillis(podStart));
                Deployment d = SimulatedCluster.deployment("smp-prod", "dispatch-engine", 3);
                d.getSpec().setProgressDeadlineSeconds(1);
                c.create(d);
                clusters.add(c);
                k8s.add(K8sActions.of(c.client(), c.name()));
            }
            System.out.printf(Locale.ROOT, "  %d clusters started in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            run("maxConcurrency 10", k8s, 10, n);
            run("sequential (maxConcurrency 1)", k8s, 1, n);
            Set<Integer> failing = Set.of(2, 6, 10, 14, 18);
            failing.forEach(i -> clusters.get(i).fault("smp-prod", "dispatch-engine", Fault.crashLoop()));
            System.out.println("  maxErrors 2, contexts "
                    + failing.stream().sorted().toList() + " crash-looping (progress deadline 1 s):");
            run("    maxConcurrency 1, maxErrors 2", k8s, 1, 2);
            heal(clusters, failing);
            failing.forEach(i -> clusters.get(i).fault("smp-prod", "dispatch-engine", Fault.crashLoop()));
            run("    maxConcurrency 10, maxErrors 2", k8s, 10, 2);
        } finally {
            k8s.forEach(K8sActions::close);
            clusters.forEach(SimulatedCluster::close);
        }
    }

    /** Heals the failing contexts: healthy pods, a new template, rolled out. */
    private static void heal(List<SimulatedCluster> clusters, Set<Integer> failing) {
        for (int i : failing) {
            SimulatedCluster c = clusters.get(i);
            c.fault("smp-prod", "dispatch-engine", Fault.none());
            c.client()
                    .apps()
                    .deployments()
                    .inNamespace("smp-prod")
                    .withName("dispatch-engine")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"healed\":\"" + UUID.randomUUID()
                                    + "\"}}}}}");
            c.awaitRolledOut("Deployment", "smp-prod", "dispatch-engine", Duration.ofSeconds(30));
        }
    }

    private static void run(String label, List<K8sActions> k8s, int concurrency, int maxErrors) {
        Fleet fleet = Fleet.of(
                        "restart dispatch-engine",
                        k8s.stream()
                                .map(k -> k.restartDeployment("smp-prod", "dispatch-engine")
                                        .timeout(Duration.ofSeconds(60)))
                                .toList())
                .maxConcurrency(concurrency)
                .maxErrors(maxErrors == k8s.size() ? k8s.size() : maxErrors);
        ActionContext ctx = ActionContext.builder()
                .runId("bench-" + UUID.randomUUID())
                .stepId("restart-all")
                .build();
        StepPlan plan = fleet.plan(ctx);
        long start = System.nanoTime();
        ApplyResult r = fleet.apply(plan, ctx);
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  %-34s %6.2f s  %s%n", label, s, r.counts());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static long p90(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[Math.min(c.length - 1, (int) Math.ceil(c.length * 0.9) - 1)];
    }

    private static long max(long[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
