package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Change;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.PodHealth;
import dev.runbook.k8s.PodState;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.redis.RedisActions;
import dev.runbook.test.FakeProbe;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * INC-001 planned and applied against fakes (RunbookFakes: every action and probe faked), and planned
 * against the simulated cluster (the real Kubernetes actions, the queue faked). The applied run on real
 * servers is {@link DispatchEngineDownIT}.
 */
@RunbookTest
class DispatchEngineDownTest {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    static RedisActions redis;

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start("smp-asia");
        k8s = K8sActions.of(cluster.client(), "smp-asia").resync(Duration.ofMillis(300));
        redis = RedisActions.connect("redis://127.0.0.1:1"); // never connects: its probe is faked
    }

    @AfterAll
    static void stop() {
        redis.close();
        k8s.close();
        cluster.close();
    }

    static final List<String> STEPS = List.of(
            "the-dispatch-engine-is-down",
            "dispatch-queue-hcmc-backs-up",
            "tell-the-team-it-is-down",
            "turn-auto-dispatch-off",
            "dispatch-the-stuck-orders-by-hand",
            "restart-the-dispatch-engine",
            "turn-auto-dispatch-back-on",
            "scale-up-to-5",
            "dispatch-queue-hcmc-is-drained",
            "scale-back",
            "every-dispatch-engine-pod-is-ready",
            "dispatch-queue-hcmc-does-not-back-up",
            "tell-the-team-it-is-resolved");

    static PodHealth crashLooping() {
        return new PodHealth(
                "app=dispatch-engine",
                List.of(
                        pod("dispatch-engine-1", false),
                        pod("dispatch-engine-2", false),
                        pod("dispatch-engine-3", false)));
    }

    static PodHealth healthy() {
        return new PodHealth(
                "app=dispatch-engine", List.of(pod("dispatch-engine-4", true), pod("dispatch-engine-5", true)));
    }

    static PodState pod(String name, boolean ready) {
        return ready
                ? new PodState(name, "Running", true, 0, null, null, null, null, null)
                : new PodState(name, "Running", false, 7, "CrashLoopBackOff", "back-off", "Error", 1, null);
    }

    @Test
    void followsTheSeed() {
        Runbook rb = DispatchEngineDown.runbook(k8s, redis);

        assertThat(rb.id()).isEqualTo("INC-001");
        assertThat(rb.service()).isEqualTo("dispatch-engine");
        assertThat(rb.links()).singleElement().asString().contains("seeds/000 INC-001");
        assertThat(rb.steps()).extracting(Step::id).containsExactlyElementsOf(STEPS);
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.ACTION,
                        StepKind.ACTION,
                        StepKind.WAIT,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        assertThat(((Step.Act) rb.step("scale-back")).action().target())
                .isEqualTo("smp-asia/smp-prod/deployment/dispatch-engine");
    }

    @Test
    void withFakes_appliesEveryStepInOrder(RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(DispatchEngineDown.runbook(k8s, redis));
        fakes.probe("the-dispatch-engine-is-down").then(crashLooping(), crashLooping(), healthy());
        fakes.probe("dispatch-queue-hcmc-backs-up").then(850L, 850L, 0L);

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady().hasSteps(STEPS.toArray(String[]::new));
        Report report = engine.apply(fakes.runbook(), plan);

        assertThat(report).succeeded();
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isEqualTo(1));
        assertThat(approvals.askedFor())
                .containsExactly(
                        "tell-the-team-it-is-down",
                        "dispatch-the-stuck-orders-by-hand",
                        "tell-the-team-it-is-resolved");
        audit.assertPaired();
    }

    @Test
    void withFakes_healthyPodsOrAShortQueue_areRefusedAtPlanTime(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(DispatchEngineDown.runbook(k8s, redis));
        fakes.probe("the-dispatch-engine-is-down").set(healthy());
        fakes.probe("dispatch-queue-hcmc-backs-up").set(12L);

        Plan plan = engine.plan(fakes.runbook());

        assertThat(plan)
                .isNotReady()
                .hasRefusalContaining("precheck 'the dispatch engine is down' does not hold")
                .hasRefusalContaining("precheck 'dispatch:queue:HCMC backs up' does not hold");
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isZero());
    }

    @Test
    void onTheSimulatedCluster_planShowsEachChangeAndReadsOnly(RunbookEngine engine) {
        String ns = "plan-" + System.nanoTime();
        DispatchScenario.stageCluster(cluster, ns);
        Runbook rb = withQueue(
                DispatchEngineDown.runbook(
                        k8s,
                        redis,
                        ns,
                        "dispatch-engine",
                        "dispatch-flags",
                        DispatchEngineDown.QUEUE,
                        5,
                        100,
                        Duration.ofMinutes(5)),
                FakeProbe.of("LLEN", 850L));
        String before = DispatchScenario.describe(cluster, ns);

        Plan plan = engine.plan(rb);

        assertThat(plan).isReady();
        assertThat(plan)
                .hasStep("turn-auto-dispatch-off")
                .withChange(Change.CHANGE)
                .withSummaryContaining("set ENABLE_AUTO_DISPATCH from true to false");
        assertThat(plan).hasStep("restart-the-dispatch-engine").withSummaryContaining("restart smp-asia/" + ns);
        assertThat(plan).hasStep("scale-up-to-5").withSummaryContaining("from 3 to 5 replicas");
        assertThat(plan)
                .hasStep("scale-back")
                .withSummaryContaining("undo the earlier 'scale")
                .withSummaryContaining("to 3]");
        assertThat(plan).hasStep("turn-auto-dispatch-back-on").withSummaryContaining("= true]");
        assertThat(DispatchScenario.describe(cluster, ns))
                .as("the plan wrote nothing")
                .isEqualTo(before);
    }

    @Test
    void onTheSimulatedCluster_aMisspelledDeploymentIsRefused(RunbookEngine engine) {
        String ns = "typo-" + System.nanoTime();
        DispatchScenario.stageCluster(cluster, ns);
        Runbook rb = withQueue(
                DispatchEngineDown.runbook(
                        k8s,
                        redis,
                        ns,
                        "dispatch-engin",
                        "dispatch-flags",
                        DispatchEngineDown.QUEUE,
                        5,
                        100,
                        Duration.ofMinutes(5)),
                FakeProbe.of("LLEN", 850L));

        assertThat(engine.plan(rb)).isNotReady().hasRefusalContaining("no Deployment 'dispatch-engin'");
        assertThat(DispatchScenario.flag(cluster, ns)).isEqualTo("true");
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> DispatchEngineDown.runbook(
                        k8s,
                        redis,
                        "smp-prod",
                        "dispatch-engine",
                        "dispatch-flags",
                        " ",
                        5,
                        100,
                        Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue is missing");
        assertThatThrownBy(() -> DispatchEngineDown.runbook(
                        k8s,
                        redis,
                        "smp-prod",
                        "dispatch-engine",
                        "dispatch-flags",
                        "q",
                        0,
                        100,
                        Duration.ofMinutes(5)))
                .hasMessageContaining("scaleTo must be >= 1");
        assertThatThrownBy(() -> DispatchEngineDown.runbook(
                        k8s, redis, "smp-prod", "dispatch-engine", "dispatch-flags", "q", 5, -1, Duration.ofMinutes(5)))
                .hasMessageContaining("backlog must be >= 0");
        assertThatThrownBy(() -> DispatchEngineDown.runbook(
                        k8s, redis, "smp-prod", "dispatch-engine", "dispatch-flags", "q", 5, 100, Duration.ZERO))
                .hasMessageContaining("drainTimeout must be > 0");
    }

    /** The runbook with {@code queue} in place of the Redis LLEN probe in its checks and waits. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Runbook withQueue(Runbook rb, FakeProbe<Long> queue) {
        List<Step> steps = rb.steps().stream()
                .map(s -> {
                    if (s instanceof Step.Check<?> c && c.probe().name().contains("LLEN")) {
                        return (Step) new Step.Check(c.id(), c.title(), c.kind(), queue, c.condition());
                    }
                    if (s instanceof Step.Wait<?> w && w.probe().name().contains("LLEN")) {
                        return (Step) new Step.Wait(w.id(), w.title(), queue, w.condition(), w.timeout(), w.poll());
                    }
                    return s;
                })
                .toList();
        return new Runbook(rb.id(), rb.title(), rb.severity(), rb.service(), rb.links(), steps, rb.onFailure());
    }
}
