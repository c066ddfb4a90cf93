package dev.runbook.k8s;

import dev.runbook.k8s.test.SimulatedCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One simulated cluster per test JVM (started on first use, stopped at exit), and what tests read from it. */
final class TestCluster {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static SimulatedCluster shared;

    private TestCluster() {}

    static synchronized SimulatedCluster shared() {
        if (shared == null) {
            shared = SimulatedCluster.start("smp-asia");
            SimulatedCluster c = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(c::close));
        }
        return shared;
    }

    /** A fresh namespace name, so that tests never see each other's objects. */
    static String namespace() {
        return "smp-prod-" + NAMESPACES.incrementAndGet();
    }

    static KubernetesClient client() {
        return shared().client();
    }

    /** Everything a restart or scale may touch in a namespace, comparable with equals. */
    static Map<String, Object> workloadState(String ns) {
        KubernetesClient k = client();
        Map<String, Object> s = new TreeMap<>();
        k.apps()
                .deployments()
                .inNamespace(ns)
                .list()
                .getItems()
                .forEach(d -> s.put(
                        "deployment/" + d.getMetadata().getName(),
                        List.of(
                                d.getMetadata().getGeneration(),
                                String.valueOf(d.getSpec().getReplicas()),
                                String.valueOf(d.getSpec().getPaused()),
                                String.valueOf(
                                        d.getSpec().getTemplate().getMetadata().getAnnotations()))));
        k.apps()
                .statefulSets()
                .inNamespace(ns)
                .list()
                .getItems()
                .forEach(d -> s.put(
                        "statefulset/" + d.getMetadata().getName(),
                        List.of(
                                d.getMetadata().getGeneration(),
                                String.valueOf(d.getSpec().getReplicas()),
                                String.valueOf(
                                        d.getSpec().getTemplate().getMetadata().getAnnotations()))));
        k.apps()
                .replicaSets()
                .inNamespace(ns)
                .list()
                .getItems()
                .forEach(rs -> s.put(
                        "replicaset/" + rs.getMetadata().getName(),
                        rs.getSpec().getReplicas() + " rev "
                                + rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")));
        s.put(
                "pods",
                k.pods().inNamespace(ns).list().getItems().stream()
                        .map(p -> p.getMetadata().getName())
                        .sorted()
                        .toList());
        k.configMaps()
                .inNamespace(ns)
                .list()
                .getItems()
                .forEach(cm ->
                        s.put("configmap/" + cm.getMetadata().getName(), String.valueOf(new TreeMap<>(cm.getData()))));
        return s;
    }

    /** A JSON merge patch of a Deployment, as someone else's kubectl would send. */
    static void patchDeployment(String ns, String name, String json) {
        client().apps().deployments().inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    static String restartedAt(HasMetadata o) {
        return Workloads.restartedAt(o);
    }
}
