package dev.runbook.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElasticsearchServerIT {
    @TempDir
    Path empty;

    @Test
    void aMissingDistributionFailsSayingHowToGetIt() {
        assertThatThrownBy(() -> ElasticsearchServer.builder().home(empty).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Elasticsearch distribution at " + empty)
                .hasMessageContaining("org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.19.21:zip")
                .hasMessageContaining("-Drunbook.elasticsearch.home");
    }

    @Test
    void aNodeThatCannotStartFailsWithTheTailOfItsLog_andLeavesNothingBehind() throws Exception {
        long before;
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            before = s.filter(p -> p.getFileName().toString().startsWith("runbook-es-"))
                    .count();
        }
        assertThatThrownBy(() -> ElasticsearchServer.builder()
                        .setting("no.such.setting", "x")
                        .startTimeout(Duration.ofMinutes(3))
                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Elasticsearch exited with status")
                .hasMessageContaining("unknown setting [no.such.setting]");
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("runbook-es-"))
                            .count())
                    .isEqualTo(before);
        }
    }

    @Test
    void theSharedNodeRunsAsANonRootUserWhenTheBuildRunsAsRoot() throws Exception {
        ElasticsearchServer server = TestCluster.server();
        assertThat(server.isRunning()).isTrue();
        if (ServerProcesses.isRoot()) {
            Process ps = new ProcessBuilder("ps", "-o", "user=", "-u", "runbook-es").start();
            String users = new String(ps.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(users).contains("runbook-es");
        }
        assertThat(server.settings()).containsEntry("discovery.type", "single-node");
    }
}
