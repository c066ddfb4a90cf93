package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.PodHealth;
import dev.runbook.k8s.PodState;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.FakeAction;
import dev.runbook.test.FakeProbe;
import dev.runbook.test.MutableClock;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * INC-012 planned and applied against fakes (RunbookFakes: every action and probe faked), its conditional
 * restart ({@link Unless}) on a fake clock, and its triage reading ({@link ReplicationStatus}). The run on
 * three simulated clusters and a real metrics endpoint is {@link CrossRegionReplicationLagIT}.
 */
@RunbookTest
class CrossRegionReplicationLagTest {
    static SimulatedCluster cluster;
    static K8sActions asia;
    static K8sActions china;
    static K8sActions us;
    static final FakeProbe<Double> LAG = FakeProbe.unscripted("lag");

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start("smp-asia"); // only to build the actions; every one is faked here
        asia = K8sActions.of(cluster.client(), "smp-asia");
        china = K8sActions.of(cluster.client(), "smp-china");
        us = K8sActions.of(cluster.client(), "smp-us");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static final List<String> STEPS = List.of(
            "replication-behind",
            "rule-out-schema-change",
            "no-pii-outside-cn",
            "restart-mirrormaker",
            "scale-up",
            "lag-recovered",
            "scale-back",
            "lag-under-hot",
            "agents-ready-smp-asia",
            "agents-ready-smp-china",
            "agents-ready-smp-us",
            "resolve");

    static PodHealth agents(boolean ready) {
        return new PodHealth(
                "app=replication-agent",
                List.of(
                        ready
                                ? new PodState("replication-agent-1", "Running", true, 0, null, null, null, null, null)
                                : new PodState(
                                        "replication-agent-1",
                                        "Running",
                                        false,
                                        5,
                                        "CrashLoopBackOff",
                                        "back-off",
                                        "Error",
                                        1,
                                        null)));
    }

    static ReplicationStatus status(Double lag, boolean chinaReady) {
        return new ReplicationStatus(
                lag,
                lag == null ? "GET http://mirrormaker-asia-to-cn:8080/metrics refused the connection" : null,
                Map.of("smp-asia", agents(true), "smp-china", agents(chinaReady), "smp-us", agents(true)),
                Map.of());
    }

    @Test
    void followsTheSeed_everyTargetNamesItsContext() {
        Runbook rb = CrossRegionReplicationLag.runbook(asia, china, us, LAG);

        assertThat(rb.id()).isEqualTo("INC-012");
        assertThat(rb.service()).isEqualTo("mirrormaker-to-cn");
        assertThat(rb.steps()).extracting(Step::id).containsExactlyElementsOf(STEPS);
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.MANUAL,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.ACTION,
                        StepKind.WAIT,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        assertThat(rb.steps().stream().filter(s -> s instanceof Step.Act).map(s -> ((Step.Act) s).action()))
                .allSatisfy(a -> assertThat(a.target()).isEqualTo("smp-asia/smp-prod/deployment/mirrormaker-to-cn"));
        assertThat(rb.step("restart-mirrormaker").title())
                .isEqualTo("restart mirrormaker-to-cn in smp-asia unless it recovers");
        assertThat(((Step.Check<?>) rb.step("agents-ready-smp-china")).probe().name())
                .contains("smp-china");
        assertThat(rb.step("no-pii-outside-cn").definition()).contains("never replicate PII outside CN");
    }

