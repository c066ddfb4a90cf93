package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's JShell session works: {@code ./jshell-runbook} (with the class path this build wrote)
 * starts JShell with the DSL imported, and a session builds a runbook, prints its plan and applies it.
 */
class JShellIT {
    @TempDir
    Path dir;

    @Test
    void aJShellSessionBuildsPlansAndAppliesARunbook() throws IOException, InterruptedException {
        Path script = dir.resolve("session.jsh");
        Files.write(
                script,
                List.of(
                        "var svc = IntegrationService.start();",
                        "Runbook rb = IntegrationCircuitBreaker.runbook(svc);",
                        "var engine = RunbookEngine.builder().approvals(ApprovalGate.approveAll(\"jshell-it\","
                                + " \"test\")).build();",
                        "Plan plan = engine.plan(rb);",
                        "println(plan);",
                        "Report report = engine.apply(rb, plan);",
                        "System.out.println(report);",
                        "System.out.println(\"breaker now \" + svc.breaker() + \", wait condition \" + above(0.9));",
                        "svc.close();",
                        "/exit"),
                StandardCharsets.UTF_8);
        Path output = dir.resolve("jshell.out");
        ProcessBuilder pb = new ProcessBuilder(Path.of("..", "jshell-runbook").toString(), script.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("RUNBOOK_JSHELL_NO_BUILD", "1");

        Process p = pb.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(ended).as("jshell ended within 120 s; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
        assertThat(out)
                .doesNotContain("Error:")
                .contains("Plan plan-")
                .contains("03-half-open-the-breaker-for-inside")
                .contains("ready to apply")
                .contains("of INC-005: SUCCEEDED")
                .contains("breaker now CLOSED, wait condition > 0.9");
    }
}
