package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The StatefulSet and DaemonSet controllers, in small. StatefulSet: pods {@code <name>-0..n-1}, labelled
 * with {@code controller-revision-hash}, a ControllerRevision per template, a rolling update from the
 * highest ordinal down to {@code partition}, one pod at a time once all are ready; status with {@code
 * currentRevision}/{@code updateRevision}. DaemonSet: one pod per simulated node (three), replaced one at a
 * time; status with {@code updatedNumberScheduled} and {@code numberAvailable}.
 */
final class SetController {
    static final String REVISION_HASH = "controller-revision-hash";
    static final List<String> NODES = List.of("sim-node-1", "sim-node-2", "sim-node-3");

    private final Controller c;

    SetController(Controller c) {
        this.c = c;
    }

    void statefulSet(StatefulSet st, Controller.Snapshot s) {
        String ns = st.getMetadata().getNamespace();
        String name = st.getMetadata().getName();
        int replicas = st.getSpec().getReplicas() == null ? 1 : st.getSpec().getReplicas();
        String update = name + "-" + Names.hashOf(Names.withoutHash(st.getSpec().getTemplate()));
        ensureRevision(st, update);
        List<Pod> pods = s.ownedBy(st);
        Map<Integer, Pod> byOrdinal = new HashMap<>();
        pods.forEach(p -> byOrdinal.put(ordinal(p), p));
        boolean allReady = pods.stream().allMatch(PodLifecycle::isReady);
        boolean parallel = "Parallel".equals(st.getSpec().getPodManagementPolicy());
        for (int i = 0; i < replicas; i++) {
            if (!byOrdinal.containsKey(i)) {
                if (parallel || allReady) {
                    Pod p = create(st, st.getSpec().getTemplate(), name + "-" + i, update, null);
                    if (p != null) {
                        s.pods.add(p);
                    }
                }
                if (!parallel) {
                    break;
                }
            }
        }
        pods.stream()
                .filter(p -> ordinal(p) >= replicas)
                .max(Comparator.comparingInt(SetController::ordinal))
                .ifPresent(p -> delete(p, s));
        var strategy = st.getSpec().getUpdateStrategy();
        boolean onDelete = strategy != null && "OnDelete".equals(strategy.getType());
        int partition = strategy == null || strategy.getRollingUpdate() == null
                ? 0
                : Objects.requireNonNullElse(strategy.getRollingUpdate().getPartition(), 0);
        List<Pod> now = s.ownedBy(st);
        if (!onDelete && now.size() == replicas && now.stream().allMatch(PodLifecycle::isReady)) {
            now.stream()
                    .filter(p -> ordinal(p) >= partition && !update.equals(revisionOf(p)))
                    .max(Comparator.comparingInt(SetController::ordinal))
                    .ifPresent(p -> delete(p, s));
        }
        now = s.ownedBy(st);
        int ready = (int) now.stream().filter(PodLifecycle::isReady).count();
        int updated =
                (int) now.stream().filter(p -> update.equals(revisionOf(p))).count();
        StatefulSetStatus was = st.getStatus();
        String current = was == null || was.getCurrentRevision() == null ? update : was.getCurrentRevision();
        if (updated == replicas && ready == replicas) {
            current = update;
        }
        String cur = current;
        StatefulSetStatus status = new StatefulSetStatusBuilder()
                .withObservedGeneration(st.getMetadata().getGeneration())
                .withReplicas(now.size())
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withCurrentReplicas((int)
                        now.stream().filter(p -> cur.equals(revisionOf(p))).count())
                .withUpdatedReplicas(updated)
                .withCurrentRevision(current)
                .withUpdateRevision(update)
                .build();
        if (!status.equals(was)) {
            c.patchStatus("StatefulSet", st, status);
            if (updated == replicas && ready == replicas) {
                c.rolloutCompleteNanos.put(ns + "/" + name, System.nanoTime());
            }
        }
    }

