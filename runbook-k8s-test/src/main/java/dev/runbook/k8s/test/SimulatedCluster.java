package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Kubernetes cluster for tests, in the test JVM: fabric8's mock API server (CRUD mode) with simulated
 * Deployment, ReplicaSet, StatefulSet and DaemonSet controllers, so that restarts, scaling and rollbacks
 * roll out as on a real cluster (ReplicaSets with revisions, rolling pods, status and conditions), and
 * faults to play per workload (CrashLoopBackOff, OOMKilled, ImagePullBackOff, Unschedulable, a failing
 * readiness probe, slow start, a PodDisruptionBudget refusing evictions, an operator reverting restarts,
 * RBAC refusals, the API server going away and coming back).
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.start("smp-asia")) {
 *     cluster.createDeployment("smp-prod", "dispatch-engine", 3);          // rolled out, 3 pods ready
 *     KubernetesClient client = cluster.client();                        // or cluster.writeKubeconfig(file)
 *     cluster.fault("smp-prod", "dispatch-engine", Fault.crashLoop());
 * }
 * }</pre>
 *
 * <p>The API server listens on a free loopback port, over plain HTTP. What differs from a real API server
 * is listed in the module's README (no admission defaults, no server-side apply, no strategic merge patch).
 */
public final class SimulatedCluster implements AutoCloseable {
    private static final Logger MOCK_LOG = Logger.getLogger(MockWebServer.class.getName());

    static {
        MOCK_LOG.setLevel(Level.WARNING);
    }

    private final String name;
    private final KubernetesMockServer server;
    private final ApiServerDispatcher dispatcher;
    private final ApiServerGate gate;
    private final Controller controller;
    private final KubernetesClient direct;
    private final KubernetesClient client;

    private SimulatedCluster(String name, Duration podStart) {
        this.name = name;
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        this.dispatcher = new ApiServerDispatcher(responses);
        this.server = new KubernetesMockServer(
                new io.fabric8.mockwebserver.Context(), new MockWebServer(), responses, dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        this.gate = new ApiServerGate(server.getPort());
        gate.up();
        this.direct = newClient("http://127.0.0.1:" + server.getPort());
        this.client = newClient(url());
        this.controller = new Controller(direct, Clock.systemUTC(), podStart.toMillis(), name);
        controller.start();
    }

    /** A cluster named {@code default} whose pods become ready 20 ms after they are created. */
    public static SimulatedCluster start() {
        return start("default");
    }

    /** A cluster whose kubeconfig context is {@code name}; pods become ready 20 ms after they are created. */
    public static SimulatedCluster start(String name) {
        return start(name, Duration.ofMillis(20));
    }

    /** A cluster whose pods become ready {@code podStart} after they are created. */
    public static SimulatedCluster start(String name, Duration podStart) {
        return new SimulatedCluster(name, podStart);
    }

    /** The context name of this cluster in {@link #writeKubeconfig}. */
    public String name() {
        return name;
    }

    /** The API server's URL as clients see it: {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + gate.port();
    }

    /** A client of this cluster, closed with it. */
    public KubernetesClient client() {
        return client;
    }

    /** A new client of this cluster (default namespace {@code default}); the caller closes it. */
    public KubernetesClient newClient() {
        return newClient(url());
    }

    private static KubernetesClient newClient(String url) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url)
                .withNamespace("default")
                .withRequestTimeout(10_000)
                .withConnectionTimeout(2_000)
                .withRequestRetryBackoffLimit(3)
                .withRequestRetryBackoffInterval(50)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Writes a kubeconfig with this cluster as its only and current context. */
    public Path writeKubeconfig(Path file) {
        return writeKubeconfig(file, List.of(this));
    }

    /** Writes a kubeconfig with one context per cluster (named after it); the first is current. */
    public static Path writeKubeconfig(Path file, Collection<SimulatedCluster> clusters) {
        StringBuilder y = new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
        clusters.forEach(c -> y.append("- name: ")
                .append(c.name)
                .append("\n  cluster:\n    server: ")
                .append(c.url())
                .append('\n'));
        y.append("contexts:\n");
        clusters.forEach(c -> y.append("- name: ")
                .append(c.name)
                .append("\n  context:\n    cluster: ")
                .append(c.name)
                .append("\n    user: ")
                .append(c.name)
                .append("\n    namespace: default\n"));
        y.append("users:\n");
        clusters.forEach(c -> y.append("- name: ").append(c.name).append("\n  user:\n    token: simulated\n"));
        y.append("current-context: ").append(clusters.iterator().next().name).append('\n');
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, y.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates a Deployment {@code app=<name>} with one container {@code app} (image {@code
     * registry.local/<name>:1.0}), the API server's defaults (RollingUpdate 25%/25%, revision history 10,
     * progress deadline 600 s), and waits until it is rolled out.
     */
    public Deployment createDeployment(String namespace, String name, int replicas) {
        return create(deployment(namespace, name, replicas));
    }

