package dev.runbook.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RefusedException;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.k8s.test.ExpectationServer;
import dev.runbook.k8s.test.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.internal.WebSocketMessage;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code k8s.portForward(...)} against fabric8's mock API server in <b>expectation mode</b>, which serves the
 * port-forward websocket protocol (the port on the data and error channels, then data frames on channel 0)
 * for the expected pod and port; CRUD mode serves no port-forward. The mock cannot relay bytes to a real
 * process in a pod: it plays a fixed server reply ({@code +PONG}), so the test proves the pod choice, the
 * request, the local tunnel and the naming, not a conversation with Redis.
 */
class PortForwardIT {
    static final String NS = "smp-prod";
    static final String PODS = "/api/v1/namespaces/" + NS + "/pods";
    static final AtomicReference<Pod> ready = new AtomicReference<>();
    static KubernetesMockServer server;
    static K8sActions k8s;

    @BeforeAll
    static void start() {
        server = ExpectationServer.start();
        k8s = K8sActions.of(server.createClient(), "smp-asia");
    }

    @AfterAll
    static void stop() {
        k8s.client().close();
        server.destroy();
    }

    @BeforeEach
    void expect() {
        server.reset();
        Pod starting = new PodBuilder(ExpectationServer.pod(NS, "redis-a", "redis", "redis"))
                .editStatus()
                .withPhase("Pending")
                .withConditions()
                .endStatus()
                .build();
        ready.set(ExpectationServer.pod(NS, "redis-b", "redis", "redis"));
        server.expect()
                .get()
                .withPath("/apis/apps/v1/namespaces/" + NS + "/deployments/redis")
                .andReturn(200, SimulatedCluster.deployment(NS, "redis", 2))
                .always();
        server.expect()
                .get()
                .withPath(PODS + "?labelSelector=app%3Dredis")
                .andReply(200, r -> new PodListBuilder()
                        .withItems(starting, ready.get())
                        .build())
                .always();
        server.expect()
                .get()
                .withPath(PODS + "/redis-b")
                .andReply(200, r -> ready.get())
                .always();
        byte[] port = {(byte) (6379 & 0xff), (byte) (6379 >> 8)};
        server.expect()
                .withPath(PODS + "/redis-b/portforward?ports=6379")
                .andUpgradeToWebSocket()
                .open(
                        new WebSocketMessage(new byte[] {0, port[0], port[1]}),
                        new WebSocketMessage(new byte[] {1, port[0], port[1]}),
                        new WebSocketMessage(frame("+PONG\r\n")))
                .done()
                .always();
    }

    private static byte[] frame(String data) {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[d.length + 1];
        System.arraycopy(d, 0, f, 1, d.length);
        return f;
    }

    @Test
    void expectationMode_picksAReadyPodOfTheWorkload_tunnelsToIt_andNamesClusterNamespacePodAndPort() throws Exception {
        try (ForwardedPort redis = k8s.portForward(NS, "deployment/redis", 6379)) {
            assertThat(redis.pod()).isEqualTo("redis-b");
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.port()).isPositive();
            assertThat(redis.uri("redis").toString()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.name())
                    .isEqualTo("smp-asia/smp-prod/pod/redis-b:6379 (deployment/redis) via 127.0.0.1:" + redis.port());
            assertThat(redis).hasToString(redis.name());
            // Each connection to the local port is its own websocket to the mock; on a loaded machine the
            // mock's canned reply can race the client's wiring of a stream (an empty read), so up to three
            // connections are tried: one full round trip proves the tunnel.
            String got = "";
            for (int attempt = 0; attempt < 3 && got.isEmpty(); attempt++) {
                try (Socket s = new Socket(redis.host(), redis.port())) {
                    s.setSoTimeout(5000);
                    s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                    InputStream in = s.getInputStream();
                    got = new String(in.readNBytes(7), StandardCharsets.US_ASCII);
                }
            }
            assertThat(got).isEqualTo("+PONG\r\n");
            assertThat(ExpectationServer.requests(server)).contains("GET " + PODS + "/redis-b/portforward?ports=6379");
            redis.check(Duration.ofSeconds(1));
        }
    }

    @Test
    void expectationMode_aPodThatGoesAwayMidSession_isTargetUnavailableNamingIt() {
        try (ForwardedPort redis = k8s.portForward(NS, "deployment/redis", 6379)) {
            server.reset(); // the pod is deleted: the API server answers 404 from now on
            server.expect()
                    .get()
                    .withPath(PODS + "/redis-b")
                    .andReturn(
                            404,
                            new StatusBuilder()
                                    .withCode(404)
                                    .withReason("NotFound")
                                    .build())
                    .always();
            assertThatThrownBy(() -> redis.check(Duration.ofSeconds(1)))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("pod smp-asia/smp-prod/redis-b behind port-forward 127.0.0.1:" + redis.port()
                            + " (port 6379) went away during the session")
                    .hasMessageContaining("k8s.portForward(\"smp-prod\", \"deployment/redis\", 6379)");
        }
    }

    @Test
    void noReadyPod_missingWorkload_andBadPort_areRefused() {
        ready.set(new PodBuilder(ExpectationServer.pod(NS, "redis-b", "redis", "redis"))
                .editStatus()
                .withConditions()
                .endStatus()
                .build());
        assertThatThrownBy(() -> k8s.portForward(NS, "deployment/redis", 6379))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("no ready pod of smp-asia/smp-prod/deployment/redis to forward port 6379 to"
                        + " (2 pods, none ready)");
        server.expect()
                .get()
                .withPath("/api/v1/namespaces/" + NS)
                .andReturn(
                        200,
                        new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                                .withNewMetadata()
                                .withName(NS)
                                .endMetadata()
                                .build())
                .always();
        assertThatThrownBy(() -> k8s.portForward(NS, "deployment/redis-x", 6379))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("no Deployment 'redis-x'");
        assertThatThrownBy(() -> k8s.portForward(NS, "deployment/redis", 0))
                .hasMessageContaining("a port is 1 to 65535");
    }
}
