package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated controllers' loop: watches workloads, ReplicaSets and pods on the mock API server and, on
 * every change (and when a timed step such as a pod becoming ready is due), runs one reconcile pass on a
 * single thread: Deployments, then ReplicaSets, StatefulSets and DaemonSets, then pods, then status.
 * Each pass reads the whole cluster fresh from the API server, so it never acts on a stale cache of its
 * own writes.
 */
final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    final KubernetesClient client;
    final Clock clock;
    final long podStartMillis;
    final Map<String, Fault> faults = new ConcurrentHashMap<>();
    final Map<String, Long> rolloutCompleteNanos = new ConcurrentHashMap<>();
    final Map<String, String> revertRestarts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop;
    private final AtomicBoolean kicked = new AtomicBoolean();
    private final List<Watch> watches = new ArrayList<>();
    private final DeploymentController deployments;
    private final SetController sets;
    private final PodLifecycle pods;
    private volatile boolean closed;
    private volatile long passes;

    Controller(KubernetesClient client, Clock clock, long podStartMillis, String name) {
        this.client = client;
        this.clock = clock;
        this.podStartMillis = podStartMillis;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulated-controller-" + name);
            t.setDaemon(true);
            return t;
        });
        this.deployments = new DeploymentController(this);
        this.sets = new SetController(this);
        this.pods = new PodLifecycle(this);
    }

    void start() {
        watches.add(client.apps().deployments().inAnyNamespace().watch(new Kick<>()));
        watches.add(client.apps().replicaSets().inAnyNamespace().watch(new Kick<>()));
        watches.add(client.apps().statefulSets().inAnyNamespace().watch(new Kick<>()));
        watches.add(client.apps().daemonSets().inAnyNamespace().watch(new Kick<>()));
        watches.add(client.pods().inAnyNamespace().watch(new Kick<>()));
        kick();
    }

    /** Runs a pass soon; many kicks in a row give one pass. */
    void kick() {
        if (!closed && kicked.compareAndSet(false, true)) {
            loop.schedule(this::pass, 2, TimeUnit.MILLISECONDS);
        }
    }

    /** Runs a pass after {@code millis}, for a timed step. */
    void kickIn(long millis) {
        if (!closed) {
            loop.schedule(this::kick, Math.max(1, millis), TimeUnit.MILLISECONDS);
        }
    }

    /** Waits until the loop has run a pass that started after this call, so that all writes before it are seen. */
    void settle() {
        long target = passes + 1;
        kick();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (passes < target + 1 && System.nanoTime() < deadline) {
            kick();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pass() {
        kicked.set(false);
        if (closed) {
            return;
        }
        try {
            Snapshot s = new Snapshot(
                    new ArrayList<>(
                            client.apps().replicaSets().inAnyNamespace().list().getItems()),
                    new ArrayList<>(client.pods().inAnyNamespace().list().getItems()));
            client.apps().deployments().inAnyNamespace().list().getItems().forEach(d -> deployments.rollout(d, s));
            deployments.replicaSets(s);
            client.apps().statefulSets().inAnyNamespace().list().getItems().forEach(st -> sets.statefulSet(st, s));
            client.apps().daemonSets().inAnyNamespace().list().getItems().forEach(ds -> sets.daemonSet(ds, s));
            pods.progress(s);
            client.apps().deployments().inAnyNamespace().list().getItems().forEach(d -> deployments.status(d, s));
        } catch (KubernetesClientException e) {
            if (!closed) {
                LOG.debug("simulated controller pass failed, retrying: {}", e.getMessage());
                kickIn(50);
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("simulated controller pass failed, retrying", e);
                kickIn(100);
            }
        } finally {
            passes++;
        }
    }

    /** The cluster as one pass saw it, updated by the pass's own writes. */
    static final class Snapshot {
        final List<ReplicaSet> replicaSets;
        final List<Pod> pods;

        Snapshot(List<ReplicaSet> replicaSets, List<Pod> pods) {
            this.replicaSets = replicaSets;
            this.pods = pods;
        }

        List<Pod> ownedBy(HasMetadata owner) {
            return pods.stream()
                    .filter(p -> isOwnedBy(p, owner) && p.getMetadata().getDeletionTimestamp() == null)
                    .toList();
        }

        void replace(ReplicaSet rs) {
            replicaSets.removeIf(
                    r -> r.getMetadata().getUid().equals(rs.getMetadata().getUid()));
            replicaSets.add(rs);
        }

        void replace(Pod p) {
            pods.removeIf(x -> x.getMetadata().getUid().equals(p.getMetadata().getUid()));
            pods.add(p);
        }
    }

    static boolean isOwnedBy(HasMetadata child, HasMetadata owner) {
        return child.getMetadata().getNamespace().equals(owner.getMetadata().getNamespace())
                && child.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o ->
                                Objects.equals(o.getUid(), owner.getMetadata().getUid()));
    }

    static OwnerReference ownerOf(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    /**
     * Replaces the status through the status subresource, with a JSON patch {@code add /status}: the mock
     * does not replace lists in a JSON merge patch of a status (conditions would never change).
     */
    String statusPatch(Object status) {
        return "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
                + client.getKubernetesSerialization().asJson(status) + "}]";
    }

    void patchStatus(String apiPathKind, HasMetadata o, Object status) {
        String json = statusPatch(status);
        var ctx = PatchContext.of(PatchType.JSON);
        switch (apiPathKind) {
            case "Deployment" ->
                client.apps()
                        .deployments()
                        .inNamespace(o.getMetadata().getNamespace())
                        .withName(o.getMetadata().getName())
                        .subresource("status")
                        .patch(ctx, json);
            case "ReplicaSet" ->
                client.apps()
                        .replicaSets()
                        .inNamespace(o.getMetadata().getNamespace())
                        .withName(o.getMetadata().getName())
                        .subresource("status")
                        .patch(ctx, json);
            case "StatefulSet" ->
                client.apps()
                        .statefulSets()
                        .inNamespace(o.getMetadata().getNamespace())
                        .withName(o.getMetadata().getName())
                        .subresource("status")
                        .patch(ctx, json);
            case "DaemonSet" ->
                client.apps()
                        .daemonSets()
                        .inNamespace(o.getMetadata().getNamespace())
                        .withName(o.getMetadata().getName())
                        .subresource("status")
                        .patch(ctx, json);
            default -> throw new IllegalArgumentException(apiPathKind);
        }
    }

    @Override
    public void close() {
        closed = true;
        watches.forEach(Watch::close);
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Any change kicks a pass. */
    private final class Kick<T> implements Watcher<T> {
        @Override
        public void eventReceived(Action action, T resource) {
            kick();
        }

        @Override
        public void onClose(WatcherException cause) {
            if (!closed) {
                LOG.warn("simulated controller lost a watch: {}", cause.getMessage());
            }
        }
    }
}
