package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Action;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.ActionContract;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a SimulatedCluster: redis with requests memory 512Mi, limits memory 1Gi. */
class PatchResourcesIT extends ActionContract<PatchResources> {
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
        Deployment d = SimulatedCluster.deployment(ns, "redis", 2);
        d.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .setResources(new ResourceRequirementsBuilder()
                        .addToRequests("memory", new Quantity("512Mi"))
                        .addToLimits("memory", new Quantity("1Gi"))
                        .build());
        cluster.create(d);
    }

    @Override
    protected PatchResources action() {
        return k8s.patchResources(ns, "deployment/redis", "app")
                .requests(Map.of("memory", "1Gi"))
                .limits(Map.of("memory", "2Gi"))
                .timeout(Duration.ofSeconds(30));
    }

    @Override
    protected Object snapshot() {
        return TestCluster.workloadState(ns);
    }

    @Override
    protected void moveTheWorld() {
        TestCluster.patchDeployment(
                ns,
                "redis",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"registry.local/redis:1.0\","
                        + "\"resources\":{\"requests\":{\"memory\":\"768Mi\"},\"limits\":{\"memory\":\"1Gi\"}}}]}}}}");
        cluster.awaitRolledOut("Deployment", ns, "redis", Duration.ofSeconds(10));
        cluster.settle();
    }

    @Override
    protected Map<String, PatchResources> variants() {
        return Map.of(
                "kind",
                        k8s.patchResources(ns, "statefulset/redis", "app")
                                .requests(Map.of("memory", "1Gi"))
                                .limits(Map.of("memory", "2Gi"))
                                .timeout(Duration.ofSeconds(30)),
                "namespace",
                        k8s.patchResources(ns + "-b", "deployment/redis", "app")
                                .requests(Map.of("memory", "1Gi"))
                                .limits(Map.of("memory", "2Gi"))
                                .timeout(Duration.ofSeconds(30)),
                "name",
                        k8s.patchResources(ns, "deployment/redis-2", "app")
                                .requests(Map.of("memory", "1Gi"))
                                .limits(Map.of("memory", "2Gi"))
                                .timeout(Duration.ofSeconds(30)),
                "container",
                        k8s.patchResources(ns, "deployment/redis", "sidecar")
                                .requests(Map.of("memory", "1Gi"))
                                .limits(Map.of("memory", "2Gi"))
                                .timeout(Duration.ofSeconds(30)),
                "requests", action().requests(Map.of("cpu", "500m")),
                "limits", action().limits(Map.of("cpu", "1")),
                "exact", action().exactly(),
                "timeoutSeconds", action().timeout(Duration.ofSeconds(31)));
    }

    private Map<String, Quantity> limits() {
        return cluster.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("redis")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getLimits();
    }

    @Test
    void raisesTheMemory_rollsThePods_andTheInverseRestoresThePreviousValues() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary())
                .contains("requests {memory=512Mi} -> {memory=1Gi}, limits {memory=1Gi} -> {memory=2Gi}");
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(limits()).containsEntry("memory", new Quantity("2Gi"));
        assertThat(action().verify(plan, r, ctx).ok()).isTrue();
        Action undo = action().inverse(plan).orElseThrow();
        undo.apply(undo.plan(ctx), ctx);
        assertThat(limits()).containsEntry("memory", new Quantity("1Gi"));
    }

    @Test
    void aLimitBelowItsRequest_anUnknownContainer_andABadQuantity_areRefused() {
        assertRefusedWithoutChange(
                () -> k8s.patchResources(ns, "deployment/redis", "app")
                        .limits(Map.of("memory", "256Mi"))
                        .plan(context()),
                "the limit memory 256Mi would be below its request 512Mi");
        assertRefusedWithoutChange(
                () -> k8s.patchResources(ns, "deployment/redis", "redis")
                        .limits(Map.of("memory", "2Gi"))
                        .plan(context()),
                "has no container 'redis' (it has [app])");
        assertThatThrownBy(
                        () -> k8s.patchResources(ns, "deployment/redis", "app").limits(Map.of("memory", "lots")))
                .hasMessageContaining("'lots' is not a Kubernetes quantity");
    }
}
