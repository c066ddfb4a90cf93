package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.Objects;

/** Whether a workload is rolled out, by the rules of kubectl's {@code rollout_status.go}. */
final class RolloutCheck {
    private RolloutCheck() {}

    static boolean complete(KubernetesClient client, String kind, String namespace, String name) {
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "deployment" -> {
                Deployment d = client.apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                if (d == null || d.getStatus() == null) {
                    return false;
                }
                var s = d.getStatus();
                int replicas =
                        d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                return Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration())
                        && n(s.getUpdatedReplicas()) >= replicas
                        && n(s.getReplicas()) <= n(s.getUpdatedReplicas())
                        && n(s.getAvailableReplicas()) >= n(s.getUpdatedReplicas());
            }
            case "statefulset" -> {
                StatefulSet st = client.apps()
                        .statefulSets()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                if (st == null || st.getStatus() == null) {
                    return false;
                }
                var s = st.getStatus();
                int replicas =
                        st.getSpec().getReplicas() == null ? 1 : st.getSpec().getReplicas();
                return Objects.equals(
                                s.getObservedGeneration(), st.getMetadata().getGeneration())
                        && n(s.getReadyReplicas()) >= replicas
                        && Objects.equals(s.getUpdateRevision(), s.getCurrentRevision());
            }
            case "daemonset" -> {
                DaemonSet ds = client.apps()
                        .daemonSets()
                        .inNamespace(namespace)
                        .withName(name)
                        .get();
                if (ds == null || ds.getStatus() == null) {
                    return false;
                }
                var s = ds.getStatus();
                return Objects.equals(
                                s.getObservedGeneration(), ds.getMetadata().getGeneration())
                        && n(s.getUpdatedNumberScheduled()) >= n(s.getDesiredNumberScheduled())
                        && n(s.getNumberAvailable()) >= n(s.getUpdatedNumberScheduled());
            }
            default -> throw new IllegalArgumentException("not a workload kind: " + kind);
        }
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
