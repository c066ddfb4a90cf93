package dev.runbook.k8s;

import java.util.regex.Pattern;

/**
 * One workload in one namespace of one cluster context: what every action's target names, so that a plan
 * for {@code smp-asia/smp-prod/deployment/dispatch-engine} can never be applied to another cluster.
 *
 * <pre>{@code
 * WorkloadRef.of("smp-asia", "smp-prod", "deployment/dispatch-engine").toString();
 * // "smp-asia/smp-prod/deployment/dispatch-engine"
 * }</pre>
 *
 * @param context the kubeconfig context (or the name given to {@code K8sActions.of(client, name)})
 * @param namespace the namespace
 * @param kind the workload kind
 * @param name the workload's name
 */
public record WorkloadRef(String context, String namespace, WorkloadKind kind, String name) {
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public WorkloadRef {
        requireName("namespace", namespace);
        requireName(kind == null ? "name" : kind.label() + " name", name);
        if (kind == null) {
            throw new IllegalArgumentException("a workload needs a kind: deployment, statefulset or daemonset");
        }
    }

    /** From {@code kind/name}, such as {@code deployment/dispatch-engine}. */
    public static WorkloadRef of(String context, String namespace, String kindSlashName) {
        if (kindSlashName == null || !kindSlashName.contains("/")) {
            throw new IllegalArgumentException(
                    "name the workload as kind/name, e.g. \"deployment/dispatch-engine\", was '" + kindSlashName + "'");
        }
        int i = kindSlashName.indexOf('/');
        return new WorkloadRef(
                context, namespace, WorkloadKind.parse(kindSlashName.substring(0, i)), kindSlashName.substring(i + 1));
    }

    static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + what + " is missing; Kubernetes names are required (e.g. "
                    + ("namespace".equals(what) ? "\"smp-prod\")" : "\"dispatch-engine\")"));
        }
        if (!DNS_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a valid " + what
                    + ": lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }
    }

    /** {@code smp-prod/deployment/dispatch-engine}, for protected-name guards ({@code kube-system/*}). */
    public String resource() {
        return namespace + "/" + kind.label() + "/" + name;
    }

    @Override
    public String toString() {
        return context + "/" + resource();
    }
}
