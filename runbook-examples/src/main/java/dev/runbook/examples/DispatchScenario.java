package dev.runbook.examples;

import dev.runbook.core.Runbook;
import dev.runbook.k8s.K8sActions;
import dev.runbook.k8s.test.Fault;
import dev.runbook.k8s.test.SimulatedCluster;
import dev.runbook.redis.RedisActions;
import dev.runbook.redis.test.RedisServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's INC-001: a simulated cluster ({@link SimulatedCluster}) whose {@code smp-prod/dispatch-engine}
 * pods are stuck in CrashLoopBackOff (they lost Redis; it is back, but the pods stay in back-off), a flag
 * ConfigMap {@code dispatch-flags} with {@code ENABLE_AUTO_DISPATCH=true}, and a real {@code redis-server}
 * whose {@code dispatch:queue:HCMC} holds {@value #ORDERS} orders; fixed by {@link DispatchEngineDown}.
 * A stand-in for the engine pops 10 orders per ready pod every 100 ms while the flag is true.
 *
 * <pre>{@code
 * try (DispatchScenario s = DispatchScenario.start()) {
 *     Plan plan = engine.plan(s.runbook());
 * }
 * }</pre>
 */
public final class DispatchScenario implements DemoScenario {
    /** Orders waiting in the queue when the runbook starts. */
    public static final int ORDERS = 850;

    private static final String NS = DispatchEngineDown.NAMESPACE;
    private static final String APP = DispatchEngineDown.DEPLOYMENT;

    private final RedisServer redisServer;
    private final SimulatedCluster cluster;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final K8sActions k8s;
    private final RedisActions redis;
    private final ScheduledExecutorService engine;
    private final AtomicLong popped = new AtomicLong();
    private final String staged;

    private DispatchScenario(RedisServer redisServer, SimulatedCluster cluster) {
        this.redisServer = redisServer;
        this.cluster = cluster;
        this.client = RedisClient.create(redisServer.uri());
        this.connection = client.connect();
        stageCluster(cluster, NS);
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            orders.add("{\"order\":" + (70_000 + i) + ",\"stage\":\"02\",\"city\":\"HCMC\"}");
        }
        connection.sync().rpush(DispatchEngineDown.QUEUE, orders.toArray(String[]::new));
        this.k8s = K8sActions.of(cluster.client(), cluster.name()).resync(Duration.ofMillis(300));
        this.redis = RedisActions.connect(redisServer.uri());
        this.staged = cluster + " " + describe(cluster, NS) + "; " + redisServer + " LLEN " + DispatchEngineDown.QUEUE
                + " = " + connection.sync().llen(DispatchEngineDown.QUEUE);
        this.engine = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulated-dispatch-engine");
            t.setDaemon(true);
            return t;
        });
        engine.scheduleWithFixedDelay(this::dispatch, 100, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts {@code redis-server} and a simulated cluster named {@code smp-asia}, and stages the incident.
     *
     * @throws IllegalStateException if {@code redis-server} is not on the PATH (with the apt-get line)
     */
    public static DispatchScenario start() {
        RedisServer server = RedisServer.start();
        SimulatedCluster cluster = null;
        try {
            cluster = SimulatedCluster.start("smp-asia");
            return new DispatchScenario(server, cluster);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            server.close();
            throw e;
        }
    }

    /**
     * Stages INC-001 in {@code namespace}: a Deployment {@code dispatch-engine} of 3 whose pods crash-loop,
     * and the ConfigMap {@code dispatch-flags} with {@code ENABLE_AUTO_DISPATCH=true}. Pods created later
     * are healthy (the cause is gone; a restart brings the engine back).
     */
    public static void stageCluster(SimulatedCluster cluster, String namespace) {
        cluster.createDeployment(namespace, APP, 3);
        cluster.create(new ConfigMapBuilder()
                .withNewMetadata()
                .withName(DispatchEngineDown.FLAGS)
                .withNamespace(namespace)
                .endMetadata()
                .withData(Map.of(DispatchEngineDown.FLAG, "true"))
                .build());
        cluster.fault(namespace, APP, Fault.crashLoop());
        KubernetesClient c = cluster.client();
        c.pods().inNamespace(namespace).withLabel("app", APP).delete();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (crashLooping(c, namespace) < 3) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the simulated " + APP + " pods did not crash-loop within 20 s");
            }
            sleep(20);
        }
        cluster.fault(namespace, APP, Fault.none());
    }

    private static long crashLooping(KubernetesClient c, String namespace) {
        return c.pods().inNamespace(namespace).withLabel("app", APP).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() != null
                        && p.getStatus().getContainerStatuses() != null
                        && p.getStatus().getContainerStatuses().stream()
                                .anyMatch(s -> s.getState() != null
                                        && s.getState().getWaiting() != null
                                        && "CrashLoopBackOff"
                                                .equals(s.getState()
                                                        .getWaiting()
                                                        .getReason())))
                .count();
    }

    /** {@code ENABLE_AUTO_DISPATCH} in the namespace's {@code dispatch-flags}, read from the API server. */
    public static String flag(SimulatedCluster cluster, String namespace) {
        ConfigMap cm = cluster.client()
                .configMaps()
                .inNamespace(namespace)
                .withName(DispatchEngineDown.FLAGS)
                .get();
        return cm == null || cm.getData() == null ? null : cm.getData().get(DispatchEngineDown.FLAG);
    }

    /** The Deployment's replicas, ready pods, restartedAt and the flag, read from the API server. */
    public static String describe(SimulatedCluster cluster, String namespace) {
        Deployment d = cluster.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName(APP)
                .get();
        var ann = d.getSpec().getTemplate().getMetadata().getAnnotations();
        return "deployment/" + APP + " replicas " + d.getSpec().getReplicas() + " (ready "
                + readyPods(cluster.client(), namespace) + ", restartedAt "
                + (ann == null ? null : ann.get("kubectl.kubernetes.io/restartedAt")) + ", resourceVersion "
                + d.getMetadata().getResourceVersion() + "), " + DispatchEngineDown.FLAG + "="
                + flag(cluster, namespace);
    }

    static long readyPods(KubernetesClient c, String namespace) {
        return c.pods().inNamespace(namespace).withLabel("app", APP).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(DispatchScenario::ready)
                .count();
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null
                && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The stand-in engine: while the flag is true, each ready pod takes 10 orders every 100 ms. */
    private void dispatch() {
        try {
            if (!"true".equals(flag(cluster, NS))) {
                return;
            }
            long pods = readyPods(cluster.client(), NS);
            for (long i = 0; i < pods * 10; i++) {
                if (connection.sync().lpop(DispatchEngineDown.QUEUE) == null) {
                    return;
                }
                popped.incrementAndGet();
            }
        } catch (RuntimeException e) {
            // the demo is closing, or a read failed: the next tick tries again
        }
    }

    /** The cluster, for tests. */
    public SimulatedCluster cluster() {
        return cluster;
    }

    /** The Redis server's URI, for tests. */
    public String redisUri() {
        return redisServer.uri();
    }

    /** Pushes {@code orders} stand-in orders onto {@code queue}, for tests. */
    public void push(String queue, int orders) {
        for (int i = 0; i < orders; i++) {
            connection.sync().rpush(queue, "{\"order\":" + i + "}");
        }
    }

    /** The queue's depth now. */
    public long queueDepth() {
        return connection.sync().llen(DispatchEngineDown.QUEUE);
    }

    /** Orders the stand-in engine took from the queue. */
    public long dispatched() {
        return popped.get();
    }

    @Override
    public String staged() {
        return staged;
    }

    @Override
    public Runbook runbook() {
        return DispatchEngineDown.runbook(k8s, redis);
    }

    @Override
    public String observe() {
        return describe(cluster, NS) + "; LLEN " + DispatchEngineDown.QUEUE + " = " + queueDepth() + " (" + dispatched()
                + " orders dispatched by the restarted engine)";
    }

    @Override
    public boolean fixed() {
        Deployment d = cluster.client()
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName(APP)
                .get();
        return d.getSpec().getReplicas() == 3
                && readyPods(cluster.client(), NS) == 3
                && "true".equals(flag(cluster, NS))
                && queueDepth() == 0;
    }

    @Override
    public void close() {
        engine.shutdownNow();
        try {
            redis.close();
            k8s.close();
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            cluster.close();
        } finally {
            redisServer.close();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while staging INC-001", e);
        }
    }
}
