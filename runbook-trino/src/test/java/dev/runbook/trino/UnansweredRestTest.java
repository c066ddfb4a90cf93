package dev.runbook.trino;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.TargetUnavailableException;
import dev.runbook.test.SilentServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Trino coordinator whose port accepts connections and never answers (overloaded, or paused by a debugger
 * or a stop-the-world pause): runbook-test's {@link SilentServer}.
 */
class UnansweredRestTest {
    private final SilentServer server = SilentServer.start();

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void aRestEndpointThatTimesOut_isAClearErrorWithinTheTimeout() {
        TrinoActions trino = TrinoActions.of(
                java.net.http.HttpClient.newHttpClient(),
                "http://127.0.0.1:" + server.port(),
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
