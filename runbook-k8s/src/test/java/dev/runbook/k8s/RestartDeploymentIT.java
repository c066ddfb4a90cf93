package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.k8s.test.Fault;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.test.ActionContract;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Against a SimulatedCluster (fabric8's CRUD mock API server with the simulated controllers). */
class RestartDeploymentIT extends ActionContract<RestartDeployment> {
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
    protected RestartDeployment action() {
        return k8s.restartDeployment(ns, "dispatch-engine").timeout(Duration.ofSeconds(30));
    }

    @Override
    protected Object snapshot() {
        return TestCluster.workloadState(ns);
    }

    @Override
    protected void moveTheWorld() {
        TestCluster.patchDeployment(
                ns,
                "dispatch-engine",
                "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"2026-12-01T00:00:00Z\"}}}}}");
        cluster.awaitRolledOut("Deployment", ns, "dispatch-engine", Duration.ofSeconds(10));
    }

    @Override
    protected Map<String, RestartDeployment> variants() {
        return Map.of(
                "kind", k8s.restart(ns, "statefulset/dispatch-engine").timeout(Duration.ofSeconds(30)),
                "namespace",
                        k8s.restartDeployment(ns + "-other", "dispatch-engine").timeout(Duration.ofSeconds(30)),
                "name", k8s.restartDeployment(ns, "dispatch-engine-2").timeout(Duration.ofSeconds(30)),
                "allowPaused", action().allowPaused(),
                "allowInProgress", action().allowInProgress(),
                "timeoutSeconds", action().timeout(Duration.ofSeconds(31)));
    }

    private Deployment deployment() {
        return cluster.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("dispatch-engine")
                .get();
    }

    @Test
    void apply_rollsNewPods_keepsOtherAnnotations_andVerifyFindsTheNewReplicaSet() {
        TestCluster.patchDeployment(
                ns,
                "dispatch-engine",
                "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"prometheus.io/scrape\":\"true\"}}}}}");
        cluster.awaitRolledOut("Deployment", ns, "dispatch-engine", Duration.ofSeconds(10));
        var podsBefore = TestCluster.workloadState(ns).get("pods");
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.summary()).contains("restart smp-asia/" + ns + "/deployment/dispatch-engine (3 pods)");
        assertThat(plan.details().path("serverDryRun").asText()).startsWith("accepted by the API server (dryRun=All)");
        ApplyResult done = action().apply(plan, ctx);
        assertThat(done.outcome()).as(done.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(done.summary()).contains("deployment \"dispatch-engine\" successfully rolled out");
        Deployment d = deployment();
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .hasEntrySatisfying("kubectl.kubernetes.io/restartedAt", v -> assertThat(v)
                        .endsWith(" runbook " + ctx.idempotencyKey()));
        assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "3");
        assertThat(TestCluster.workloadState(ns).get("pods"))
                .asList()
                .hasSize(3)
                .doesNotContainAnyElementsOf((java.util.List<?>) podsBefore);
        assertThat(action().verify(plan, done, ctx).message()).contains("(revision 3) has 3/3 available");
    }

    @Test
    void resume_ofAnAppliedPlan_isUnchanged_andDoesNotRestartAgain() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        action().apply(plan, ctx);
        Object after = snapshot();
        ApplyResult again = action().apply(plan, ctx);
        assertThat(again.outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(again.summary()).contains("already restarted by this step");
        assertThat(snapshot()).isEqualTo(after);
    }

    @Test
    void statefulSetAndDaemonSet_restartWithTheirOwnRolloutRules() {
        cluster.createStatefulSet(ns, "kafka", 3);
        cluster.createDaemonSet(ns, "log-agent");
        ActionContext ctx = context();
        for (RestartDeployment r :
                new RestartDeployment[] {k8s.restartStatefulSet(ns, "kafka"), k8s.restart(ns, "ds/log-agent")}) {
            StepPlan plan = r.plan(ctx);
            ApplyResult done = r.apply(plan, ctx);
            assertThat(done.outcome()).as(done.summary()).isEqualTo(Outcome.CHANGED);
            assertThat(r.verify(plan, done, ctx).ok()).isTrue();
        }
        assertThat(k8s.rolloutStatus(ns, "sts/kafka").read().message())
                .startsWith("statefulset rolling update complete 3 pods at revision kafka-");
        assertThat(k8s.rolloutStatus(ns, "daemonset/log-agent").read().message())
                .isEqualTo("daemon set \"log-agent\" successfully rolled out");
    }

    @Test
    void missingNamespaceOrName_andAWorkloadOfAnotherKind_areRefusedNamingThem() {
        assertThatThrownBy(() -> k8s.restartDeployment(null, "dispatch-engine"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace is missing");
        assertThatThrownBy(() -> k8s.restartDeployment(ns, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deployment name is missing");
        assertThatThrownBy(() -> k8s.restart(ns, "pod/dispatch-engine"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use deployment, statefulset or daemonset");
        assertRefusedWithoutChange(
                () -> k8s.restartDeployment("smp-nowhere", "dispatch-engine").plan(context()),
                "has no namespace 'smp-nowhere'",
                "kubectl --context smp-asia get namespaces");
        assertRefusedWithoutChange(
                () -> k8s.restartDeployment(ns, "dispatch-engin").plan(context()),
                "no Deployment 'dispatch-engin' in namespace '" + ns + "' of context smp-asia");
        cluster.createStatefulSet(ns, "kafka", 1);
        assertRefusedWithoutChange(
                () -> k8s.restartDeployment(ns, "kafka").plan(context()),
                "is a StatefulSet, not a Deployment; name it as statefulset/kafka");
    }

    @Test
    void pausedDeployment_isRefused_unlessAllowed() {
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"spec\":{\"paused\":true}}");
        cluster.settle();
        assertRefusedWithoutChange(
                () -> action().plan(context()), "is paused", "kubectl rollout resume", ".allowPaused()");
        assertThat(action().allowPaused().plan(context()).isNoop()).isFalse();
    }

    @Test
    void rolloutInProgress_isRefused_unlessAllowed() {
        cluster.fault(ns, "dispatch-engine", Fault.slowStart(Duration.ofSeconds(3)));
        TestCluster.patchDeployment(
                ns, "dispatch-engine", "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"v\":\"2\"}}}}}");
        cluster.settle();
        assertThatThrownBy(() -> action().plan(context()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining(
                        "has a rollout in progress (Waiting for deployment \"dispatch-engine\" rollout to finish")
                .hasMessageContaining(".allowInProgress()");
        assertThat(action().allowInProgress().plan(context()).isNoop()).isFalse();
        cluster.fault(ns, "dispatch-engine", Fault.none());
    }

    @Test
    void resourceVersionMovedBetweenPlanAndApply_isAStalePlan_andNothingIsPatched() {
        StepPlan plan = action().plan(context());
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"metadata\":{\"labels\":{\"team\":\"dispatch\"}}}");
        Object moved = snapshot();
        assertThatThrownBy(() -> action().apply(plan, context()))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("the object changed since the plan")
                .hasMessageContaining("plan again");
        assertThat(snapshot()).isEqualTo(moved);
        assertThat(TestCluster.restartedAt(deployment())).isNull();
    }

    @Test
    void rbacForbidden_isRefusedNamingVerbAndResource_atPlanAndAtApply() {
        cluster.forbid("patch", "deployments");
        try {
            assertRefusedWithoutChange(
                    () -> action().plan(context()),
                    "cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"" + ns + "\"",
                    "kubectl --context smp-asia auth can-i --list");
            RestartDeployment noDryRun = K8sActions.of(cluster.client(), "smp-asia")
                    .serverDryRun(false)
                    .restartDeployment(ns, "dispatch-engine");
            StepPlan plan = noDryRun.plan(context());
            assertRefusedWithoutChange(() -> noDryRun.apply(plan, context()), "cannot patch resource \"deployments\"");
        } finally {
            cluster.allowAll();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "CRASH_LOOP, CrashLoopBackOff (last exit 1 Error)",
        "OOM_KILLED, CrashLoopBackOff (last exit 137 OOMKilled)",
        "IMAGE_PULL_BACK_OFF, ImagePullBackOff: Back-off pulling image",
        "UNSCHEDULABLE, Unschedulable: 0/3 nodes are available: 3 Insufficient memory",
        "NEVER_READY, not ready: Readiness probe failed: HTTP probe failed with statuscode: 503"
    })
    void failedRollout_isFailed_namingThePodProblem(Fault.Kind fault, String problem) {
        TestCluster.patchDeployment(ns, "dispatch-engine", "{\"spec\":{\"progressDeadlineSeconds\":1}}");
        cluster.settle();
        cluster.fault(ns, "dispatch-engine", new Fault(fault, null));
        ActionContext ctx = context();
        ApplyResult r = action().apply(action().plan(ctx), ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.summary())
                .contains("deployment \"dispatch-engine\" exceeded its progress deadline")
                .contains(problem)
                .contains("Roll back");
        assertThat(deployment().getStatus().getAvailableReplicas())
                .as("old pods still serve")
                .isGreaterThanOrEqualTo(2);
        cluster.fault(ns, "dispatch-engine", Fault.none());
    }

    @Test
    void timeout_isFailed_namingThePods() {
        cluster.fault(ns, "dispatch-engine", Fault.neverReady());
        ActionContext ctx = context();
        RestartDeployment r = action().timeout(Duration.ofSeconds(1));
        ApplyResult result = r.apply(r.plan(ctx), ctx);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.summary()).contains("did not finish within 1 s").contains("Readiness probe failed");
        cluster.fault(ns, "dispatch-engine", Fault.none());
    }

    @Test
    void anOperatorRevertingTheAnnotation_isCaught_byTheWaitAndByVerify() {
        cluster.revertRestarts(ns, "dispatch-engine");
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.summary()).contains("restartedAt was changed to null by someone else");
        assertThat(action().verify(plan, r, ctx).ok()).isFalse();
        assertThat(action().verify(plan, r, ctx).message()).contains("something set it back");
    }

    @Test
    void apiServerGoneMidWait_thenBack_theWaitResumes() throws Exception {
        cluster.fault(ns, "dispatch-engine", Fault.slowStart(Duration.ofMillis(1500)));
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        CompletableFuture<ApplyResult> applying = CompletableFuture.supplyAsync(() -> action().apply(plan, ctx));
        Thread.sleep(300);
        cluster.apiServerDown();
        Thread.sleep(1500);
        cluster.apiServerUp();
        ApplyResult r = applying.get(30, TimeUnit.SECONDS);
        assertThat(r.outcome()).as(r.summary()).isEqualTo(Outcome.CHANGED);
        assertThat(r.details().path("unreachableReads").asInt())
                .as("reads failed while it was down")
                .isPositive();
        assertThat(deployment().getStatus().getUpdatedReplicas()).isEqualTo(3);
        cluster.fault(ns, "dispatch-engine", Fault.none());
    }

    @Test
    void unknownContext_isRefusedNamingTheContextsThereAre(@TempDir Path dir) {
        Path kubeconfig = cluster.writeKubeconfig(dir.resolve("config"));
        assertThatThrownBy(() -> K8sActions.connect(kubeconfig, "smp-nowhere"))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("context 'smp-nowhere' is not in the kubeconfig")
                .hasMessageContaining("[smp-asia]");
        try (K8sActions viaConfig = K8sActions.connect(kubeconfig, "smp-asia")) {
            assertThat(viaConfig.restartDeployment(ns, "dispatch-engine").target())
                    .isEqualTo("smp-asia/" + ns + "/deployment/dispatch-engine");
            assertThat(viaConfig
                            .rolloutStatus(ns, "deployment/dispatch-engine")
                            .read()
                            .done())
                    .isTrue();
        }
    }
}
