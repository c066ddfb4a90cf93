package dev.runbook.k8s;

import dev.runbook.core.Endpoint;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A port of one ready pod, forwarded to a local address through the API server ({@code kubectl port-forward}):
 * hand {@link #uri(String)} or {@link #host()} and {@link #port()} to a client that can only reach
 * {@code 127.0.0.1}, and close it with the session. Its {@link #name()} (and {@code toString}) names the
 * cluster, namespace, pod and port behind the local address, so plans and audit records say where a
 * connection really went.
 *
 * <pre>{@code
 * try (ForwardedPort redis = k8s.portForward("smp-prod", "deployment/redis", 6379)) {
 *     redis.name();               // "smp-asia/smp-prod/pod/redis-7d9f-x2x:6379 (deployment/redis) via 127.0.0.1:41234"
 *     RedisActions.connect(redis.uri("redis").toString());
 * }
 * }</pre>
 *
 * <p>The pod is picked by the workload's selector, ready pods only, the first by name. If it goes away
 * during the session, connections through the local port fail; {@link #check(Duration)} (which the engine
 * calls before it plans a step on this endpoint) then throws a {@link TargetUnavailableException} that
 * names the pod and says to open a new forward.
 */
public final class ForwardedPort implements Endpoint, AutoCloseable {
    private final K8sTarget k8s;
    private final String namespace;
    private final String workload;
    private final String pod;
    private final String uid;
    private final int remotePort;
    private final LocalPortForward forward;

    private ForwardedPort(
            K8sTarget k8s, String namespace, String workload, Pod pod, int remotePort, LocalPortForward forward) {
        this.k8s = k8s;
        this.namespace = namespace;
        this.workload = workload;
        this.pod = pod.getMetadata().getName();
        this.uid = pod.getMetadata().getUid();
        this.remotePort = remotePort;
        this.forward = forward;
    }

    /** Opens a forward to {@code remotePort} of a ready pod of {@code kindSlashName} ({@code deployment/redis}). */
    static ForwardedPort open(K8sTarget k8s, String namespace, String kindSlashName, int remotePort) {
        if (remotePort < 1 || remotePort > 65535) {
            throw new IllegalArgumentException("a port is 1 to 65535, was " + remotePort);
        }
        List<Pod> pods;
        if (kindSlashName != null && kindSlashName.startsWith("pod/")) {
            pods = PodSource.of(k8s.context(), namespace, kindSlashName).pods(k8s);
        } else {
            WorkloadRef ref = WorkloadRef.of(k8s.context(), namespace, kindSlashName);
            HasMetadata o = k8s.require(ref);
            pods = k8s
                    .call("list pods of " + ref, () -> k8s.client()
                            .pods()
                            .inNamespace(namespace)
                            .withLabels(Workloads.selector(o))
                            .list()
                            .getItems())
                    .stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList();
        }
        Pod pick = pods.stream()
                .filter(ExecInPod::ready)
                .findFirst()
                .orElseThrow(() -> new RefusedException("no ready pod of " + k8s.context() + "/" + namespace + "/"
                        + kindSlashName + " to forward port " + remotePort + " to (" + pods.size()
                        + " pods, none ready); check them (kubectl --context " + k8s.context() + " -n " + namespace
                        + " get pods)"));
        String name = pick.getMetadata().getName();
        LocalPortForward f =
                k8s.call("port-forward pod " + namespace + "/" + name + " " + remotePort, () -> k8s.client()
                        .pods()
                        .inNamespace(namespace)
                        .withName(name)
                        .portForward(remotePort, InetAddress.getLoopbackAddress(), 0));
        return new ForwardedPort(k8s, namespace, kindSlashName, pick, remotePort, f);
    }

    /** The local host to connect to ({@code 127.0.0.1}). */
    public String host() {
        return forward.getLocalAddress().getHostAddress();
    }

    /** The local port to connect to. */
    public int port() {
        return forward.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:<port>}, for clients that take a URI ({@code redis}, {@code http}). */
    public URI uri(String scheme) {
        return URI.create(scheme + "://" + host() + ":" + port());
    }

    /** The pod behind the local address. */
    public String pod() {
        return pod;
    }

    /** The pod's port. */
    public int remotePort() {
        return remotePort;
    }

    /** {@code smp-asia/smp-prod/pod/redis-7d9f-x2x:6379 (deployment/redis) via 127.0.0.1:41234}. */
    @Override
    public String name() {
        return k8s.context() + "/" + namespace + "/pod/" + pod + ":" + remotePort
                + (workload.startsWith("pod/") ? "" : " (" + workload + ")") + " via " + host() + ":" + port();
    }

    /**
     * Checks that the pod behind the forward is still there (same uid) and ready, and that the forward has
     * seen no error.
     *
     * @throws TargetUnavailableException naming the pod, when it went away, is not ready, or the forward broke
     */
    @Override
    public void check(Duration timeout) {
        Pod now = k8s.call(
                "get pod " + namespace + "/" + pod,
                () -> k8s.client().pods().inNamespace(namespace).withName(pod).get());
        String problem = now == null
                ? "went away"
                : !uid.equals(now.getMetadata().getUid())
                        ? "was replaced by another pod of the same name"
                        : now.getMetadata().getDeletionTimestamp() != null
                                ? "is terminating"
                                : !ExecInPod.ready(now) ? "is no longer ready" : null;
        if (problem == null && forward.errorOccurred()) {
            problem = "broke the forward: " + forward.getServerThrowables() + forward.getClientThrowables();
        }
        if (problem != null) {
            throw new TargetUnavailableException(
                    "pod " + k8s.context() + "/" + namespace + "/" + pod + " behind port-forward " + host() + ":"
                            + port() + " (port " + remotePort + ") " + problem + " during the session; close it and"
                            + " open a new one (k8s.portForward(\"" + namespace + "\", \"" + workload + "\", "
                            + remotePort + ")), which picks a ready pod",
                    null,
                    true);
        }
    }

    /** Stops forwarding; the local port is released. */
    @Override
    public void close() {
        try {
            forward.close();
        } catch (IOException e) {
            // the forward is gone either way
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
