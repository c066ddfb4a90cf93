package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.Probe;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.test.Fault;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.ActionContract;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a SimulatedCluster (fabric8's CRUD mock API server with the simulated controllers). */
class ScaleDeploymentIT extends ActionContract<ScaleDeployment> {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    String ns;

    @BeforeAll
    static void connect() {
        cluster = TestCluster.shared();
        k8s = K8sActions.of(cluster.client(), "smp-asia").resync(Duration.ofMillis(300));
    }

    @BeforeEach
    void deploy() {
        ns = TestCluster.namespace();
        cluster.createDeployment(ns, "dispatch-engine", 3);
    }

    @Override
    protected ScaleDeployment action() {
        return k8s.scaleDeployment(ns, "dispatch-engine", 5).timeout(Duration.ofSeconds(30));
    }

    @Override
    protected Object snapshot() {
        return TestCluster.workloadState(ns);
    }

    @Override
    protected void moveTheWorld() {
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"spec\":{\"replicas\":4}}");
        cluster.awaitRolledOut("Deployment", ns, "dispatch-engine", Duration.ofSeconds(10));
        cluster.settle();
    }

    @Override
    protected Map<String, ScaleDeployment> variants() {
        return Map.of(
                "kind", k8s.scaleStatefulSet(ns, "dispatch-engine", 5).timeout(Duration.ofSeconds(30)),
                "namespace",
                        k8s.scaleDeployment(ns + "-b", "dispatch-engine", 5).timeout(Duration.ofSeconds(30)),
                "name", k8s.scaleDeployment(ns, "dispatcher", 5).timeout(Duration.ofSeconds(30)),
                "replicas", k8s.scaleDeployment(ns, "dispatch-engine", 6).timeout(Duration.ofSeconds(30)),
                "despiteAutoscaler", action().despiteAutoscaler(),
                "atMost", action().atMost(Probe.of("partitions of orders", () -> 12)),
                "timeoutSeconds", action().timeout(Duration.ofSeconds(31)),
                "afterScaleTo", action().afterScaleTo(0));
    }

    private int readyPods() {
        return (int) cluster.client().pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> p.getStatus() != null
                        && p.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .count();
    }

    @Test
    void scaleUpAndBack_waitsForReadyPods_andTheInverseRestoresTheCount() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .isEqualTo("scale smp-asia/" + ns + "/deployment/dispatch-engine from 3 to 5 replicas,"
                        + " then wait until 5 are ready");
        assertThat(plan.radius("replicas")).isEqualTo(5);
        assertThat(plan.radius("pods")).isEqualTo(2);
        ApplyResult up = action().apply(plan, ctx);
        assertThat(up.outcome()).as(up.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(readyPods()).isEqualTo(5);
        assertThat(k8s.readyReplicas(ns, "deployment/dispatch-engine").read()).isEqualTo(5);
        Action back = action().inverse(plan).orElseThrow();
        StepPlan backPlan = back.plan(ctx);
        assertThat(backPlan.summary()).contains("from 5 to 3 replicas");
        assertThat(back.apply(backPlan, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(cluster.client()
                        .apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("dispatch-engine")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(3);
        cluster.settle();
        assertThat(readyPods()).isEqualTo(3);
    }

    @Test
    void scaleToZeroAndBack_stopsAndResumesProcessing() {
        ActionContext ctx = context();
        ScaleDeployment stop = k8s.scaleDeployment(ns, "dispatch-engine", 0);
        StepPlan plan = stop.plan(ctx);
        assertThat(stop.apply(plan, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(cluster.client().pods().inNamespace(ns).list().getItems()).isEmpty();
        Action resume = stop.inverse(plan).orElseThrow();
        assertThat(resume.apply(resume.plan(ctx), ctx).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(readyPods()).isEqualTo(3);
    }

    @Test
    void afterScaleTo_plannedBeforeTheStop_refusedUntilTheStopHappened_thenScalesUp() {
        ActionContext ctx = context();
        ScaleDeployment stop = k8s.scaleDeployment(ns, "dispatch-engine", 0);
        ScaleDeployment resume = k8s.scaleDeployment(ns, "dispatch-engine", 6).afterScaleTo(0);
        StepPlan stopPlan = stop.plan(ctx);
        StepPlan resumePlan = resume.plan(ctx); // both reviewed before the first write, as a runbook plans them

        assertThat(resumePlan.summary()).contains("from 0 (after the earlier step) to 6");
        assertThatThrownBy(() -> resume.apply(resumePlan, ctx)).isInstanceOf(StalePlanException.class);
        assertThat(readyPods()).as("nothing written").isEqualTo(3);
        stop.apply(stopPlan, ctx);
        assertThat(resume.apply(resumePlan, ctx).outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(readyPods()).isEqualTo(6);
    }

    @Test
    void anAutoscalerTargetingTheWorkload_isRefusedNamingIt_unlessAccepted() {
        cluster.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("dispatch-engine-hpa")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withMinReplicas(2)
                        .withMaxReplicas(10)
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("dispatch-engine")
                        .endScaleTargetRef()
                        .endSpec()
                        .build())
                .create();
        assertRefusedWithoutChange(
                () -> action().plan(context()),
                "is scaled by HorizontalPodAutoscaler 'dispatch-engine-hpa' (min 2, max 10)",
                ".despiteAutoscaler()");
        StepPlan plan = action().despiteAutoscaler().plan(context());
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("dispatch-engine-hpa"));
    }

    @Test
    void aBudgetOfReplicas_andAProbeBound_refuseTooMany() {
        Guards guards = Guards.builder().budget("replicas", 4).build();
        StepPlan plan = action().plan(context());
        assertThat(guards.violations("02-scale", plan, Clock.systemUTC()))
                .singleElement()
                .asString()
                .contains("would touch 5 replicas; the budget 'replicas' is 4");
        Probe<Integer> partitions = Probe.of("partitions of topic orders", () -> 4);
        assertRefusedWithoutChange(
                () -> action().atMost(partitions).plan(context()),
                "above the bound partitions of topic orders = 4; scale to at most 4");
    }

    @Test
    void podsThatCannotBeScheduled_failTheWait_namingTheSchedulersMessage() {
        cluster.fault(ns, "dispatch-engine", Fault.unschedulable());
        ActionContext ctx = context();
        ScaleDeployment s = action().timeout(Duration.ofSeconds(1));
        ApplyResult r = s.apply(s.plan(ctx), ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.summary()).contains("not ready within 1 s").contains("Unschedulable: 0/3 nodes are available");
        cluster.fault(ns, "dispatch-engine", Fault.none());
    }

    @Test
    void currentReplicasMovedBetweenPlanAndApply_isAStalePlan() {
        StepPlan plan = action().plan(context());
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
        Object moved = snapshot();
        assertThatThrownBy(() -> action().apply(plan, context()))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("changed since the plan");
        assertThat(snapshot()).isEqualTo(moved);
    }

    @Test
    void rbacForbiddenOnTheScaleSubresource_isRefusedNamingIt() {
        cluster.forbid("patch", "deployments/scale");
        try {
            assertRefusedWithoutChange(
                    () -> action().plan(context()),
                    "cannot patch resource \"deployments/scale\" in API group \"apps\"");
        } finally {
            cluster.allowAll();
        }
    }

    @Test
    void aDaemonSetOrANegativeCount_isRefusedAtOnce() {
        assertThatThrownBy(() -> k8s.scaleDeployment(ns, "dispatch-engine", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicas must be >= 0");
    }
}
