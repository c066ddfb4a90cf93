package dev.runbook.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * One pod as {@code kubectl get pods} and {@code describe} would show it: phase, readiness, restarts, why a
 * container waits ({@code CrashLoopBackOff}, {@code ImagePullBackOff}), how it last ended ({@code OOMKilled},
 * exit code 137), why it is not scheduled, and a failing readiness probe.
 *
 * <pre>{@code
 * pod.problem();   // "CrashLoopBackOff (last exit 137 OOMKilled), 3 restarts"
 * }</pre>
 *
 * @param name the pod's name
 * @param phase Pending, Running, Succeeded, Failed
 * @param ready whether its Ready condition is True
 * @param restarts container restarts, summed
 * @param reason why a container waits or why the pod is not scheduled, or null
 * @param message the message that goes with {@code reason}
 * @param lastTermination the reason of the last termination ({@code OOMKilled}, {@code Error}), or null
 * @param lastExitCode its exit code, or null
 * @param probeFailure the last readiness-probe failure event, or null
 */
public record PodState(
        String name,
        String phase,
        boolean ready,
        int restarts,
        String reason,
        String message,
        String lastTermination,
        Integer lastExitCode,
        String probeFailure) {

    static PodState of(Pod p, List<Event> events) {
        String phase = p.getStatus() == null ? "Unknown" : p.getStatus().getPhase();
        boolean ready = p.getStatus() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        int restarts = 0;
        String reason = null;
        String message = null;
        String last = null;
        Integer exit = null;
        if (p.getStatus() != null) {
            for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                restarts += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
                if (cs.getState() != null && cs.getState().getWaiting() != null && reason == null) {
                    reason = cs.getState().getWaiting().getReason();
                    message = cs.getState().getWaiting().getMessage();
                }
                if (cs.getState() != null && cs.getState().getTerminated() != null && reason == null) {
                    reason = cs.getState().getTerminated().getReason();
                    exit = cs.getState().getTerminated().getExitCode();
                }
                if (cs.getLastState() != null && cs.getLastState().getTerminated() != null) {
                    last = cs.getLastState().getTerminated().getReason();
                    exit = cs.getLastState().getTerminated().getExitCode();
                }
            }
            for (var c : p.getStatus().getConditions()) {
                if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && reason == null) {
                    reason = c.getReason();
                    message = c.getMessage();
                }
            }
        }
        String probe = events.stream()
                .filter(e -> e.getInvolvedObject() != null
                        && p.getMetadata()
                                .getName()
                                .equals(e.getInvolvedObject().getName())
                        && "Unhealthy".equals(e.getReason()))
                .map(Event::getMessage)
                .reduce((a, b) -> b)
                .orElse(null);
        return new PodState(p.getMetadata().getName(), phase, ready, restarts, reason, message, last, exit, probe);
    }

    /** What is wrong with the pod in one phrase, or {@code null} when it is ready. */
    public String problem() {
        if (ready) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        if (reason != null) {
            b.append(reason);
            if (lastTermination != null || lastExitCode != null) {
                b.append(" (last exit ")
                        .append(lastExitCode)
                        .append(' ')
                        .append(lastTermination)
                        .append(')');
            }
            if (message != null && !message.isBlank() && !"CrashLoopBackOff".equals(reason)) {
                b.append(": ").append(message);
            }
        } else if (probeFailure != null) {
            b.append("not ready: ").append(probeFailure);
        } else {
            b.append(phase).append(", not ready");
        }
        if (restarts > 0) {
            b.append(", ").append(restarts).append(restarts == 1 ? " restart" : " restarts");
        }
        return b.toString();
    }

    @Override
    public String toString() {
        String p = problem();
        return name + " " + phase + (ready ? " ready" : "")
                + (restarts > 0 && p == null ? ", " + restarts + " restarts" : "") + (p == null ? "" : ": " + p);
    }
}