    /** The Deployment {@link #createDeployment} would create, to change before {@link #create}. */
    public static Deployment deployment(String namespace, String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withRevisionHistoryLimit(10)
                .withProgressDeadlineSeconds(600)
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxSurge(new IntOrString("25%"))
                .withMaxUnavailable(new IntOrString("25%"))
                .endRollingUpdate()
                .endStrategy()
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.local/" + name + ":1.0")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Creates a StatefulSet {@code <name>-0..n-1} and waits until it is rolled out. */
    public StatefulSet createStatefulSet(String namespace, String name, int replicas) {
        return create(new StatefulSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(name)
                .withNewUpdateStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withPartition(0)
                .endRollingUpdate()
                .endUpdateStrategy()
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.local/" + name + ":1.0")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build());
    }

    /** Creates a DaemonSet (one pod on each of three simulated nodes) and waits until it is rolled out. */
    public DaemonSet createDaemonSet(String namespace, String name) {
        return create(new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withNewUpdateStrategy()
                .withType("RollingUpdate")
                .endUpdateStrategy()
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.local/" + name + ":1.0")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build());
    }

    /** Creates the object (and its namespace if missing) and, for a workload, waits until it is rolled out. */
    public <T extends HasMetadata> T create(T object) {
        String ns = object.getMetadata().getNamespace();
        if (ns != null && direct.namespaces().withName(ns).get() == null) {
            direct.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(ns)
                            .endMetadata()
                            .build())
                    .create();
        }
        T created = direct.resource(object).create();
        if (created instanceof Deployment || created instanceof StatefulSet || created instanceof DaemonSet) {
            awaitRolledOut(created.getKind(), ns, created.getMetadata().getName(), Duration.ofSeconds(30));
        }
        return created;
    }

    /**
     * Waits until the workload's status says its rollout is complete, as {@code kubectl rollout status} does.
     *
     * @throws IllegalStateException if it is not within {@code timeout}
     */
    public void awaitRolledOut(String kind, String namespace, String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (RolloutCheck.complete(direct, kind, namespace, name)) {
                return;
            }
            controller.kick();
            sleep(5);
        }
        throw new IllegalStateException(kind + " " + namespace + "/" + name + " did not roll out within " + timeout);
    }

    /** From now on, pods of this workload that are created get {@code fault}; {@link Fault#none()} heals. */
    public void fault(String namespace, String workload, Fault fault) {
        controller.faults.put(namespace + "/" + workload, fault);
    }

    /**
     * An operator that owns this Deployment's pod template: from now on it sets {@code
     * kubectl.kubernetes.io/restartedAt} back to its current value whenever someone changes it.
     */
    public void revertRestarts(String namespace, String deployment) {
        Deployment d = direct.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(deployment)
                .get();
        var ann = d.getSpec().getTemplate().getMetadata().getAnnotations();
        String now = ann == null ? null : ann.get(DeploymentController.RESTARTED_AT);
        controller.revertRestarts.put(namespace + "/" + deployment, now == null ? "" : now);
    }

    /** Creates a PodDisruptionBudget {@code <workload>-pdb} over {@code app=<workload>} with {@code minAvailable}. */
    public PodDisruptionBudget disruptionBudget(String namespace, String workload, int minAvailable) {
        return direct.resource(new PodDisruptionBudgetBuilder()
                        .withNewMetadata()
                        .withName(workload + "-pdb")
                        .withNamespace(namespace)
                        .endMetadata()
                        .withNewSpec()
                        .withMinAvailable(new IntOrString(minAvailable))
                        .withNewSelector()
                        .addToMatchLabels("app", workload)
                        .endSelector()
                        .endSpec()
                        .build())
                .create();
    }

    /**
     * RBAC: {@code verb} ({@code get}, {@code list}, {@code watch}, {@code patch}, {@code update}, {@code
     * create}, {@code delete}, or {@code *}) on {@code resource} ({@code deployments}, {@code
     * deployments/scale}, {@code pods/eviction}, or {@code *}) is refused with 403 for every namespace.
     */
    public void forbid(String verb, String resource) {
        dispatcher.add(
                new ApiServerDispatcher.Rule(verb, resource, null, null, 403, "system:serviceaccount:ops:runbook"));
    }

    /** An admission webhook that refuses {@code verb} on {@code resource} with {@code message} (HTTP 400). */
    public void deny(String verb, String resource, String message) {
        dispatcher.add(new ApiServerDispatcher.Rule(verb, resource, null, null, 400, message));
    }

    /** Lifts every {@link #forbid} and {@link #deny}. */
    public void allowAll() {
        dispatcher.clearRules();
    }

    /** The API server goes away for clients: connections are cut and new ones refused. Controllers go on. */
    public void apiServerDown() {
        gate.down();
    }

    /** The API server is back, on the same address. */
    public void apiServerUp() {
        gate.up();
    }

    /**
     * When the controller last wrote a status that completes the workload's rollout ({@link System#nanoTime()}),
     * for latency measurements.
     */
    public OptionalLong rolloutCompletedNanos(String namespace, String workload) {
        Long n = controller.rolloutCompleteNanos.get(namespace + "/" + workload);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }

    /** Waits until the controllers have run a full pass after this call (all earlier changes acted upon once). */
    public void settle() {
        controller.settle();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        controller.close();
        client.close();
        direct.close();
        gate.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // kubernetes-server-mock 8.0.0 can stall its one event loop while a closing watch drains
            // (WatchEventsListener.onClosed; fabric8io/kubernetes-client#7857), so its shutdown times out.
            // Everything this cluster is made of is closed by then; a test must not fail on the mock's own
            // shutdown, and its threads end with the JVM.
            MOCK_LOG.warning(() -> "mock API server of " + name + " did not stop in time: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "SimulatedCluster[" + name + " at " + url() + "]";
    }
}
