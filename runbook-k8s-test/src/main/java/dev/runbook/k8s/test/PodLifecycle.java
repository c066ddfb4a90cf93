package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the scheduler and the kubelet would do to a pod: Pending, then, after the cluster's start delay,
 * Running and Ready, or the workload's {@link Fault} (CrashLoopBackOff with the last termination, OOMKilled,
 * ImagePullBackOff, Unschedulable with the scheduler's message, a failing readiness probe), with a
 * Warning event as the kubelet or scheduler writes one.
 */
final class PodLifecycle {
    private final Controller c;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** A pod's fault, fixed when the controller first sees it, and when it was born. */
    private static final class State {
        final Fault fault;
        final long bornMillis;
        boolean pendingWritten;
        boolean done;

        State(Fault fault, long bornMillis) {
            this.fault = fault;
            this.bornMillis = bornMillis;
        }
    }

    PodLifecycle(Controller c) {
        this.c = c;
    }

    void progress(Controller.Snapshot s) {
        long now = c.clock.millis();
        Set<String> seen = new HashSet<>();
        for (Pod p : List.copyOf(s.pods)) {
            String uid = p.getMetadata().getUid();
            seen.add(uid);
            if (p.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            State st = states.computeIfAbsent(uid, u -> new State(faultOf(p, s), now));
            if (st.done) {
                continue;
            }
            long due = st.bornMillis
                    + c.podStartMillis
                    + (st.fault.kind() == Fault.Kind.SLOW_START
                            ? st.fault.delay().toMillis()
                            : 0);
            if (now < due) {
                if (!st.pendingWritten) {
                    s.replace(write(p, pending(p, true)));
                    st.pendingWritten = true;
                }
                c.kickIn(due - now);
                continue;
            }
            s.replace(write(p, settled(p, st.fault)));
            st.done = true;
        }
        states.keySet().retainAll(seen);
    }

    private Fault faultOf(Pod p, Controller.Snapshot s) {
        String ns = p.getMetadata().getNamespace();
        for (var o : p.getMetadata().getOwnerReferences()) {
            if ("ReplicaSet".equals(o.getKind())) {
                for (ReplicaSet rs : s.replicaSets) {
                    if (rs.getMetadata().getUid().equals(o.getUid())) {
                        for (var d : rs.getMetadata().getOwnerReferences()) {
                            return c.faults.getOrDefault(ns + "/" + d.getName(), Fault.none());
                        }
                    }
                }
            }
            return c.faults.getOrDefault(ns + "/" + o.getName(), Fault.none());
        }
        return c.faults.getOrDefault(ns + "/" + p.getMetadata().getName(), Fault.none());
    }

    private Pod write(Pod p, PodStatus status) {
        return c.client
                .pods()
                .inNamespace(p.getMetadata().getNamespace())
                .withName(p.getMetadata().getName())
                .subresource("status")
                .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                        c.statusPatch(status));
    }

    private PodStatus pending(Pod p, boolean scheduled) {
        return new PodStatusBuilder()
                .withPhase("Pending")
                .withConditions(condition("PodScheduled", scheduled ? "True" : "False", null, null))
                .build();
    }

