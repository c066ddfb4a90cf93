package dev.runbook.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RunbookException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpHealthTest {
    private AdminServer server;

    @BeforeEach
    void start() throws IOException {
        server = new AdminServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void health_readsStatusLatencyAndBody() {
        Health h = Http.health(server.url("/health")).read();

        assertThat(h.ok()).isTrue();
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(h.latency()).isPositive().isLessThan(Duration.ofSeconds(5));
        assertThat(h.toString()).startsWith("200 in ").endsWith("{\"status\":\"UP\"}");
        assertThat(HttpHealth.healthy().test(h)).isTrue();
        assertThat(HttpHealth.healthyAndContains("UP").test(h)).isTrue();
        assertThat(HttpHealth.healthyWithin(Duration.ofSeconds(5)).test(h)).isTrue();
        assertThat(server.posts()).isZero();
    }

    @Test
    void health_anErrorStatusIsAReadingNotAnException() {
        server.healthStatus = 503;
        server.healthBody = "{\"status\":\"DOWN\",\"detail\":\"" + "x".repeat(500) + "\"}";

        Health h = Http.health(server.url("/health")).read();

        assertThat(h.ok()).isFalse();
        assertThat(HttpHealth.healthy().test(h)).isFalse();
        assertThat(HttpHealth.status(503).test(h)).isTrue();
        assertThat(h.body()).hasSize(203).endsWith("...");
    }

    @Test
    void health_ofAServerThatIsGoneThrowsNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpHealth health = Http.health("http://127.0.0.1:" + port + "/health");

        assertThatThrownBy(health::read)
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("GET http://127.0.0.1:" + port + "/health refused the connection");
    }

    @Test
    void health_slowerThanItsTimeoutThrows() {
        server.delayMillis = 1_000;

        assertThatThrownBy(() -> Http.health(server.url("/health"))
                        .withTimeout(Duration.ofMillis(100))
                        .read())
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("did not answer within");
    }

    @Test
    void field_readsAJsonPointerWithTheSecretHeader() {
        HttpField breaker = Http.field(server.url("/admin/circuit-breaker?service=inside"), "/state")
                .withHeader("Authorization", Secret.of(AdminServer.TOKEN));

        assertThat(breaker.read()).isEqualTo("OPEN");
        assertThat(breaker.read()).isEqualTo("OPEN");
        assertThat(server.requests).hasSize(2).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.authorization()).isEqualTo(AdminServer.TOKEN);
        });
        assertThat(breaker.name()).isEqualTo("/state of GET " + server.url("/admin/circuit-breaker?service=inside"));
        assertThat(Http.field(server.url("/text"), "").read()).isEqualTo("plain text");
    }

    @Test
    void field_explainsAMissingFieldANonJsonBodyAndAnErrorStatus() {
        assertThatThrownBy(() -> Http.field(server.url("/admin/circuit-breaker"), "/status")
                        .read())
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("has no field /status")
                .hasMessageContaining("check the JSON pointer");
        assertThatThrownBy(() -> Http.field(server.url("/text"), "/state").read())
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("did not answer JSON");
        assertThatThrownBy(() -> Http.field(server.url("/nope"), "/state").read())
                .isInstanceOfSatisfying(TargetUnavailableException.class, e -> assertThat(e.retriable())
                        .isFalse())
                .hasMessageContaining("answered 404");
        assertThatThrownBy(() -> Http.field(server.url("/x"), "state"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start with '/'");
    }
}
