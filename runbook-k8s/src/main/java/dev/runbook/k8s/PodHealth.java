package dev.runbook.k8s;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The pods of a selector, one {@link PodState} each: what {@code kubectl get pods -l app=x} and {@code
 * describe} tell at 3 a.m., as a value a condition can test.
 *
 * <pre>{@code
 * PodHealth h = k8s.podHealth("smp-prod", "app=dispatch-engine").read();
 * h.ready();                        // 2
 * h.problems();                     // ["dispatch-engine-7c9-x2x: CrashLoopBackOff (last exit 137 OOMKilled), 3 restarts"]
 * h.anyWith("OOMKilled");           // true
 * }</pre>
 *
 * @param selector the label selector read
 * @param pods every pod it selects, by name
 */
public record PodHealth(String selector, List<PodState> pods) {
    public PodHealth {
        pods = List.copyOf(pods);
    }

    static PodHealth read(K8sTarget k8s, String namespace, Map<String, String> labels) {
        String selector = labels.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .collect(Collectors.joining(","));
        List<Pod> pods = k8s.call("list pods " + selector + " in " + namespace, () -> k8s.client()
                .pods()
                .inNamespace(namespace)
                .withLabels(labels)
                .list()
                .getItems());
        List<Event> events = pods.stream().allMatch(PodHealth::isReady)
                ? List.of()
                : k8s.call("list events in " + namespace, () -> k8s.client()
                        .v1()
                        .events()
                        .inNamespace(namespace)
                        .list()
                        .getItems());
        return new PodHealth(
                selector,
                pods.stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .sorted(java.util.Comparator.comparing(
                                p -> p.getMetadata().getName()))
                        .map(p -> PodState.of(p, events))
                        .toList());
    }

    private static boolean isReady(Pod p) {
        return p.getStatus() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** How many pods are ready. */
    public int ready() {
        return (int) pods.stream().filter(PodState::ready).count();
    }

    /** One line per pod that is not ready: its name and its problem. */
    public List<String> problems() {
        return pods.stream()
                .filter(p -> !p.ready())
                .map(p -> p.name() + ": " + p.problem())
                .toList();
    }

    /** Whether any pod's reason or last termination is {@code reason} ({@code OOMKilled}, {@code CrashLoopBackOff}). */
    public boolean anyWith(String reason) {
        return pods.stream().anyMatch(p -> reason.equals(p.reason()) || reason.equals(p.lastTermination()));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(ready() + "/" + pods.size() + " pods ready (" + selector + ")");
        pods.forEach(p -> b.append("\n  ").append(p));
        return b.toString();
    }
}
