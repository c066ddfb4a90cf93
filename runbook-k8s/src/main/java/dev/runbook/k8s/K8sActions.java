package dev.runbook.k8s;

import dev.runbook.core.Probe;
import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes remediation kit for one cluster context: restart, scale, ConfigMap keys, and probes of
 * rollouts, replicas and pods. Every target names the context and the namespace
 * ({@code smp-asia/smp-prod/deployment/dispatch-engine}), so a plan can never be applied to another cluster.
 *
 * <pre>{@code
 * try (var k8s = K8sActions.connect("smp-asia")) {                  // kubeconfig context
 *     var restart = k8s.restartDeployment("smp-prod", "dispatch-engine");
 *     var plan = restart.plan(ActionContext.standalone());
 *     System.out.println(k8s.podHealth("smp-prod", "app=dispatch-engine").read());
 * }
 * }</pre>
 *
 * <p>Closing it closes only what it opened itself: a client given by the user stays open.
 */
public final class K8sActions implements AutoCloseable {
    private final K8sTarget target;
    private final K8sSettings settings;

    private K8sActions(K8sTarget target, K8sSettings settings) {
        this.target = target;
        this.settings = settings;
    }

    /**
     * Connects with the kubeconfig ({@code KUBECONFIG} or {@code ~/.kube/config}) and its current context.
     *
     * @throws RefusedException when there is no kubeconfig with a current context
     */
    public static K8sActions connect() {
        Config config = Config.autoConfigure(null);
        if (config.getCurrentContext() == null) {
            throw new RefusedException("no current context in the kubeconfig (" + Config.getKubeconfigFilenames()
                    + "); name one: K8sActions.connect(\"smp-asia\") (kubectl config get-contexts lists them)");
        }
        return open(config, config.getCurrentContext().getName());
    }

    /**
     * Connects with the kubeconfig's context {@code context}.
     *
     * @throws RefusedException when the kubeconfig has no such context, naming those it has
     */
    public static K8sActions connect(String context) {
        requireContext(context);
        return open(
                checked(
                        Config.autoConfigure(context),
                        context,
                        Config.getKubeconfigFilenames().toString()),
                context);
    }

    /**
     * Connects with context {@code context} of the kubeconfig file {@code kubeconfig}.
     *
     * @throws RefusedException when the file is missing or has no such context
     */
    public static K8sActions connect(Path kubeconfig, String context) {
        requireContext(context);
        if (!Files.isReadable(kubeconfig)) {
            throw new RefusedException("kubeconfig " + kubeconfig + " cannot be read; check the path");
        }
        File file = kubeconfig.toFile();
        return open(checked(Config.fromKubeconfig(context, file), context, kubeconfig.toString()), context);
    }

    private static void requireContext(String context) {
        if (context == null || context.isBlank()) {
            throw new IllegalArgumentException("name a kubeconfig context, such as \"smp-asia\"");
        }
    }

    private static Config checked(Config config, String context, String where) {
        NamedContext current = config.getCurrentContext();
        if (current == null || !context.equals(current.getName())) {
            List<String> known = config.getContexts() == null
                    ? List.of()
                    : config.getContexts().stream().map(NamedContext::getName).toList();
            throw new RefusedException("context '" + context + "' is not in the kubeconfig " + where + " (it has "
                    + known + "); check the name (kubectl config get-contexts)");
        }
        return config;
    }

    private static K8sActions open(Config config, String context) {
        try {
            KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(config).build();
            return new K8sActions(new K8sTarget(client, context, true), K8sSettings.defaults());
        } catch (KubernetesClientException e) {
            throw new TargetUnavailableException(
                    "cannot open a client for context " + context + ": " + K8sTarget.rootMessage(e), e, true);
        }
    }

    /** Uses the user's client; targets name the client's current context, or its server when it has none. */
    public static K8sActions of(KubernetesClient client) {
        Config c = client.getConfiguration();
        String name = c.getCurrentContext() != null ? c.getCurrentContext().getName() : hostOf(c.getMasterUrl());
        return of(client, name);
    }

    /** Uses the user's client, naming its cluster {@code context} in every target. */
    public static K8sActions of(KubernetesClient client, String context) {
        requireContext(context);
        return new K8sActions(new K8sTarget(client, context, false), K8sSettings.defaults());
    }

