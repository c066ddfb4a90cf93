package dev.runbook.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.RefusedException;
import dev.runbook.core.Secret;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayDecision;
import dev.runbook.core.replay.ReplaySink;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpReplayEndpointTest {
    private AdminServer server;

    @BeforeEach
    void start() throws IOException {
        server = new AdminServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static DlqRecord<String> event(String id) {
        return new DlqRecord<>(id, id, null, "no origin needed", 0, Instant.EPOCH, 10, "payload");
    }

    private static ReplayDecision attempt(int n) {
        return new ReplayDecision(ReplayDecision.Kind.REPLAY, "admin", n, null);
    }

    @Test
    void send_postsOnePerRecord_withTheReplayIdInThePathAndAsIdempotencyKey_andTheSecretHeader() {
        HttpReplayEndpoint admin = Http.replayEndpoint(server.url("/admin/events/{id}/replay"))
                .header("Authorization", Secret.of(AdminServer.TOKEN))
                .build();
        try (ReplaySink<String> sink = admin.sink()) {
            sink.send(event("evt-1"), attempt(1));
            sink.send(event("evt 2/ä"), attempt(2));
            sink.send(event("evt-1"), attempt(3));
        }
        assertThat(server.replayed)
                .as("the endpoint deduplicated the third by its key; the path decoded as one segment")
                .containsExactly("evt-1", "evt 2/ä");
        assertThat(server.requests)
                .extracting(AdminServer.Seen::idempotencyKey)
                .as("printable ASCII as it is, anything else percent-encoded as in the path")
                .containsExactly("evt-1", "evt%202%2F%C3%A4", "evt-1");
        assertThat(server.requests).extracting(AdminServer.Seen::authorization).containsOnly(AdminServer.TOKEN);
        assertThat(admin.toString()).doesNotContain("s3cret").contains("Authorization");
        assertThat(admin.name()).isEqualTo("POST " + server.url("/admin/events/{id}/replay"));
    }

    @Test
    void a5xx_isRetriable_and_a404_isARefusalNamingTheTemplate() {
        HttpReplayEndpoint failing =
                Http.replayEndpoint(server.url("/fail?id={id}")).build();
        assertThatThrownBy(() -> failing.post("evt-9", 1))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("503")
                .hasMessageContaining("Idempotency-Key evt-9")
                .satisfies(e ->
                        assertThat(((TargetUnavailableException) e).retriable()).isTrue());
        HttpReplayEndpoint wrongPath =
                Http.replayEndpoint(server.url("/admin/event/{id}/replay")).build();
        assertThatThrownBy(() -> wrongPath.post("evt-9", 1))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("answered 404")
                .hasMessageContaining("/admin/event/{id}/replay");
        assertThat(server.replayed).isEmpty();
    }

    @Test
    void aRefusedConnection_saysSo_andATemplateWithoutIdIsRefusedWhenBuilt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpReplayEndpoint down = Http.replayEndpoint("http://127.0.0.1:" + port + "/admin/events/{id}/replay")
                .timeout(Duration.ofSeconds(2))
                .build();
        assertThatThrownBy(() -> down.post("evt-1", 1))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("refused the connection");
        assertThatThrownBy(() -> Http.replayEndpoint(server.url("/admin/events/replay")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{id}");
        assertThatThrownBy(() -> Http.replayEndpoint("ftp://x/{id}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http.replayEndpoint(server.url("/e/{id}")).header("Idempotency-Key", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