    private PodStatus settled(Pod p, Fault fault) {
        String container = p.getSpec().getContainers().get(0).getName();
        String image = p.getSpec().getContainers().get(0).getImage();
        String name = p.getMetadata().getName();
        Instant now = c.clock.instant();
        switch (fault.kind()) {
            case UNSCHEDULABLE -> {
                String msg = "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available:"
                        + " 3 No preemption victims found for incoming pod.";
                event(p, "FailedScheduling", msg, "default-scheduler");
                return new PodStatusBuilder()
                        .withPhase("Pending")
                        .withConditions(condition("PodScheduled", "False", "Unschedulable", msg))
                        .build();
            }
            case IMAGE_PULL_BACK_OFF -> {
                event(p, "Failed", "Failed to pull image \"" + image + "\": not found", "kubelet");
                return running(
                        "Pending",
                        false,
                        waiting(
                                container,
                                image,
                                "ImagePullBackOff",
                                "Back-off pulling image \"" + image + "\"",
                                0,
                                null));
            }
            case CRASH_LOOP, OOM_KILLED -> {
                boolean oom = fault.kind() == Fault.Kind.OOM_KILLED;
                ContainerState last = new ContainerStateBuilder()
                        .withNewTerminated()
                        .withReason(oom ? "OOMKilled" : "Error")
                        .withExitCode(oom ? 137 : 1)
                        .withStartedAt(now.minusSeconds(3).toString())
                        .withFinishedAt(now.toString())
                        .endTerminated()
                        .build();
                event(p, "BackOff", "Back-off restarting failed container " + container + " in pod " + name, "kubelet");
                return running(
                        "Running",
                        false,
                        waiting(
                                container,
                                image,
                                "CrashLoopBackOff",
                                "back-off 40s restarting failed container=" + container + " pod=" + name,
                                3,
                                last));
            }
            case NEVER_READY -> {
                event(p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", "kubelet");
                return running("Running", false, runningContainer(container, image, false, now));
            }
            default -> {
                return running("Running", true, runningContainer(container, image, true, now));
            }
        }
    }

    private PodStatus running(String phase, boolean ready, ContainerStatus cs) {
        List<PodCondition> conds = new ArrayList<>();
        conds.add(condition("PodScheduled", "True", null, null));
        conds.add(condition("Initialized", "True", null, null));
        String notReady = "containers with unready status: [" + cs.getName() + "]";
        conds.add(condition(
                "ContainersReady",
                ready ? "True" : "False",
                ready ? null : "ContainersNotReady",
                ready ? null : notReady));
        conds.add(condition(
                "Ready", ready ? "True" : "False", ready ? null : "ContainersNotReady", ready ? null : notReady));
        return new PodStatusBuilder()
                .withPhase(phase)
                .withConditions(conds)
                .withHostIP("10.0.0.1")
                .withPodIP("10.244.0." + (1 + Math.abs(cs.getName().hashCode() % 250)))
                .withStartTime(c.clock.instant().toString())
                .withContainerStatuses(cs)
                .build();
    }

    private static ContainerStatus runningContainer(String name, String image, boolean ready, Instant now) {
        return new ContainerStatusBuilder()
                .withName(name)
                .withImage(image)
                .withReady(ready)
                .withStarted(true)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt(now.toString())
                .endRunning()
                .endState()
                .build();
    }

    private static ContainerStatus waiting(
            String name, String image, String reason, String message, int restarts, ContainerState last) {
        return new ContainerStatusBuilder()
                .withName(name)
                .withImage(image)
                .withReady(false)
                .withStarted(false)
                .withRestartCount(restarts)
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .withLastState(last)
                .build();
    }

    private PodCondition condition(String type, String status, String reason, String message) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(c.clock.instant().toString())
                .build();
    }

    private void event(Pod p, String reason, String message, String component) {
        c.client
                .v1()
                .events()
                .inNamespace(p.getMetadata().getNamespace())
                .resource(new EventBuilder()
                        .withNewMetadata()
                        .withName(p.getMetadata().getName() + "." + Names.random(8))
                        .withNamespace(p.getMetadata().getNamespace())
                        .endMetadata()
                        .withNewInvolvedObject()
                        .withKind("Pod")
                        .withName(p.getMetadata().getName())
                        .withNamespace(p.getMetadata().getNamespace())
                        .withUid(p.getMetadata().getUid())
                        .endInvolvedObject()
                        .withReason(reason)
                        .withMessage(message)
                        .withType("Warning")
                        .withNewSource()
                        .withComponent(component)
                        .endSource()
                        .withCount(1)
                        .withFirstTimestamp(c.clock.instant().toString())
                        .withLastTimestamp(c.clock.instant().toString())
                        .build())
                .create();
    }

    static boolean isReady(Pod p) {
        return p.getStatus() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
    }
}
