package dev.runbook.k8s;

import java.util.Locale;

/**
 * The kinds of workload whose pods the actions roll: Deployments, StatefulSets and DaemonSets.
 *
 * <pre>{@code
 * WorkloadKind.parse("sts");          // STATEFULSET
 * WorkloadKind.DEPLOYMENT.label();    // "deployment"
 * }</pre>
 */
public enum WorkloadKind {
    DEPLOYMENT("deployment", "Deployment", "deployments"),
    STATEFULSET("statefulset", "StatefulSet", "statefulsets"),
    DAEMONSET("daemonset", "DaemonSet", "daemonsets");

    private final String label;
    private final String kind;
    private final String resource;

    WorkloadKind(String label, String kind, String resource) {
        this.label = label;
        this.kind = kind;
        this.resource = resource;
    }

    /** As in targets and kubectl: {@code deployment}. */
    public String label() {
        return label;
    }

    /** The API kind: {@code Deployment}. */
    public String kind() {
        return kind;
    }

    /** The API resource: {@code deployments}. */
    public String resource() {
        return resource;
    }

    /**
     * The kind kubectl would understand: {@code deployment}, {@code deploy}, {@code deployments}, {@code
     * statefulset}, {@code sts}, {@code daemonset}, {@code ds} (any case).
     *
     * @throws IllegalArgumentException for anything else, naming the kinds accepted
     */
    public static WorkloadKind parse(String s) {
        String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "deployment", "deployments", "deploy", "deployment.apps" -> DEPLOYMENT;
            case "statefulset", "statefulsets", "sts", "statefulset.apps" -> STATEFULSET;
            case "daemonset", "daemonsets", "ds", "daemonset.apps" -> DAEMONSET;
            default ->
                throw new IllegalArgumentException("'" + s + "' is not a workload kind this library rolls;"
                        + " use deployment, statefulset or daemonset (e.g. \"deployment/dispatch-engine\")");
        };
    }
}
