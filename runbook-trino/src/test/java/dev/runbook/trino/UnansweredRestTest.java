package dev.runbook.trino;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.TargetUnavailableException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Trino coordinator whose port accepts connections and never answers (overloaded, or paused by a debugger
 * or a stop-the-world pause): a socket in the test that accepts and stays silent.
 */
class UnansweredRestTest {
    private ServerSocket server;
    private final List<Socket> accepted = new ArrayList<>();

    @BeforeEach
    void silentServer() throws Exception {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try {
                while (!server.isClosed()) {
                    accepted.add(server.accept());
                }
            } catch (Exception e) {
                // closed
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void close() throws Exception {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void aRestEndpointThatTimesOut_isAClearErrorWithinTheTimeout() {
        TrinoActions trino = TrinoActions.of(
                java.net.http.HttpClient.newHttpClient(),
                "http://127.0.0.1:" + server.getLocalPort(),
                "oncall",
                Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> trino.queuedQueries().read())
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("did not answer")
                .hasMessageContaining("raise the timeout");
        org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .isLessThan(Duration.ofSeconds(10));
    }
}
