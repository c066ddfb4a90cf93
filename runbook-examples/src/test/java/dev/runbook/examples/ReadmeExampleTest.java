package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Report;
import dev.runbook.core.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's example is this module's {@link ReadmeExample}, and it works. */
class ReadmeExampleTest {

    @Test
    void theReadmeShowsExactlyTheCompiledExample() throws IOException {
        List<String> source = between(
                Files.readAllLines(
                        Path.of("src/main/java/dev/runbook/examples/ReadmeExample.java"), StandardCharsets.UTF_8),
                "// README:start",
                "// README:end");
        List<String> readme = between(
                Files.readAllLines(Path.of("../README.md"), StandardCharsets.UTF_8),
                "<!-- example:start -->",
                "<!-- example:end -->");

        assertThat(source).hasSizeGreaterThan(10);
        assertThat(readme.subList(1, readme.size() - 1))
                .as("README.md's example (between <!-- example:start --> and <!-- example:end -->) must be the"
                        + " lines between the README markers in ReadmeExample.java")
                .containsExactlyElementsOf(dedent(source));
    }

    @Test
    void theReadmeShowsExactlyTheTestingExample() throws IOException {
        List<String> source = between(
                Files.readAllLines(
                        Path.of("src/test/java/dev/runbook/examples/RedisOomRunbookTest.java"), StandardCharsets.UTF_8),
                "// README:start",
                "// README:end");
        List<String> readme = between(
                Files.readAllLines(Path.of("../README.md"), StandardCharsets.UTF_8),
                "<!-- testing:start -->",
                "<!-- testing:end -->");

        assertThat(readme.subList(1, readme.size() - 1))
                .as("README.md's testing example must be the lines between the markers in RedisOomRunbookTest.java")
                .containsExactlyElementsOf(dedent(source));
    }

    @Test
    void theExampleHalfOpensTheBreakerAndTheServiceRecovers() {
        try (IntegrationService svc = IntegrationService.start(Duration.ofMillis(100))) {
            Report report = ReadmeExample.run(
                    svc.baseUrl(), svc.adminToken(), ApprovalGate.approveAll("readme-test", "README example"));

            assertThat(report.status()).as("%s", report).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(svc.breaker()).isEqualTo("CLOSED");
            assertThat(svc.halfOpenCalls()).isEqualTo(1);
        }
    }

    private static List<String> between(List<String> lines, String start, String end) {
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(start)) {
                from = i + 1;
            } else if (lines.get(i).trim().equals(end)) {
                to = i;
            }
        }
        assertThat(from).as("marker %s", start).isPositive();
        assertThat(to).as("marker %s after %s", end, start).isGreaterThanOrEqualTo(from);
        return lines.subList(from, to);
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