    private static String hostOf(String url) {
        return url == null ? "cluster" : url.replaceFirst("^https?://", "").replaceAll("/+$", "");
    }

    /**
     * Whether plans also send their mutation to the API server with {@code dryRun=All} (default true), so that
     * admission webhooks, quota and RBAC can refuse at plan time. Turn it off for a server that ignores
     * {@code dryRun}: fabric8's plain CRUD mock stores such requests ({@code SimulatedCluster} does not).
     */
    public K8sActions serverDryRun(boolean send) {
        return new K8sActions(target, new K8sSettings(send, settings.resync()));
    }

    /** How often a wait re-reads a quiet object and reopens a lost watch (default 2 s). */
    public K8sActions resync(Duration every) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("resync must be > 0, was " + every);
        }
        return new K8sActions(target, new K8sSettings(settings.serverDryRun(), every));
    }

    /** The context every target names. */
    public String context() {
        return target.context();
    }

    /** The client, for what the kit does not cover. */
    public KubernetesClient client() {
        return target.client();
    }

    /** {@code kubectl rollout restart deployment/<name>} and wait for the rollout; see {@link RestartDeployment}. */
    public RestartDeployment restartDeployment(String namespace, String name) {
        return restart(new WorkloadRef(context(), namespace, WorkloadKind.DEPLOYMENT, name));
    }

    /** {@code kubectl rollout restart statefulset/<name>} and wait for the rollout. */
    public RestartDeployment restartStatefulSet(String namespace, String name) {
        return restart(new WorkloadRef(context(), namespace, WorkloadKind.STATEFULSET, name));
    }

    /** {@code kubectl rollout restart daemonset/<name>} and wait for the rollout. */
    public RestartDeployment restartDaemonSet(String namespace, String name) {
        return restart(new WorkloadRef(context(), namespace, WorkloadKind.DAEMONSET, name));
    }

    /** A restart of {@code kind/name}: {@code deployment/dispatch-engine}, {@code sts/kafka}, {@code ds/agent}. */
    public RestartDeployment restart(String namespace, String kindSlashName) {
        return restart(WorkloadRef.of(context(), namespace, kindSlashName));
    }

    private RestartDeployment restart(WorkloadRef ref) {
        return new RestartDeployment(target, ref, false, false, RestartDeployment.DEFAULT_TIMEOUT, settings);
    }

    /** {@code kubectl scale deployment/<name> --replicas=n --current-replicas=<planned>}, then wait until ready. */
    public ScaleDeployment scaleDeployment(String namespace, String name, int replicas) {
        return new ScaleDeployment(
                target, new WorkloadRef(context(), namespace, WorkloadKind.DEPLOYMENT, name), replicas, settings);
    }

    /** {@code kubectl scale statefulset/<name> --replicas=n}, then wait until ready. */
    public ScaleDeployment scaleStatefulSet(String namespace, String name, int replicas) {
        return new ScaleDeployment(
                target, new WorkloadRef(context(), namespace, WorkloadKind.STATEFULSET, name), replicas, settings);
    }

    /** {@code kubectl rollout undo deployment/<name>} to the previous revision ({@code .toRevision(n)} for another). */
    public RollbackDeployment rollbackDeployment(String namespace, String name) {
        return new RollbackDeployment(
                target,
                new WorkloadRef(context(), namespace, WorkloadKind.DEPLOYMENT, name),
                0,
                RestartDeployment.DEFAULT_TIMEOUT,
                settings);
    }

    /** {@code kubectl delete pods -l <selector>}; choose {@code .gracePeriod(...)} or {@code .force()}. See {@link DeletePods}. */
    public DeletePods deletePods(String namespace, String selector) {
        return new DeletePods(target, namespace, selector, false, settings);
    }

    /** Evicts the pods of {@code selector} one at a time, respecting PodDisruptionBudgets. See {@link DeletePods}. */
    public DeletePods evictPods(String namespace, String selector) {
        return new DeletePods(target, namespace, selector, true, settings);
    }

    /** The requests and limits of one container of {@code kind/name}; see {@link PatchResources}. */
    public PatchResources patchResources(String namespace, String kindSlashName, String container) {
        return new PatchResources(
                target,
                WorkloadRef.of(context(), namespace, kindSlashName),
                container,
                Map.of(),
                Map.of(),
                false,
                RestartDeployment.DEFAULT_TIMEOUT,
                settings);
    }

    /** Sets one key of a ConfigMap (a feature flag); the inverse restores the old value or removes the key. */
    public SetConfigValue setConfigValue(String namespace, String configMap, String key, String value) {
        return new SetConfigValue(target, namespace, configMap, key, value, settings);
    }

    /** {@code kubectl rollout status kind/name}, read once: done, failed or waiting, with kubectl's message. */
    public Probe<RolloutState> rolloutStatus(String namespace, String kindSlashName) {
        WorkloadRef ref = WorkloadRef.of(context(), namespace, kindSlashName);
        return Probe.of(ref + " rollout status", () -> RolloutState.of(ref, target.require(ref)));
    }

    /** The ready replicas of a workload ({@code status.readyReplicas}; DaemonSet: {@code numberReady}). */
    public Probe<Integer> readyReplicas(String namespace, String kindSlashName) {
        WorkloadRef ref = WorkloadRef.of(context(), namespace, kindSlashName);
        return Probe.of(ref + " ready replicas", () -> RolloutState.of(ref, target.require(ref))
                .ready());
    }

    /** The pods of a label selector ({@code app=dispatch-engine,tier=web}): phase, readiness, restarts, reasons. */
    public Probe<PodHealth> podHealth(String namespace, String selector) {
        WorkloadRef.requireName("namespace", namespace);
        Map<String, String> labels = parseSelector(selector);
        return Probe.of(
                context() + "/" + namespace + " pods " + selector, () -> PodHealth.read(target, namespace, labels));
    }

    /** The pods of a workload, by its own selector. */
    public Probe<PodHealth> podHealthOf(String namespace, String kindSlashName) {
        WorkloadRef ref = WorkloadRef.of(context(), namespace, kindSlashName);
        return Probe.of(ref + " pods", () -> {
            HasMetadata o = target.require(ref);
            return PodHealth.read(target, namespace, Workloads.selector(o));
        });
    }

    /**
     * The logs of one pod ({@code "pod/redis-0"}) or of the pods of a selector ({@code "app=redis"}), as
     * {@code kubectl logs}: add {@code .tailLines(n)}, {@code .since(d)}, {@code .container(c)}, {@code
     * .previous()} and the patterns to {@code .count(...)}.
     */
    public PodLogs podLogs(String namespace, String podOrSelector) {
        return new PodLogs(target, PodSource.of(context(), namespace, podOrSelector));
    }

    /**
     * {@code kubectl exec} of an argv list (never a shell string) in one ready pod ({@code "pod/x"}, or the
     * first ready pod of a selector such as {@code "app=dispatch-engine"}); needs approval; add {@code
     * .doneWhen(probe, condition)} to make it idempotent.
     */
    public ExecInPod execInPod(String namespace, String podOrSelector, List<String> argv) {
        return new ExecInPod(target, PodSource.of(context(), namespace, podOrSelector), argv);
    }

    /**
     * {@code kubectl port-forward deployment/redis :6379} through the API server: a ready pod of the workload
     * ({@code "deployment/redis"}, {@code "statefulset/kafka"}, or {@code "pod/redis-0"}) and its port, on a
     * free local port; close it with the session.
     *
     * @throws RefusedException when the workload is missing or none of its pods is ready
     */
    public ForwardedPort portForward(String namespace, String workloadOrPod, int port) {
        return ForwardedPort.open(target, namespace, workloadOrPod, port);
    }

    static Map<String, String> parseSelector(String selector) {
        if (selector == null || selector.isBlank()) {
            throw new IllegalArgumentException(
                    "a pod selector is required, such as \"app=dispatch-engine\" (an empty one selects every pod)");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : selector.split(",", -1)) {
            String[] kv = part.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new IllegalArgumentException(
                        "'" + selector + "' is not an equality selector; write key=value[,key=value], e.g. app=web");
            }
            labels.put(kv[0].trim(), kv[1].trim());
        }
        return labels;
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return "K8sActions[" + context() + " at " + target.server() + "]";
    }
}
