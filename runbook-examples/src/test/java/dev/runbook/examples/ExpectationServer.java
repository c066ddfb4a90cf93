package dev.runbook.examples;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * fabric8's mock API server in expectation mode (not CRUD): it answers exactly the requests a test
 * expects, which is how the log subresource and the exec and port-forward websockets are served (CRUD mode
 * serves none of them). Copied from runbook-k8s's tests (no test-jar): {@link #start(Consumer)} and
 * {@link #pod}.
 */
final class ExpectationServer {
    private ExpectationServer() {}

    /** Starts it on 127.0.0.1, calling {@code tap} with each request before it is answered (to model what a command does). */
    static KubernetesMockServer start(Consumer<RecordedRequest> tap) {
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
    static Pod pod(String ns, String name, String app, String container) {
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
}