    @Test
    void withFakes_appliesEveryStepInOrder(RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(CrossRegionReplicationLag.runbook(asia, china, us, LAG));
        fakes.probe("replication-behind").set(status(420.0, true));
        fakes.<Double>probe("lag-recovered").then(95.0, 12.0);
        fakes.probe("agents-ready-smp-asia").set(agents(true));
        fakes.probe("agents-ready-smp-china").set(agents(true));
        fakes.probe("agents-ready-smp-us").set(agents(true));

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady().hasSteps(STEPS.toArray(String[]::new));
        Report report = engine.apply(fakes.runbook(), plan);

        assertThat(report).succeeded();
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isEqualTo(1));
        assertThat(approvals.askedFor()).containsExactly("rule-out-schema-change", "no-pii-outside-cn", "resolve");
        audit.assertPaired();
    }

    @Test
    void withFakes_caughtUpWithEveryAgentReady_isRefusedAtPlanTime(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(CrossRegionReplicationLag.runbook(asia, china, us, LAG));
        fakes.probe("replication-behind").set(status(12.0, true));

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("precheck 'replication is behind or an agent is down' does not hold");
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isZero());
    }

    @Test
    void triage_anUnknownLagOrAnAgentDownInOneContextIsBehind_neverFine() {
        var behind = ReplicationStatus.behind(60);
        var recovered = ReplicationStatus.recovered(30);

        assertThat(behind.test(status(420.0, true))).isTrue();
        assertThat(behind.test(status(12.0, false)))
                .as("an agent down in smp-china")
                .isTrue();
        assertThat(behind.test(status(null, true)))
                .as("the metrics endpoint is gone")
                .isTrue();
        assertThat(behind.test(status(12.0, true))).isFalse();
        assertThat(recovered.test(status(12.0, true))).isTrue();
        assertThat(recovered.test(status(31.0, true))).isFalse();
        assertThat(recovered.test(status(Double.POSITIVE_INFINITY, true))).isFalse();
        ReplicationStatus gone = new ReplicationStatus(
                12.0, null, Map.of("smp-asia", agents(true)), Map.of("smp-us", "connection refused"));
        assertThat(recovered.test(gone)).as("a context that does not answer").isFalse();
        assertThat(status(null, false).toString())
                .startsWith("lag unknown (GET http://mirrormaker-asia-to-cn:8080/metrics refused the connection)")
                .contains("smp-china 0/1 agents ready (replication-agent-1: CrashLoopBackOff");
    }

    @Test
    void aBlipThatRecoversWithinTheWait_skipsTheRestart_onAFakeClock() {
        MutableClock clock = MutableClock.at("2026-12-07T03:00:00Z");
        FakeAction restart = FakeAction.builder("k8s.restart", "smp-asia/smp-prod/deployment/mirrormaker-to-cn")
                .build();
        FakeProbe<Double> lag = FakeProbe.of("lag", 420.0, 400.0, 380.0, 20.0);
        Unless step = Unless.holdsWithin(lag, dev.runbook.core.Conditions.below(30), Duration.ofMinutes(5), restart);
        ActionContext ctx = ActionContext.builder()
                .runId("r1")
                .stepId("restart-mirrormaker")
                .clock(clock)
                .sleeper(clock)
                .build();

        StepPlan plan = step.plan(ctx);
        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w).isEqualTo("not done if lag < 30 within 5 min of the run reaching it"));
        ApplyResult r = step.apply(plan, ctx);

        assertThat(r.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(r.summary())
                .startsWith("not needed, nothing done to smp-asia/smp-prod/deployment/mirrormaker-to-cn: satisfied");
        assertThat(restart.applies()).isZero();
        assertThat(step.verify(plan, r, ctx).message()).startsWith("not needed");

        FakeProbe<Double> stuck = FakeProbe.of("lag", 420.0);
        Unless again = Unless.holdsWithin(stuck, dev.runbook.core.Conditions.below(30), Duration.ofMinutes(5), restart);
        ApplyResult applied = again.apply(again.plan(ctx), ctx);
        assertThat(applied.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(restart.applies()).isEqualTo(1);
        assertThat(stuck.reads())
                .as("read every 500 ms for 5 minutes, then restarted")
                .isEqualTo(601);
        assertThatThrownBy(() -> Unless.holdsWithin(
                        stuck, dev.runbook.core.Conditions.below(30), Duration.ofSeconds(-1), restart))
                .hasMessageContaining("must be >= 0");
    }

    @Test
    void aPlanForSmpAsia_isRefusedByTheRunbookRebuiltForSmpChina(RunbookEngine engine) {
        RunbookFakes forAsia = RunbookFakes.of(CrossRegionReplicationLag.runbook(asia, china, us, LAG));
        forAsia.probe("replication-behind").set(status(420.0, true));
        Plan plan = engine.plan(forAsia.runbook());
        RunbookFakes forChina = RunbookFakes.of(CrossRegionReplicationLag.runbook(
                List.of(asia, china, us),
                china,
                LAG,
                "smp-prod",
                "app=replication-agent",
                "mirrormaker-to-cn",
                3,
                60,
                30,
                Duration.ofMinutes(5),
                Duration.ofMinutes(15)));
        forChina.probe("replication-behind").set(status(420.0, true));

        assertThatThrownBy(() -> engine.apply(forChina.runbook(), plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining(
                        "step restart-mirrormaker is now ACTION k8s.restart on smp-china/smp-prod/deployment/mirrormaker-to-cn")
                .hasMessageContaining(
                        "the reviewed plan had ACTION k8s.restart on smp-asia/smp-prod/deployment/mirrormaker-to-cn");
        assertThat(forChina.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isZero());
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> build(List.of(asia, china, asia), asia, "mirrormaker-to-cn", 3, 60, 30, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("context smp-asia is given twice");
        assertThatThrownBy(() -> build(List.of(china, us), asia, "mirrormaker-to-cn", 3, 60, 30, Duration.ZERO))
                .hasMessageContaining("MirrorMaker's context smp-asia is not among");
        assertThatThrownBy(() -> build(List.of(), asia, "mirrormaker-to-cn", 3, 60, 30, Duration.ZERO))
                .hasMessageContaining("no context given");
        assertThatThrownBy(() -> build(List.of(asia), asia, " ", 3, 60, 30, Duration.ZERO))
                .hasMessageContaining("mirrorMakerDeployment is missing, such as 'mirrormaker-to-cn'");
        assertThatThrownBy(() -> build(List.of(asia), asia, "mm", 0, 60, 30, Duration.ZERO))
                .hasMessageContaining("scaleTo must be >= 1");
        assertThatThrownBy(() -> build(List.of(asia), asia, "mm", 3, 20, 30, Duration.ZERO))
                .hasMessageContaining("0 <= hotSeconds <= alertSeconds");
        assertThatThrownBy(() -> build(List.of(asia), asia, "mm", 3, 60, -1, Duration.ZERO))
                .hasMessageContaining("0 <= hotSeconds <= alertSeconds");
        assertThatThrownBy(() -> build(List.of(asia), asia, "mm", 3, 60, 30, Duration.ofSeconds(-1)))
                .hasMessageContaining("blipWait must be >= 0");
        assertThatThrownBy(() -> CrossRegionReplicationLag.runbook(
                        List.of(asia),
                        asia,
                        LAG,
                        "smp-prod",
                        "app=replication-agent",
                        "mm",
                        3,
                        60,
                        30,
                        Duration.ZERO,
                        Duration.ZERO))
                .hasMessageContaining("recoveryTimeout must be > 0");
    }

    private static Runbook build(
            List<K8sActions> contexts,
            K8sActions mm,
            String deployment,
            int scaleTo,
            double alert,
            double hot,
            Duration blip) {
        return CrossRegionReplicationLag.runbook(
                contexts,
                mm,
                LAG,
                "smp-prod",
                "app=replication-agent",
                deployment,
                scaleTo,
                alert,
                hot,
                blip,
                Duration.ofMinutes(15));
    }
}
