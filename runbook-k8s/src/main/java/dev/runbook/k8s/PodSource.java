package dev.runbook.k8s;

import dev.runbook.core.RefusedException;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which pods a log read or a command targets: one pod ({@code pod/redis-0}) or a label selector ({@code
 * app=redis}), in one namespace of one context.
 *
 * @param context the kubeconfig context
 * @param namespace the namespace
 * @param pod the pod's name, or null for a selector
 * @param selector the label selector, or null for one pod
 */
record PodSource(String context, String namespace, String pod, String selector) {

    /** {@code pod/name} or a selector {@code key=value[,key=value]}. */
    static PodSource of(String context, String namespace, String podOrSelector) {
        WorkloadRef.requireName("namespace", namespace);
        if (podOrSelector != null && (podOrSelector.startsWith("pod/") || podOrSelector.startsWith("pods/"))) {
            String name = podOrSelector.substring(podOrSelector.indexOf('/') + 1);
            WorkloadRef.requireName("pod name", name);
            return new PodSource(context, namespace, name, null);
        }
        K8sActions.parseSelector(podOrSelector);
        return new PodSource(context, namespace, null, podOrSelector);
    }

    /** The pods it names now, by name; a named pod that does not exist is refused. */
    List<Pod> pods(K8sTarget k8s) {
        if (pod != null) {
            Pod p = k8s.call("get pod " + namespace + "/" + pod, () -> k8s.client()
                    .pods()
                    .inNamespace(namespace)
                    .withName(pod)
                    .get());
            if (p == null) {
                throw new RefusedException(this + " not found: no pod '" + pod + "' in namespace '" + namespace
                        + "' of context " + context + " (kubectl --context " + context + " -n " + namespace
                        + " get pods)");
            }
            return List.of(p);
        }
        Map<String, String> labels = K8sActions.parseSelector(selector);
        return k8s
                .call("list pods " + selector + " in " + namespace, () -> k8s.client()
                        .pods()
                        .inNamespace(namespace)
                        .withLabels(labels)
                        .list()
                        .getItems())
                .stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    @Override
    public String toString() {
        return context + "/" + namespace + (pod != null ? "/pod/" + pod : "/pods " + selector);
    }
}