    void daemonSet(DaemonSet ds, Controller.Snapshot s) {
        String update = ds.getMetadata().getName() + "-"
                + Names.hashOf(Names.withoutHash(ds.getSpec().getTemplate()));
        List<Pod> pods = s.ownedBy(ds);
        for (String node : NODES) {
            if (pods.stream().noneMatch(p -> node.equals(p.getSpec().getNodeName()))) {
                Pod p = create(
                        ds,
                        ds.getSpec().getTemplate(),
                        ds.getMetadata().getName() + "-" + Names.random(5),
                        update,
                        node);
                if (p != null) {
                    s.pods.add(p);
                }
            }
        }
        List<Pod> now = s.ownedBy(ds);
        boolean onDelete = ds.getSpec().getUpdateStrategy() != null
                && "OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
        if (!onDelete && now.size() == NODES.size() && now.stream().allMatch(PodLifecycle::isReady)) {
            now.stream().filter(p -> !update.equals(revisionOf(p))).findFirst().ifPresent(p -> delete(p, s));
        }
        now = s.ownedBy(ds);
        int ready = (int) now.stream().filter(PodLifecycle::isReady).count();
        int updated =
                (int) now.stream().filter(p -> update.equals(revisionOf(p))).count();
        DaemonSetStatus status = new DaemonSetStatusBuilder()
                .withObservedGeneration(ds.getMetadata().getGeneration())
                .withDesiredNumberScheduled(NODES.size())
                .withCurrentNumberScheduled(now.size())
                .withNumberReady(ready)
                .withNumberAvailable(ready)
                .withNumberUnavailable(NODES.size() - ready)
                .withUpdatedNumberScheduled(updated)
                .withNumberMisscheduled(0)
                .build();
        if (!status.equals(ds.getStatus())) {
            c.patchStatus("DaemonSet", ds, status);
            if (updated == NODES.size() && ready == NODES.size()) {
                c.rolloutCompleteNanos.put(Controller.key(ds), System.nanoTime());
            }
        }
    }

    private void ensureRevision(StatefulSet st, String revisionName) {
        var revisions = c.client
                .apps()
                .controllerRevisions()
                .inNamespace(st.getMetadata().getNamespace());
        if (revisions.withName(revisionName).get() != null) {
            return;
        }
        long next = revisions.list().getItems().stream()
                        .filter(r -> Controller.isOwnedBy(r, st))
                        .mapToLong(r -> r.getRevision() == null ? 0 : r.getRevision())
                        .max()
                        .orElse(0)
                + 1;
        try {
            revisions
                    .resource(new ControllerRevisionBuilder()
                            .withNewMetadata()
                            .withName(revisionName)
                            .withNamespace(st.getMetadata().getNamespace())
                            .withOwnerReferences(Controller.ownerOf(st))
                            .endMetadata()
                            .withRevision(next)
                            .withData(Map.of(
                                    "spec", Map.of("template", st.getSpec().getTemplate())))
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private Pod create(
            io.fabric8.kubernetes.api.model.HasMetadata owner,
            PodTemplateSpec template,
            String name,
            String revision,
            String node) {
        Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
        labels.put(REVISION_HASH, revision);
        var spec = c.client.getKubernetesSerialization().clone(template.getSpec());
        if (node != null) {
            spec.setNodeName(node);
        }
        try {
            return c.client
                    .pods()
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(owner.getMetadata().getNamespace())
                            .withLabels(labels)
                            .withAnnotations(template.getMetadata().getAnnotations())
                            .withOwnerReferences(Controller.ownerOf(owner))
                            .endMetadata()
                            .withSpec(spec)
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return null;
            }
            throw e;
        }
    }

    private void delete(Pod p, Controller.Snapshot s) {
        c.client.pods().resource(p).withGracePeriod(0).delete();
        s.pods.remove(p);
    }

    static String revisionOf(Pod p) {
        return p.getMetadata().getLabels() == null
                ? null
                : p.getMetadata().getLabels().get(REVISION_HASH);
    }

    static int ordinal(Pod p) {
        String n = p.getMetadata().getName();
        try {
            return Integer.parseInt(n.substring(n.lastIndexOf('-') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
