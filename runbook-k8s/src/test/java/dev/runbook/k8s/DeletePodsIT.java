package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.ActionContract;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a SimulatedCluster: its API server front serves the eviction subresource with PodDisruptionBudgets. */
class DeletePodsIT extends ActionContract<DeletePods> {
    static SimulatedCluster cluster;
    static K8sActions k8s;
    String ns;

    @BeforeAll
    static void connect() {
        cluster = TestCluster.shared();
        k8s = K8sActions.of(cluster.client(), "smp-asia");
    }

    @BeforeEach
    void deploy() {
        ns = TestCluster.namespace();
        cluster.createDeployment(ns, "redis", 3);
    }

    @Override
    protected DeletePods action() {
        return k8s.deletePods(ns, "app=redis")
                .gracePeriod(Duration.ofSeconds(30))
                .timeout(Duration.ofSeconds(20));
    }

    @Override
    protected Object snapshot() {
        return TestCluster.workloadState(ns);
    }

    @Override
    protected void moveTheWorld() {
        String victim = pods().get(0);
        cluster.client().pods().inNamespace(ns).withName(victim).delete();
        cluster.awaitRolledOut("Deployment", ns, "redis", Duration.ofSeconds(10));
        cluster.settle();
    }

    @Override
    protected Map<String, DeletePods> variants() {
        return Map.of(
                "namespace",
                        k8s.deletePods(ns + "-b", "app=redis")
                                .gracePeriod(Duration.ofSeconds(30))
                                .timeout(Duration.ofSeconds(20)),
                "selector",
                        k8s.deletePods(ns, "app=redis,tier=cache")
                                .gracePeriod(Duration.ofSeconds(30))
                                .timeout(Duration.ofSeconds(20)),
                "evict",
                        k8s.evictPods(ns, "app=redis")
                                .gracePeriod(Duration.ofSeconds(30))
                                .timeout(Duration.ofSeconds(20)),
                "ending", action().force(),
                "includeBarePods", action().includeBarePods(),
                "maxPods", action().maxPods(3),
                "timeoutSeconds", action().timeout(Duration.ofSeconds(21)));
    }

    private List<String> pods() {
        return cluster.client().pods().inNamespace(ns).list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
    }

    @Test
    void delete_replacesEveryPod_andVerifyWaitsForReadyReplacements() {
        List<String> before = pods();
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary()).isEqualTo("delete 3 pods app=redis in smp-asia/" + ns + " with a 30 s grace period");
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(r.summary()).contains("3 replacements ready");
        assertThat(pods()).hasSize(3).doesNotContainAnyElementsOf(before);
        assertThat(action().verify(plan, r, ctx).message())
                .isEqualTo("3 replacement pods ready for 3 owned pods removed");
    }

    @Test
    void evict_goesOneAtATime_throughABudgetThatAllowsOne_andIsRefusedByABudgetThatAllowsNone() {
        cluster.disruptionBudget(ns, "redis", 2);
        DeletePods evict = k8s.evictPods(ns, "app=redis")
                .gracePeriod(Duration.ofSeconds(30))
                .timeout(Duration.ofSeconds(20));
        ActionContext ctx = context();
        StepPlan plan = evict.plan(ctx);
        assertThat(plan.details().path("serverDryRun").toString()).contains("eviction accepted (dryRun=All)");
        List<String> before = pods();
        ApplyResult r = evict.apply(plan, ctx);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(pods()).hasSize(3).doesNotContainAnyElementsOf(before);

        String other = TestCluster.namespace();
        cluster.createDeployment(other, "db", 2);
        cluster.disruptionBudget(other, "db", 2);
        DeletePods blocked = k8s.evictPods(other, "app=db").gracePeriod(Duration.ofSeconds(30));
        Object state = TestCluster.workloadState(other);
        assertThatThrownBy(() -> blocked.plan(context()))
                .hasMessageContaining(
                        "is refused now: Cannot evict pod as it would violate the pod's disruption budget.")
                .hasMessageContaining("The disruption budget db-pdb needs 2 healthy pods and has 2 currently");
        assertThat(TestCluster.workloadState(other)).isEqualTo(state);
    }

    @Test
    void noGracePeriodChosen_noMatch_tooMany_andBarePods_areRefused() {
        assertRefusedWithoutChange(
                () -> k8s.deletePods(ns, "app=redis").plan(context()),
                "choose how",
                ".gracePeriod(Duration.ofSeconds(30))",
                ".force()");
        assertRefusedWithoutChange(
                () -> k8s.deletePods(ns, "app=rediss").force().plan(context()), "matches no pod");
        assertRefusedWithoutChange(() -> action().maxPods(2).plan(context()), "matches 3 pods", "more than maxPods 2");
        cluster.client()
                .pods()
                .inNamespace(ns)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("debug-shell")
                        .withNamespace(ns)
                        .addToLabels("app", "redis")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("sh")
                        .withImage("busybox")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
        assertRefusedWithoutChange(
                () -> action().maxPods(10).plan(context()),
                "pods [debug-shell]",
                "have no controller",
                ".includeBarePods()");
        assertThat(action().maxPods(10).includeBarePods().destructive()).isTrue();
        assertThatThrownBy(() -> k8s.evictPods(ns, "app=redis").force())
                .hasMessageContaining("an eviction cannot be forced");
        assertThatThrownBy(() -> k8s.deletePods(ns, "")).hasMessageContaining("a pod selector is required");
    }

    @Test
    void rbacForbiddenEviction_isRefusedNamingIt() {
        cluster.forbid("create", "pods/eviction");
        try {
            assertRefusedWithoutChange(
                    () -> k8s.evictPods(ns, "app=redis")
                            .gracePeriod(Duration.ofSeconds(1))
                            .plan(context()),
                    "cannot create resource \"pods/eviction\" in API group \"\"");
        } finally {
            cluster.allowAll();
        }
    }
}
