package dev.runbook.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Objects;

/**
 * A workload's rollout as {@code kubectl rollout status} judges it ({@code rollout_status.go}): done,
 * failed (a Deployment past its progress deadline) or in progress, with kubectl's own message.
 *
 * <pre>{@code
 * RolloutState s = k8s.rolloutStatus("smp-prod", "deployment/dispatch-engine").read();
 * s.message();   // "deployment \"dispatch-engine\" successfully rolled out"
 * }</pre>
 *
 * @param workload what was read
 * @param done the rollout is complete
 * @param failed the rollout cannot complete by itself ({@code ProgressDeadlineExceeded}, or a strategy that has no status)
 * @param message kubectl's sentence
 * @param generation {@code metadata.generation}
 * @param observedGeneration {@code status.observedGeneration}
 * @param desired the replicas wanted (DaemonSet: pods scheduled on nodes)
 * @param updated replicas of the new template
 * @param ready ready replicas
 * @param available available replicas
 */
public record RolloutState(
        String workload,
        boolean done,
        boolean failed,
        String message,
        long generation,
        long observedGeneration,
        int desired,
        int updated,
        int ready,
        int available) {

    /** Judges a Deployment, StatefulSet or DaemonSet as kubectl does. */
    static RolloutState of(WorkloadRef ref, HasMetadata o) {
        long gen = n(o.getMetadata().getGeneration());
        if (o instanceof Deployment d) {
            var s = d.getStatus();
            int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            if (s == null || gen > n(s.getObservedGeneration())) {
                return new RolloutState(
                        ref.toString(),
                        false,
                        false,
                        "Waiting for deployment spec update to be observed...",
                        gen,
                        s == null ? 0 : n(s.getObservedGeneration()),
                        want,
                        0,
                        0,
                        0);
            }
            int updated = n(s.getUpdatedReplicas());
            int replicas = n(s.getReplicas());
            int available = n(s.getAvailableReplicas());
            String name = d.getMetadata().getName();
            var st = new Builder(
                    ref, gen, n(s.getObservedGeneration()), want, updated, n(s.getReadyReplicas()), available);
            boolean deadline = s.getConditions().stream()
                    .anyMatch(
                            c -> "Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason()));
            if (deadline) {
                return st.failed("deployment \"" + name + "\" exceeded its progress deadline");
            }
            if (updated < want) {
                return st.waiting("Waiting for deployment \"" + name + "\" rollout to finish: " + updated + " out of "
                        + want + " new replicas have been updated...");
            }
            if (replicas > updated) {
                return st.waiting("Waiting for deployment \"" + name + "\" rollout to finish: " + (replicas - updated)
                        + " old replicas are pending termination...");
            }
            if (available < updated) {
                return st.waiting("Waiting for deployment \"" + name + "\" rollout to finish: " + available + " of "
                        + updated + " updated replicas are available...");
            }
            return st.done("deployment \"" + name + "\" successfully rolled out");
        }
        if (o instanceof StatefulSet sts) {
            var s = sts.getStatus();
            int want = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
            var strategy = sts.getSpec().getUpdateStrategy();
            if (strategy != null && strategy.getType() != null && !"RollingUpdate".equals(strategy.getType())) {
                return new RolloutState(
                        ref.toString(),
                        false,
                        true,
                        "rollout status is only available for RollingUpdate strategy type",
                        gen,
                        0,
                        want,
                        0,
                        0,
                        0);
            }
            if (s == null || n(s.getObservedGeneration()) == 0 || gen > n(s.getObservedGeneration())) {
                return new RolloutState(
                        ref.toString(),
                        false,
                        false,
                        "Waiting for statefulset spec update to be observed...",
                        gen,
                        s == null ? 0 : n(s.getObservedGeneration()),
                        want,
                        0,
                        0,
                        0);
            }
            var st = new Builder(
                    ref,
                    gen,
                    n(s.getObservedGeneration()),
                    want,
                    n(s.getUpdatedReplicas()),
                    n(s.getReadyReplicas()),
                    n(s.getAvailableReplicas()));
            if (n(s.getReadyReplicas()) < want) {
                return st.waiting("Waiting for " + (want - n(s.getReadyReplicas())) + " pods to be ready...");
            }
            Integer partition = strategy == null || strategy.getRollingUpdate() == null
                    ? null
                    : strategy.getRollingUpdate().getPartition();
            if (partition != null && partition > 0) {
                if (n(s.getUpdatedReplicas()) < want - partition) {
                    return st.waiting("Waiting for partitioned roll out to finish: " + n(s.getUpdatedReplicas())
                            + " out of " + (want - partition) + " new pods have been updated...");
                }
                return st.done("partitioned roll out complete: " + n(s.getUpdatedReplicas())
                        + " new pods have been updated...");
            }
            if (!Objects.equals(s.getUpdateRevision(), s.getCurrentRevision())) {
                return st.waiting("waiting for statefulset rolling update to complete " + n(s.getUpdatedReplicas())
                        + " pods at revision " + s.getUpdateRevision() + "...");
            }
            return st.done("statefulset rolling update complete " + n(s.getCurrentReplicas()) + " pods at revision "
                    + s.getCurrentRevision() + "...");
        }
        DaemonSet ds = (DaemonSet) o;
        var s = ds.getStatus();
        var strategy = ds.getSpec().getUpdateStrategy();
        if (strategy != null && strategy.getType() != null && !"RollingUpdate".equals(strategy.getType())) {
            return new RolloutState(
                    ref.toString(),
                    false,
                    true,
                    "rollout status is only available for RollingUpdate strategy type",
                    gen,
                    0,
                    0,
                    0,
                    0,
                    0);
        }
        String name = ds.getMetadata().getName();
        if (s == null || gen > n(s.getObservedGeneration())) {
            return new RolloutState(
                    ref.toString(),
                    false,
                    false,
                    "Waiting for daemon set spec update to be observed...",
                    gen,
                    s == null ? 0 : n(s.getObservedGeneration()),
                    0,
                    0,
                    0,
                    0);
        }
        int want = n(s.getDesiredNumberScheduled());
        var st = new Builder(
                ref,
                gen,
                n(s.getObservedGeneration()),
                want,
                n(s.getUpdatedNumberScheduled()),
                n(s.getNumberReady()),
                n(s.getNumberAvailable()));
        if (n(s.getUpdatedNumberScheduled()) < want) {
            return st.waiting("Waiting for daemon set \"" + name + "\" rollout to finish: "
                    + n(s.getUpdatedNumberScheduled()) + " out of " + want + " new pods have been updated...");
        }
        if (n(s.getNumberAvailable()) < want) {
            return st.waiting("Waiting for daemon set \"" + name + "\" rollout to finish: " + n(s.getNumberAvailable())
                    + " of " + want + " updated pods are available...");
        }
        return st.done("daemon set \"" + name + "\" successfully rolled out");
    }

    private static long n(Long v) {
        return v == null ? 0 : v;
    }

    private static int n(Integer v) {
        return v == null ? 0 : v;
    }

    @Override
    public String toString() {
        return workload + ": " + message;
    }

    private record Builder(WorkloadRef ref, long gen, long observed, int want, int updated, int ready, int available) {
        RolloutState done(String m) {
            return new RolloutState(ref.toString(), true, false, m, gen, observed, want, updated, ready, available);
        }

        RolloutState waiting(String m) {
            return new RolloutState(ref.toString(), false, false, m, gen, observed, want, updated, ready, available);
        }

        RolloutState failed(String m) {
            return new RolloutState(ref.toString(), false, true, m, gen, observed, want, updated, ready, available);
        }
    }
}
