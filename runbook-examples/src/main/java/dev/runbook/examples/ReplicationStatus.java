package dev.runbook.examples;

import dev.runbook.core.Condition;
import dev.runbook.core.Probe;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.PodHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * INC-012's triage in one reading: the cross-region replication lag (from MirrorMaker's metrics) and the
 * replication agents' pods in every context, what the seed's three {@code kubectl --context=X get pods -l
 * app=replication-agent} and its {@code curl .../metrics | grep lag} show. A lag that cannot be read or a
 * context that does not answer is kept as its error and counts as not recovered, never as fine.
 *
 * <pre>{@code
 * Probe<ReplicationStatus> status = ReplicationStatus.probe(lag, List.of(asia, china, us), "smp-prod", "app=replication-agent");
 * status.read();   // lag 412 s; smp-asia 1/1 ready, smp-china 0/1 ready (...: CrashLoopBackOff ...), smp-us 1/1 ready
 * }</pre>
 *
 * @param lagSeconds the lag, or null if it could not be read
 * @param lagError why it could not be read, or null
 * @param agents per context (in the order given), its agents' pods, or null if the context did not answer
 * @param unreadable per context that did not answer, why
 */
public record ReplicationStatus(
        Double lagSeconds, String lagError, Map<String, PodHealth> agents, Map<String, String> unreadable) {
    public ReplicationStatus {
        agents = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(agents));
        unreadable = Map.copyOf(unreadable);
    }

    /** Reads {@code lag} and the agents of {@code selector} in {@code namespace} of every context. */
    public static Probe<ReplicationStatus> probe(
            Probe<Double> lag, List<K8sActions> contexts, String namespace, String selector) {
        Objects.requireNonNull(lag, "lag");
        Map<String, Probe<PodHealth>> pods = new LinkedHashMap<>();
        contexts.forEach(k -> pods.put(k.context(), k.podHealth(namespace, selector)));
        return Probe.of(
                lag.name() + " and " + selector + " in " + namespace + " of " + pods.keySet(), () -> read(lag, pods));
    }

    static ReplicationStatus read(Probe<Double> lag, Map<String, Probe<PodHealth>> pods) {
        Double seconds = null;
        String error = null;
        try {
            seconds = lag.read();
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        Map<String, PodHealth> agents = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        pods.forEach((context, probe) -> {
            try {
                agents.put(context, probe.read());
            } catch (RuntimeException e) {
                agents.put(context, null);
                unreadable.put(context, e.getMessage());
            }
        });
        return new ReplicationStatus(seconds, error, agents, unreadable);
    }

    /** Whether every context answered and has at least one agent pod, all of them ready. */
    public boolean agentsReady() {
        return unreadable.isEmpty()
                && agents.values().stream()
                        .allMatch(h -> h != null
                                && !h.pods().isEmpty()
                                && h.ready() == h.pods().size());
    }

    /** The seed's trigger: the lag above {@code alertSeconds} or unknown, or an agent not ready. */
    public static Condition<ReplicationStatus> behind(double alertSeconds) {
        return Condition.of(
                "has a lag above " + Math.round(alertSeconds) + " s (or unknown), or an agent that is not ready",
                s -> s.lagSeconds() == null || s.lagSeconds() > alertSeconds || !s.agentsReady());
    }

    /** Recovered: the lag known and under {@code hotSeconds}, and every agent ready in every context. */
    public static Condition<ReplicationStatus> recovered(double hotSeconds) {
        return Condition.of(
                "has recovered: lag under " + Math.round(hotSeconds) + " s and every agent ready",
                s -> s.lagSeconds() != null && s.lagSeconds() < hotSeconds && s.agentsReady());
    }

    @Override
    public String toString() {
        StringBuilder b =
                new StringBuilder(lagSeconds == null ? "lag unknown (" + lagError + ")" : "lag " + seconds(lagSeconds));
        agents.forEach((context, h) -> {
            b.append("; ").append(context).append(' ');
            if (h == null) {
                b.append("did not answer: ").append(unreadable.get(context));
            } else {
                b.append(h.ready()).append('/').append(h.pods().size()).append(" agents ready");
                h.problems().forEach(p -> b.append(" (").append(p).append(')'));
            }
        });
        return b.toString();
    }

    private static String seconds(double s) {
        if (Double.isInfinite(s)) {
            return "+Inf s";
        }
        return (s == Math.rint(s) ? String.valueOf((long) s) : String.format(java.util.Locale.ROOT, "%.1f", s)) + " s";
    }
}
