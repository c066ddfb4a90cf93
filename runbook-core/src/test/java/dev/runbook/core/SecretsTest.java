package dev.runbook.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.core.audit.Slf4jAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SecretsTest {
    private static final String PASSWORD = "hunter2-s3cr3t-value";
    private final Fixtures f = new Fixtures();
    private final Secret secret = Secret.of(PASSWORD);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger runbookLogger = (Logger) LoggerFactory.getLogger("dev.runbook");
    private Level previousLevel;

    @TempDir
    Path dir;

    record Credentials(String user, Secret password) {}

    @BeforeEach
    void captureLogs() {
        previousLevel = runbookLogger.getLevel();
        runbookLogger.setLevel(Level.TRACE);
        logs.start();
        runbookLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        runbookLogger.detachAppender(logs);
        runbookLogger.setLevel(previousLevel);
    }

    /** An action whose target, plan, details, result and verification all carry the secret. */
    private Action login() {
        return new Action() {
            @Override
            public String type() {
                return "test.login";
            }

            @Override
            public Object parameters() {
                return new Credentials("ops", secret);
            }

            @Override
            public String target() {
                return "redis://ops:" + secret + "@127.0.0.1:6379";
            }

            @Override
            public StepPlan plan(ActionContext ctx) {
                return StepPlan.builder(this)
                        .summary("log in as ops with " + secret)
                        .before(new Credentials("ops", secret))
                        .after(Map.of("password", secret))
                        .details(Map.of("auth", secret))
                        .warning("uses " + secret)
                        .build();
            }

            @Override
            public ApplyResult apply(StepPlan plan, ActionContext ctx) {
                assertThat(secret.reveal()).isEqualTo(PASSWORD);
                return ApplyResult.changed("logged in with " + secret)
                        .details(new Credentials("ops", secret))
                        .build();
            }

            @Override
            public Verification verify(StepPlan plan, ApplyResult result, ActionContext ctx) {
                return Verification.passed("still logged in", new Credentials("ops", secret));
            }
        };
    }

    @Test
    void theSecretAppearsNowhere() throws Exception {
        Path auditFile = dir.resolve("audit.jsonl");
        List<String> seen = new ArrayList<>();
        try (JsonLinesAuditSink file = JsonLinesAuditSink.open(auditFile)) {
            RunbookEngine engine =
                    f.engine().audit(new Slf4jAuditSink()).audit(file).build();
            Runbook rb =
                    Runbook.builder("INC-12", "secrets").step("log in", login()).build();
            Plan plan = engine.plan(rb);
            Report report = engine.apply(rb, plan);
            assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);

            seen.add(secret.toString());
            seen.add(Json.write(secret));
            seen.add(rb.toString());
            seen.add(plan.toString());
            seen.add(plan.toJson());
            seen.add(plan.step("log-in").action().toString());
            seen.add(report.toString());
            seen.add(report.toJson());
            seen.add(report.step("log-in").toString());
            f.audit.events().forEach(e -> seen.add(e.toJson() + e));
        }
        seen.add(Files.readString(auditFile));
        assertThat(logs.list).as("the SLF4J sink logged the run").hasSizeGreaterThanOrEqualTo(4);
        assertThat(logs.list.get(0).getKeyValuePairs())
                .as("structured fields with the run id as correlation id")
                .anySatisfy(kv -> assertThat(kv.key).isEqualTo("correlationId"))
                .anySatisfy(kv -> assertThat(kv.key).isEqualTo("incident"));
        for (ILoggingEvent e : logs.list) {
            seen.add(e.getFormattedMessage() + " " + e.getKeyValuePairs());
        }

        assertThat(seen).allSatisfy(text -> assertThat(text).doesNotContain(PASSWORD));
        assertThat(String.join("\n", seen)).contains("****");
        assertThat(f.audit.events(AuditEvent.Type.STEP_STARTED).get(0).data().toString())
                .contains("redis://ops:Secret[****]@127.0.0.1:6379");
    }

    @Test
    void aStalePlanMessageMasksTheSecretToo() {
        StepPlan sp = login().plan(ActionContext.standalone());
        try {
            sp.requireUnchanged(new Credentials("other", secret));
        } catch (StalePlanException e) {
            assertThat(e.getMessage()).doesNotContain(PASSWORD).contains("****");
            return;
        }
        throw new AssertionError("a changed user must make the plan stale");
    }
}
