package dev.runbook.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading the parts of Deployments, StatefulSets and DaemonSets the actions share. */
final class Workloads {
    static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String HASH = "pod-template-hash";

    private Workloads() {}

    static PodTemplateSpec template(HasMetadata o) {
        if (o instanceof Deployment d) {
            return d.getSpec().getTemplate();
        }
        if (o instanceof StatefulSet s) {
            return s.getSpec().getTemplate();
        }
        return ((DaemonSet) o).getSpec().getTemplate();
    }

    static Map<String, String> selector(HasMetadata o) {
        var sel = o instanceof Deployment d
                ? d.getSpec().getSelector()
                : o instanceof StatefulSet s
                        ? s.getSpec().getSelector()
                        : ((DaemonSet) o).getSpec().getSelector();
        return sel == null || sel.getMatchLabels() == null ? Map.of() : sel.getMatchLabels();
    }

    static String restartedAt(HasMetadata o) {
        PodTemplateSpec t = template(o);
        Map<String, String> a =
                t == null || t.getMetadata() == null ? null : t.getMetadata().getAnnotations();
        return a == null ? null : a.get(RESTARTED_AT);
    }

    static boolean paused(HasMetadata o) {
        return o instanceof Deployment d && Boolean.TRUE.equals(d.getSpec().getPaused());
    }

    static int replicas(HasMetadata o) {
        if (o instanceof Deployment d) {
            return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        }
        if (o instanceof StatefulSet s) {
            return s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        }
        DaemonSet ds = (DaemonSet) o;
        return ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null
                ? 0
                : ds.getStatus().getDesiredNumberScheduled();
    }

    /** The ReplicaSets a Deployment owns (by owner reference uid, as kubectl does), newest revision last. */
    static List<ReplicaSet> replicaSets(K8sTarget k8s, Deployment d) {
        String uid = d.getMetadata().getUid();
        return k8s
                .call("list replicasets in " + d.getMetadata().getNamespace(), () -> k8s.client()
                        .apps()
                        .replicaSets()
                        .inNamespace(d.getMetadata().getNamespace())
                        .list()
                        .getItems())
                .stream()
                .filter(rs -> rs.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid())))
                .sorted(Comparator.comparingLong(Workloads::revision))
                .toList();
    }

    static long revision(HasMetadata o) {
        Map<String, String> a = o.getMetadata().getAnnotations();
        String r = a == null ? null : a.get(REVISION);
        try {
            return r == null ? 0 : Long.parseLong(r);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The ReplicaSet whose template is the Deployment's (pod-template-hash aside), as kubectl finds the new one. */
    static Optional<ReplicaSet> newReplicaSet(K8sTarget k8s, Deployment d) {
        PodTemplateSpec want = withoutHash(d.getSpec().getTemplate());
        return replicaSets(k8s, d).stream()
                .filter(rs -> withoutHash(rs.getSpec().getTemplate()).equals(want))
                .findFirst();
    }

    /** A copy of the template without the {@code pod-template-hash} label, as kubectl compares them. */
    static PodTemplateSpec withoutHash(PodTemplateSpec t) {
        PodTemplateSpec copy = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(t).build();
        if (copy.getMetadata() != null) {
            if (copy.getMetadata().getLabels() != null) {
                var labels = new java.util.HashMap<>(copy.getMetadata().getLabels());
                labels.remove(HASH);
                copy.getMetadata().setLabels(labels);
            }
            if (copy.getMetadata().getAnnotations() == null) {
                copy.getMetadata().setAnnotations(new java.util.HashMap<>());
            }
        }
        return copy;
    }
}
