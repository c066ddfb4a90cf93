package dev.runbook.k8s.test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * fabric8's mock API server in expectation mode (not CRUD): it answers exactly the requests a test
 * expects, which is how the log subresource and the exec and port-forward websockets are served (CRUD mode
 * serves none of them). Every request it received can be read back to assert its exact parameters. Used
 * by runbook-k8s's ExecInPodIT, PodLogsIT and PortForwardIT, and by runbook-examples' seed runbooks that run
 * an application's admin command in a pod (INC-010, INC-011).
 */
public final class ExpectationServer {
    private ExpectationServer() {}

    /** Starts it on 127.0.0.1 (stop it with {@code destroy()}). */
    public static KubernetesMockServer start() {
        return start(r -> {});
    }

    /** Same, calling {@code tap} with each request before it is answered (to model what a command does). */
    public static KubernetesMockServer start(Consumer<RecordedRequest> tap) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        MockDispatcher expectations = new MockDispatcher(responses);
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(),
                new MockWebServer(),
                responses,
                new Dispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        tap.accept(request);
                        return expectations.dispatch(request);
                    }
                },
                false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /** A running, ready pod with one container, owned by ReplicaSet {@code <app>-rs}. */
    public static Pod pod(String ns, String name, String app, String container) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withUid("uid-" + name)
                .addToLabels("app", app)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(container)
                .withImage(app + ":1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build();
    }

    /** Serves a pod list for {@code app=<app>} and each pod by name. */
    public static void pods(KubernetesMockServer server, String ns, String app, Pod... pods) {
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/" + ns + "/pods?labelSelector=app%3D" + app)
                .andReturn(200, new PodListBuilder().withItems(pods).build())
                .always();
        for (Pod p : pods) {
            server.expect()
                    .get()
                    .withPath("/api/v1/namespaces/" + ns + "/pods/"
                            + p.getMetadata().getName())
                    .andReturn(200, p)
                    .always();
            // fabric8 reads the pod's state (a list by name) before it reads a log or opens an exec.
            server.expect()
                    .get()
                    .withPath("/api/v1/namespaces/" + ns + "/pods?fieldSelector=metadata.name%3D"
                            + p.getMetadata().getName())
                    .andReturn(200, new PodListBuilder().withItems(p).build())
                    .always();
        }
    }

    /**
     * The paths of every request received since the last call, in order, without fabric8's own read of a
     * pod's state by name ({@code ?fieldSelector=metadata.name=...}) that precedes a log read or an exec.
     */
    public static List<String> requests(KubernetesMockServer server) throws InterruptedException {
        List<String> paths = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            if (!r.getPath().contains("fieldSelector=metadata.name")) {
                paths.add(r.getMethod() + " " + r.getPath());
            }
        }
        return paths;
    }
}
