package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs simulated clusters in their own JVM until it is stopped, for JShell sessions and demos: one
 * cluster per context, seeded with Deployments and ConfigMaps, and a kubeconfig written last (its
 * existence means ready).
 *
 * <pre>
 * java -cp ... dev.runbook.k8s.test.SimulatedClusterMain /tmp/kubeconfig smp-asia \
 *     smp-prod/deployment/dispatch-engine=3 smp-prod/configmap/dispatch-flags:ENABLE_AUTO_DISPATCH=true
 * java -cp ... dev.runbook.k8s.test.SimulatedClusterMain /tmp/kubeconfig smp-asia,smp-china,smp-us \
 *     smp-prod/deployment/dispatch-engine=3
 * </pre>
 *
 * <p>Arguments: the kubeconfig to write, the context names (comma-separated; every cluster gets the same
 * seed), then seeds: {@code ns/deployment/name=replicas}, {@code ns/statefulset/name=replicas}, {@code
 * ns/configmap/name:KEY=value}. Pods become ready 200 ms after they are created ({@code
 * -Dsim.podStartMillis=...}).
 */
public final class SimulatedClusterMain {
    private SimulatedClusterMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(
                    "usage: SimulatedClusterMain <kubeconfig> <context[,context...]> [ns/deployment/name=replicas]"
                            + " [ns/statefulset/name=replicas] [ns/configmap/name:KEY=value] ...");
            System.exit(2);
        }
        Path kubeconfig = Path.of(args[0]);
        Files.deleteIfExists(kubeconfig);
        long podStart = Long.getLong("sim.podStartMillis", 200);
        List<SimulatedCluster> clusters = new ArrayList<>();
        for (String context : args[1].split(",", -1)) {
            SimulatedCluster c = SimulatedCluster.start(context, java.time.Duration.ofMillis(podStart));
            clusters.add(c);
            for (int i = 2; i < args.length; i++) {
                seed(c, args[i]);
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            clusters.forEach(SimulatedCluster::close);
            stop.countDown();
        }));
        Path tmp = kubeconfig.resolveSibling(kubeconfig.getFileName() + ".tmp");
        SimulatedCluster.writeKubeconfig(tmp, clusters);
        Files.move(tmp, kubeconfig, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        clusters.forEach(c -> System.out.println("simulated cluster " + c.name() + " at " + c.url()));
        System.out.println("kubeconfig " + kubeconfig);
        stop.await();
    }

    static void seed(SimulatedCluster c, String spec) {
        String[] parts = spec.split("/", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("seed '" + spec + "' is not ns/kind/name=...");
        }
        String ns = parts[0];
        if (c.client().namespaces().withName(ns).get() == null) {
            c.client()
                    .namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(ns)
                            .endMetadata()
                            .build())
                    .create();
        }
        String rest = parts[2];
        switch (parts[1]) {
            case "deployment" ->
                c.createDeployment(
                        ns,
                        rest.substring(0, rest.indexOf('=')),
                        Integer.parseInt(rest.substring(rest.indexOf('=') + 1)));
            case "statefulset" ->
                c.createStatefulSet(
                        ns,
                        rest.substring(0, rest.indexOf('=')),
                        Integer.parseInt(rest.substring(rest.indexOf('=') + 1)));
            case "configmap" -> {
                String name = rest.substring(0, rest.indexOf(':'));
                String kv = rest.substring(rest.indexOf(':') + 1);
                c.client()
                        .configMaps()
                        .inNamespace(ns)
                        .resource(new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace(ns)
                                .endMetadata()
                                .addToData(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1))
                                .build())
                        .create();
            }
            default ->
                throw new IllegalArgumentException(
                        "seed kind '" + parts[1] + "' is not deployment, statefulset or configmap");
        }
    }
}
