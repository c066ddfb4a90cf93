package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.redis.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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
 * starts JShell with the DSL imported, and a session builds a runbook, prints its plan and applies it, then
 * connects to a real redis-server this test starts with {@code RedisActions.connect} and deletes keys by
 * pattern (the server is read back afterwards: the stock keys are gone, the session and lock kept).
 */
class JShellIT {
    @TempDir
    Path dir;

    @Test
    void aJShellSessionBuildsPlansAndAppliesARunbook() throws IOException, InterruptedException {
        RedisClient lettuce = RedisClient.create();
        try (RedisServer redis = RedisServer.start();
                StatefulRedisConnection<String, String> connection = lettuce.connect(RedisURI.create(redis.uri()))) {
            RedisCommands<String, String> client = connection.sync();
            for (int i = 0; i < 25; i++) {
                client.set("cache:wms:stock:" + i, "{\"qty\":" + i + "}");
            }
            client.set("session:abc", "u1");
            client.set("lock:order:1", "w1");

            String out = runJShell(redis.uri());

            assertThat(out)
                    .doesNotContain("Error:")
                    .contains("Plan plan-")
                    .contains("half-open-the-breaker-for-inside")
                    .contains("ready to apply")
                    .contains("of INC-005: SUCCEEDED")
                    .contains("breaker now CLOSED, wait condition > 0.9")
                    .contains("dry run: UNLINK 25 keys matching 'cache:wms:stock:*'")
                    .contains("applied: unlinked 25 keys matching 'cache:wms:stock:*'")
                    .contains("memory: used ");
            assertThat(client.dbsize()).isEqualTo(2);
            assertThat(client.get("session:abc")).isEqualTo("u1");
            assertThat(client.get("lock:order:1")).isEqualTo("w1");
        } finally {
            lettuce.shutdown();
        }
    }

    private String runJShell(String redisUri) throws IOException, InterruptedException {
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
                        "var redis = RedisActions.connect(\"" + redisUri + "\");",
                        "var ctx = ActionContext.builder().guards(Guards.defaults()).build();",
                        "var flush = redis.scanDelete(\"cache:wms:stock:*\");",
                        "var dry = flush.plan(ctx);",
                        "System.out.println(\"dry run: \" + dry.summary());",
                        "System.out.println(\"applied: \" + flush.apply(dry, ctx).summary());",
                        "System.out.println(\"memory: \" + redis.memory().read());",
                        "redis.close();",
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
        return out;
    }
}
