package dev.runbook.k8s.test;

import java.time.Duration;
import java.util.Objects;

/**
 * How the pods of one workload misbehave in a {@link SimulatedCluster}, from the moment the fault is set:
 * pods created after it get the fault, pods already running keep their state (as a bad image or config
 * affects only the new ReplicaSet's pods).
 *
 * <pre>{@code
 * cluster.fault("smp-prod", "dispatch-engine", Fault.crashLoop());
 * cluster.fault("smp-prod", "dispatch-engine", Fault.slowStart(Duration.ofSeconds(2)));
 * cluster.fault("smp-prod", "dispatch-engine", Fault.none());      // healthy again
 * }</pre>
 *
 * @param kind what goes wrong
 * @param delay for {@link Kind#SLOW_START}, how long a pod takes to become ready
 */
public record Fault(Kind kind, Duration delay) {

    /** The faults the simulator can play. */
    public enum Kind {
        /** Pods start and become ready after the cluster's pod start delay. */
        NONE,
        /** Running, but the readiness probe fails forever (HTTP 503). */
        NEVER_READY,
        /** The container exits with code 1 and waits in {@code CrashLoopBackOff}. */
        CRASH_LOOP,
        /** The container is killed for memory (exit code 137, {@code OOMKilled}) and waits in {@code CrashLoopBackOff}. */
        OOM_KILLED,
        /** The image cannot be pulled: {@code ImagePullBackOff}, the pod stays Pending. */
        IMAGE_PULL_BACK_OFF,
        /** The scheduler finds no node: {@code Unschedulable}, the pod stays Pending. */
        UNSCHEDULABLE,
        /** Pods become ready, but only after {@link Fault#delay()}. */
        SLOW_START
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        delay = delay == null ? Duration.ZERO : delay;
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a fault's delay must be >= 0, was " + delay);
        }
    }

    /** Healthy pods. */
    public static Fault none() {
        return new Fault(Kind.NONE, null);
    }

    /** Pods run but never pass their readiness probe. */
    public static Fault neverReady() {
        return new Fault(Kind.NEVER_READY, null);
    }

    /** Containers crash (exit code 1) and back off. */
    public static Fault crashLoop() {
        return new Fault(Kind.CRASH_LOOP, null);
    }

    /** Containers are OOM-killed (exit code 137) and back off. */
    public static Fault oomKilled() {
        return new Fault(Kind.OOM_KILLED, null);
    }

    /** The image cannot be pulled. */
    public static Fault imagePullBackOff() {
        return new Fault(Kind.IMAGE_PULL_BACK_OFF, null);
    }

    /** No node fits the pod. */
    public static Fault unschedulable() {
        return new Fault(Kind.UNSCHEDULABLE, null);
    }

    /** Pods become ready only after {@code delay}. */
    public static Fault slowStart(Duration delay) {
        return new Fault(Kind.SLOW_START, delay);
    }
}
