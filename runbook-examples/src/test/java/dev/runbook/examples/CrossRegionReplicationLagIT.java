package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.Condition;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Probes;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepPlan;
import dev.runbook.core.WaitResult;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.core.registry.Connection;
import dev.runbook.core.registry.RunbookArguments;
import dev.runbook.core.registry.RunbookRegistry;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.PodHealth;
import dev.runbook.k8s.test.Fault;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.TestApprovals;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-012 for real: three simulated clusters (smp-asia, smp-china, smp-us: fabric8's mock API server with
 * the simulated Deployment controller, each on its own port, one kubeconfig with three contexts) and a
 * stand-in for MirrorMaker's metrics endpoint over a real socket, whose lag follows the smp-asia cluster's
 * state (it falls once the restarted MirrorMaker has rolled out, or once 3 replicas are ready).
 */
class CrossRegionReplicationLagIT {
    static final List<String> CONTEXTS = List.of("smp-asia", "smp-china", "smp-us");
    static final Map<String, SimulatedCluster> clusters = new HashMap<>();
    static final List<K8sActions> contexts = new ArrayList<>();
    static MirrorMakerMetrics metrics;
    static Path kubeconfig;
    static final AtomicInteger namespaces = new AtomicInteger();

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        for (String name : CONTEXTS) {
            clusters.put(name, SimulatedCluster.start(name));
        }
        kubeconfig = SimulatedCluster.writeKubeconfig(
                shared.resolve("config"), CONTEXTS.stream().map(clusters::get).toList());
        for (String name : CONTEXTS) {
            contexts.add(K8sActions.connect(kubeconfig, name).resync(Duration.ofMillis(300)));
        }
        metrics = MirrorMakerMetrics.start();
    }

    @AfterAll
    static void stop() {
        contexts.forEach(K8sActions::close);
        clusters.values().forEach(SimulatedCluster::close);
        if (metrics != null) {
            metrics.close();
        }
    }

    /** A namespace with the agents in every context and MirrorMaker (1 replica) in smp-asia, all rolled out. */
    private static String stage() {
        String ns = "inc012-" + namespaces.incrementAndGet();
        clusters.values().forEach(c -> c.createDeployment(ns, "replication-agent", 1));
        clusters.get("smp-asia").createDeployment(ns, "mirrormaker-to-cn", 1);
        return ns;
    }

    private static Runbook runbook(String ns, Duration blipWait, Duration recoveryTimeout) {
        return CrossRegionReplicationLag.runbook(
                contexts,
                contexts.get(0),
                CrossRegionReplicationLag.lag(metrics.url()),
                ns,
                "app=replication-agent",
                "mirrormaker-to-cn",
                3,
                60,
                30,
                blipWait,
                recoveryTimeout);
    }

    private RunbookEngine engine(JsonLinesAuditSink audit) {
        return RunbookEngine.builder()
                .actor("it")
                .incident("IT-INC-012")
                .approvals(TestApprovals.approvingAll())
                .audit(audit)
                .build();
    }

    private static Deployment deployment(String context, String ns, String name) {
        return clusters.get(context)
                .client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName(name)
                .get();
    }

    private static String restartedAt(String context, String ns, String name) {
        Map<String, String> a = deployment(context, ns, name)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations();
        return a == null ? null : a.get("kubectl.kubernetes.io/restartedAt");
    }

    private static List<ReplicaSet> replicaSets(String context, String ns) {
        return clusters.get(context)
                .client()
                .apps()
                .replicaSets()
                .inNamespace(ns)
                .list()
                .getItems();
    }

    /** Every Deployment of {@code ns} in every context: spec generation, replicas, restartedAt; and ReplicaSets. */
    private static String describe(String ns) {
        StringBuilder b = new StringBuilder();
        for (String c : CONTEXTS) {
            for (Deployment d : clusters.get(c)
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace(ns)
                    .list()
                    .getItems()) {
                b.append(c)
                        .append('/')
                        .append(d.getMetadata().getName())
                        .append(" gen=")
                        .append(d.getMetadata().getGeneration())
                        .append(" replicas=")
                        .append(d.getSpec().getReplicas())
                        .append(" restartedAt=")
                        .append(restartedAt(c, ns, d.getMetadata().getName()))
                        .append('\n');
            }
            b.append(c)
                    .append(" replicaSets=")
                    .append(replicaSets(c, ns).size())
                    .append('\n');
        }
        return b.toString();
    }

    /** The restarted MirrorMaker has rolled out with {@code minReady} replicas ready. */
    private static boolean restartedAndReady(String ns, int minReady) {
        Deployment d = deployment("smp-asia", ns, "mirrormaker-to-cn");
        Integer ready = d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
        return restartedAt("smp-asia", ns, "mirrormaker-to-cn") != null
                && d.getStatus().getObservedGeneration() != null
                && d.getStatus().getObservedGeneration().equals(d.getMetadata().getGeneration())
                && ready != null
                && ready >= minReady
                && replicaSets("smp-asia", ns).stream()
                                .filter(rs -> rs.getMetadata().getName().startsWith("mirrormaker-to-cn"))
                                .count()
                        == 2;
    }

    @Test
    void agentCrashed_restartsMirrorMakerInSmpAsiaOnly_theLagRecovers_andARerunConverges() throws Exception {
        String ns = stage();
        metrics.lag(() -> restartedAndReady(ns, 1) ? 4 : 420);
        Runbook rb = runbook(ns, Duration.ofSeconds(1), Duration.ofSeconds(20));
        Path file = dir.resolve("audit.jsonl");
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            RunbookEngine engine = engine(audit);
            String before = describe(ns);
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady();
            assertThat(plan)
                    .hasStep("replication-behind")
                    .withSummaryContaining("lag 420 s; smp-asia 1/1 agents ready; smp-china 1/1 agents ready");
            assertThat(plan)
                    .hasStep("restart-mirrormaker")
                    .withSummaryContaining("restart smp-asia/" + ns + "/deployment/mirrormaker-to-cn");
            assertThat(plan).hasStep("scale-up").withSummaryContaining("from 1 to 3 replicas");
            assertThat(describe(ns))
                    .as("the plan changed nothing in any cluster")
                    .isEqualTo(before);

            report = engine.apply(rb, plan);
        }

        assertThat(report).succeeded();
        assertThat(report)
                .step("restart-mirrormaker")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed();
        assertThat(report).step("scale-up").hasOutcome(Outcome.UNCHANGED);
        assertThat(report.step("scale-up").message()).contains("not needed").contains("(last 4, ");
        assertThat(report).step("scale-back").hasOutcome(Outcome.UNCHANGED);
        assertThat(restartedAt("smp-asia", ns, "mirrormaker-to-cn"))
                .endsWith(" runbook " + report.runId() + "/restart-mirrormaker");
        assertThat(replicaSets("smp-asia", ns))
                .extracting(rs -> rs.getMetadata().getName())
                .filteredOn(n -> n.startsWith("mirrormaker-to-cn"))
                .as("a new ReplicaSet")
                .hasSize(2);
        assertThat(deployment("smp-asia", ns, "mirrormaker-to-cn").getSpec().getReplicas())
                .isEqualTo(1);
        for (String c : CONTEXTS) {
            assertThat(restartedAt(c, ns, "replication-agent"))
                    .as(c + "'s agents untouched")
                    .isNull();
            assertThat(deployment(c, ns, "replication-agent").getMetadata().getGeneration())
                    .isEqualTo(1);
        }
        assertThat(replicaSets("smp-china", ns)).hasSize(1);
        assertThat(replicaSets("smp-us", ns)).hasSize(1);
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();

        Step.Act restart = (Step.Act) rb.step("restart-mirrormaker");
        ActionContext same = ActionContext.builder()
                .runId(report.runId())
                .stepId("restart-mirrormaker")
                .build();
        StepPlan again = restart.action().plan(same);
        assertThat(again.isNoop()).as(again.summary()).isTrue();
        assertThat(again.summary()).contains("already restarted by this step");
        assertThat(restart.action().apply(again, same).outcome()).isEqualTo(Outcome.UNCHANGED);
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit-2.jsonl"))) {
            assertThat(engine(audit).plan(rb))
                    .as("run again: nothing is behind, nothing to do")
                    .isNotReady()
                    .hasRefusalContaining("precheck 'replication is behind or an agent is down' does not hold");
        }
        assertThat(restartedAt("smp-asia", ns, "mirrormaker-to-cn"))
                .endsWith(" runbook " + report.runId() + "/restart-mirrormaker");
    }

    @Test
    void anAgentCrashLoopingInSmpChina_isShownByTheTriage_andFailsItsOwnVerify_smpChinaIsNotTouched() throws Exception {
        String ns = stage();
        SimulatedCluster china = clusters.get("smp-china");
        china.fault(ns, "replication-agent", Fault.crashLoop());
        china.client()
                .pods()
                .inNamespace(ns)
                .withLabel("app", "replication-agent")
                .delete();
        WaitResult<PodHealth> crashing = Probes.waitUntil(
                contexts.get(1).podHealth(ns, "app=replication-agent"),
                Condition.of("crash-loops", h -> h.anyWith("CrashLoopBackOff")),
                Duration.ofSeconds(15));
        assertThat(crashing.satisfied()).as(crashing.toString()).isTrue();
        metrics.lag(() -> restartedAndReady(ns, 1) ? 4 : 420);
        Runbook rb = runbook(ns, Duration.ZERO, Duration.ofSeconds(20));
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            Plan plan = engine.plan(rb);
            assertThat(plan)
                    .hasStep("replication-behind")
                    .withSummaryContaining("smp-china 0/1 agents ready (replication-agent-")
                    .withSummaryContaining("CrashLoopBackOff");
            report = engine.apply(rb, plan);
        }

        assertThat(report).failed();
        assertThat(report).step("restart-mirrormaker").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("agents-ready-smp-asia").hasOutcome(Outcome.UNCHANGED);
        assertThat(report).step("agents-ready-smp-china").hasOutcome(Outcome.FAILED);
        assertThat(report.step("agents-ready-smp-china").message())
                .contains("smp-china/" + ns + " pods app=replication-agent has every pod ready")
                .contains("CrashLoopBackOff");
        assertThat(report).step("agents-ready-smp-us").hasOutcome(Outcome.NOT_ATTEMPTED);
        assertThat(restartedAt("smp-china", ns, "replication-agent")).isNull();
        assertThat(deployment("smp-china", ns, "replication-agent")
                        .getMetadata()
                        .getGeneration())
                .isEqualTo(1);
    }

    @Test
    void volumeSpike_scalesMirrorMakerTo3UntilTheLagCatchesUp_thenBackTo1() throws Exception {
        String ns = stage();
        AtomicBoolean caughtUp = new AtomicBoolean(); // once 3 workers caught up, one keeps up again
        metrics.lag(() -> {
            if (restartedAndReady(ns, 3)) {
                caughtUp.set(true);
            }
            return caughtUp.get() ? 6 : 600;
        });
        Runbook rb = runbook(ns, Duration.ZERO, Duration.ofSeconds(20));
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            report = engine.apply(rb, engine.plan(rb));
        }

        assertThat(report).succeeded();
        assertThat(report).step("restart-mirrormaker").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("scale-up").hasOutcome(Outcome.CHANGED).verificationPassed();
        assertThat(report).step("lag-recovered").hasOutcome(Outcome.UNCHANGED);
        assertThat(report).step("scale-back").hasOutcome(Outcome.CHANGED).verificationPassed();
        assertThat(report.step("scale-back").message()).contains("from 3 to 1");
        assertThat(deployment("smp-asia", ns, "mirrormaker-to-cn").getSpec().getReplicas())
                .isEqualTo(1);
        for (String c : CONTEXTS) {
            assertThat(deployment(c, ns, "replication-agent").getSpec().getReplicas())
                    .isEqualTo(1);
        }
    }

    @Test
    void networkBlip_theLagRecoversWithinTheWait_andNothingIsRestartedOrScaled() throws Exception {
        String ns = stage();
        metrics.lag(() -> 420);
        Runbook rb = runbook(ns, Duration.ofSeconds(20), Duration.ofSeconds(20));
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            Plan plan = engine.plan(rb);
            AtomicInteger high = new AtomicInteger(3); // the apply's precheck and two reads of the wait
            metrics.lag(() -> high.getAndDecrement() > 0 ? 420 : 12);
            String before = describe(ns);
            report = engine.apply(rb, plan);
            assertThat(describe(ns)).as("nothing was changed anywhere").isEqualTo(before);
        }

        assertThat(report).succeeded();
        assertThat(report).step("restart-mirrormaker").hasOutcome(Outcome.UNCHANGED);
        assertThat(report.step("restart-mirrormaker").message())
                .startsWith("not needed, nothing done to smp-asia/" + ns + "/deployment/mirrormaker-to-cn: satisfied")
                .contains("lag 12 s");
        assertThat(report).step("scale-up").hasOutcome(Outcome.UNCHANGED);
        assertThat(report).step("scale-back").hasOutcome(Outcome.UNCHANGED);
        assertThat(restartedAt("smp-asia", ns, "mirrormaker-to-cn")).isNull();
    }

    @Test
    void aLagThatNeverRecovers_failsTheWaitAfterItsTimeout_andLeavesTheScaleUpInPlace() throws Exception {
        String ns = stage();
        metrics.lag(() -> 420);
        Runbook rb = runbook(ns, Duration.ZERO, Duration.ofSeconds(2));
        Report report;
        long t0 = System.nanoTime();
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
            RunbookEngine engine = engine(audit);
            report = engine.apply(rb, engine.plan(rb));
        }

        assertThat(report).failed();
        assertThat(report).step("restart-mirrormaker").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("scale-up").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("lag-recovered").hasOutcome(Outcome.FAILED);
        assertThat(report.step("lag-recovered").message())
                .startsWith("timed out: max region_replication_lag_seconds{region=\"cn-to-global\"} of GET "
                        + metrics.url() + " < 30 (last 420, ");
        assertThat(report.step("lag-recovered").duration()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
        assertThat(report).step("scale-back").hasOutcome(Outcome.NOT_ATTEMPTED);
        assertThat(deployment("smp-asia", ns, "mirrormaker-to-cn").getSpec().getReplicas())
                .as("more workers while it still lags; a person decides")
                .isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(40));
    }

    @Test
    void fromTheRegistry_oneConnectionPerContext_anUnknownContextOrDeploymentIsRefusedNamingIt() throws Exception {
        String ns = stage();
        metrics.lag(() -> 420);
        RunbookRegistry registry = RunbookRegistry.load();
        Map<String, String> params = Map.of("namespace", ns, "deployment", "mirrormaker-to-c", "blipWait", "0s");

        try (RunbookArguments args = registry.arguments("INC-012", params, connections("smp-china"))) {
            Runbook rb = registry.find("INC-012").build(args);
            assertThat(((Step.Act) rb.step("restart-mirrormaker")).action().target())
                    .isEqualTo("smp-asia/" + ns + "/deployment/mirrormaker-to-c");
            try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(dir.resolve("audit.jsonl"))) {
                assertThat(engine(audit).plan(rb))
                        .isNotReady()
                        .hasRefusalContaining(
                                "no Deployment 'mirrormaker-to-c' in namespace '" + ns + "' of context smp-asia");
            }
        }
        assertThatThrownBy(() -> {
                    try (RunbookArguments args = registry.arguments("INC-012", params, connections("smp-nowhere"))) {
                        registry.find("INC-012").build(args);
                    }
                })
                .hasMessageContaining("context 'smp-nowhere' is not in the kubeconfig")
                .hasMessageContaining("smp-china");
        assertThat(restartedAt("smp-asia", ns, "mirrormaker-to-cn")).isNull();
    }

    /** The profile's connections: smp-asia, smp-us, the third named {@code china}, and the metrics URL. */
    private static Map<String, Connection> connections(String china) {
        Map<String, String> settings = Map.of("kubeconfig", kubeconfig.toString());
        return Map.of(
                "smp-asia", new Connection("smp-asia", "smp-asia", settings, Map.of()),
                "smp-china", new Connection("smp-china", china, settings, Map.of()),
                "smp-us", new Connection("smp-us", "smp-us", settings, Map.of()),
                "mirrormaker", Connection.of("mirrormaker", metrics.url()));
    }
}
