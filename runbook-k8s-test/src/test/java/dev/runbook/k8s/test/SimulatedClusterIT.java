package dev.runbook.k8s.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulated controllers against fabric8's mock API server: what a real cluster would show. */
class SimulatedClusterIT {
    static SimulatedCluster cluster;
    static KubernetesClient k8s;

    @BeforeAll
    static void start() {
        cluster = SimulatedCluster.start("sim");
        k8s = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @AfterEach
    void heal() {
        cluster.allowAll();
    }

    private static void restart(String ns, String name, String value) {
        k8s.apps()
                .deployments()
                .inNamespace(ns)
                .withName(name)
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\""
                                + value + "\"}}}}}");
    }

    private static List<ReplicaSet> replicaSets(String ns) {
        return k8s.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .sorted(Comparator.comparing(
                        rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")))
                .toList();
    }

    @Test
    void deployment_rollsOutWithReplicaSetsRevisionsAndReadyPods() {
        Deployment d = cluster.createDeployment("a", "web", 3);
        List<ReplicaSet> rs = replicaSets("a");
        assertThat(rs).hasSize(1);
        assertThat(rs.get(0).getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
        assertThat(rs.get(0).getMetadata().getOwnerReferences().get(0).getUid())
                .isEqualTo(d.getMetadata().getUid());
        String hash = rs.get(0).getMetadata().getLabels().get("pod-template-hash");
        assertThat(rs.get(0).getMetadata().getName()).isEqualTo("web-" + hash);
        List<Pod> pods =
                k8s.pods().inNamespace("a").withLabel("app", "web").list().getItems();
        assertThat(pods).hasSize(3).allSatisfy(p -> {
            assertThat(PodLifecycle.isReady(p)).isTrue();
            assertThat(p.getMetadata().getLabels()).containsEntry("pod-template-hash", hash);
        });

        restart("a", "web", "2026-12-07T00:00:00Z");
        cluster.awaitRolledOut("Deployment", "a", "web", Duration.ofSeconds(10));
        rs = replicaSets("a");
        assertThat(rs).hasSize(2);
        assertThat(rs.get(1).getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
        assertThat(rs.get(1).getSpec().getReplicas()).isEqualTo(3);
        assertThat(rs.get(0).getSpec().getReplicas()).isZero();
        Deployment after =
                k8s.apps().deployments().inNamespace("a").withName("web").get();
        assertThat(after.getStatus().getObservedGeneration())
                .isEqualTo(after.getMetadata().getGeneration());
        assertThat(after.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(after.getStatus().getAvailableReplicas()).isEqualTo(3);
        assertThat(after.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
        assertThat(after.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable"));
        assertThat(k8s.pods().inNamespace("a").list().getItems()).hasSize(3);
    }

    @Test
    void aRolledOutDeployment_isLeftAlone_soItsResourceVersionStaysPut() {
        cluster.createDeployment("g", "web", 3);
        String rv = k8s.apps()
                .deployments()
                .inNamespace("g")
                .withName("web")
                .get()
                .getMetadata()
                .getResourceVersion();
        var before = k8s.apps().deployments().inNamespace("g").withName("web").get();
        cluster.settle();
        cluster.settle();
        var after = k8s.apps().deployments().inNamespace("g").withName("web").get();
        assertThat(after.getMetadata().getResourceVersion())
                .as("%s%n%s", before, after)
                .isEqualTo(rv);
    }

    @Test
    void crashLoop_neverCompletes_andTheProgressDeadlineIsExceeded() {
        Deployment d = SimulatedCluster.deployment("b", "api", 2);
        d.getSpec().setProgressDeadlineSeconds(1);
        cluster.create(d);
        cluster.fault("b", "api", Fault.crashLoop());
        restart("b", "api", "x");
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Deployment now = null;
        while (System.nanoTime() < until) {
            now = k8s.apps().deployments().inNamespace("b").withName("api").get();
            if (now.getStatus().getConditions().stream()
                    .anyMatch(c -> "ProgressDeadlineExceeded".equals(c.getReason()))) {
                break;
            }
            sleep(50);
        }
        assertThat(now.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded"));
        assertThat(now.getStatus().getAvailableReplicas())
                .as("old pods still serve")
                .isGreaterThanOrEqualTo(1);
        List<Pod> crashing = k8s.pods().inNamespace("b").list().getItems().stream()
                .filter(p -> !PodLifecycle.isReady(p))
                .toList();
        assertThat(crashing).isNotEmpty().allSatisfy(p -> {
            var cs = p.getStatus().getContainerStatuses().get(0);
            assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
            assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        });
        cluster.fault("b", "api", Fault.none());
    }

    @Test
    void eviction_respectsDisruptionBudgets_andRbacRefusalsNameVerbAndResource() {
        cluster.createDeployment("c", "db", 2);
        cluster.disruptionBudget("c", "db", 2);
        Pod pod = k8s.pods().inNamespace("c").list().getItems().get(0);
        assertThat(k8s.pods()
                        .inNamespace("c")
                        .withName(pod.getMetadata().getName())
                        .evict())
                .as("fabric8 answers a 429 with false")
                .isFalse();
        assertThat(k8s.pods()
                        .inNamespace("c")
                        .withName(pod.getMetadata().getName())
                        .get())
                .isNotNull();
        k8s.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace("c")
                .withName("db-pdb")
                .delete();
        assertThat(k8s.pods()
                        .inNamespace("c")
                        .withName(pod.getMetadata().getName())
                        .evict())
                .isTrue();
        assertThat(k8s.pods()
                        .inNamespace("c")
                        .withName(pod.getMetadata().getName())
                        .get())
                .isNull();

        cluster.forbid("patch", "deployments");
        assertThatThrownBy(() -> restart("c", "db", "y"))
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining(
                        "cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"c\"");
    }

    @Test
    void dryRun_isComputedAndNotStored() {
        cluster.createDeployment("d", "web", 1);
        Deployment dry = k8s.apps()
                .deployments()
                .inNamespace("d")
                .withName("web")
                .dryRun()
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":7}}");
        assertThat(dry.getSpec().getReplicas()).isEqualTo(7);
        assertThat(k8s.apps()
                        .deployments()
                        .inNamespace("d")
                        .withName("web")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(1);
    }

    @Test
    void statefulSetAndDaemonSet_rollOut() {
        cluster.createStatefulSet("e", "kafka", 3);
        assertThat(k8s.pods().inNamespace("e").withName("kafka-2").get()).isNotNull();
        k8s.apps()
                .statefulSets()
                .inNamespace("e")
                .withName("kafka")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"a\":\"1\"}}}}}");
        cluster.awaitRolledOut("StatefulSet", "e", "kafka", Duration.ofSeconds(10));
        var st = k8s.apps().statefulSets().inNamespace("e").withName("kafka").get();
        assertThat(st.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(k8s.pods().inNamespace("e").list().getItems())
                .allSatisfy(p -> assertThat(p.getMetadata().getLabels().get("controller-revision-hash"))
                        .isEqualTo(st.getStatus().getUpdateRevision()));
        cluster.createDaemonSet("e", "agent");
        assertThat(k8s.pods().inNamespace("e").withLabel("app", "agent").list().getItems())
                .hasSize(3);
    }

    @Test
    void apiServerDown_refusesClients_untilItIsBack() {
        cluster.createDeployment("f", "web", 1);
        cluster.apiServerDown();
        try (KubernetesClient other = cluster.newClient()) {
            assertThatThrownBy(() -> other.apps()
                            .deployments()
                            .inNamespace("f")
                            .withName("web")
                            .get())
                    .isInstanceOf(KubernetesClientException.class);
        } finally {
            cluster.apiServerUp();
        }
        assertThat(k8s.apps().deployments().inNamespace("f").withName("web").get())
                .isNotNull();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
