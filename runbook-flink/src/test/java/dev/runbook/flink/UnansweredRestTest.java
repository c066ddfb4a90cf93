package dev.runbook.flink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.TargetUnavailableException;
import dev.runbook.test.SilentServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A JobManager whose REST port accepts connections and never answers (overloaded, or paused by a debugger
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
        FlinkActions flink = FlinkActions.connect("http://127.0.0.1:" + server.port(), Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> flink.jobStatus("0".repeat(32)).read())
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("did not answer")
                .hasMessageContaining("FlinkActions.connect(url, timeout)");
        org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .isLessThan(Duration.ofSeconds(10));
    }
}
