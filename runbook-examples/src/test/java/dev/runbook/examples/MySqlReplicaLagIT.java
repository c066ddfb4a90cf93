package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Journal;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.test.TestApprovals;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-003 applied on a real MariaDB primary and GTID replica (runbook-sql's starters), staged by {@link
 * ReplicaLagScenario}: a blocked SQL thread, a duplicate row behind it, and an application writing.
 */
class MySqlReplicaLagIT {
    static ReplicaLagScenario scenario;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        scenario = ReplicaLagScenario.start();
    }

    @AfterAll
    static void stop() {
        scenario.close();
    }

    @Test
    void killsTheBlocker_skipsTheDuplicate_promotes_andLosesNoAcknowledgedWrite() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Runbook rb = scenario.runbook();
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            RunbookEngine engine = RunbookEngine.builder()
                    .actor("it")
                    .incident("IT-INC-003")
                    .approvals(TestApprovals.approvingAll())
                    .audit(audit)
                    .journal(Journal.files(dir.resolve("journal")))
                    .build();
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady();
            assertThat(plan).hasStep("kill-the-blocking-query").withSummaryContaining("SLEEP(600)");
            assertThat(plan)
                    .hasStep("skip-the-one-event-that-stops-it")
                    .withSummaryContaining("planned when the run reaches it");
            assertThat(plan).hasStep("promote-the-replica").withSummaryContaining("planned promotion");
            assertThat(scenario.pair()
                            .replica()
                            .scalar("SELECT COUNT(*) FROM information_schema.processlist"
                                    + " WHERE info LIKE 'SELECT id, SLEEP(600)%'"))
                    .as("the plan killed nothing")
                    .isEqualTo("1");
            assertThat(scenario.pair().replica().scalar("SELECT @@read_only")).isEqualTo("1");

            report = engine.apply(rb, plan);
        }

        assertThat(report).succeeded();
        assertThat(report).step("kill-the-blocking-query").hasOutcome(Outcome.CHANGED);
        assertThat(report)
                .step("skip-the-one-event-that-stops-it")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed();
        assertThat(report.step("skip-the-one-event-that-stops-it").message()).contains("error 1062");
        assertThat(report)
                .step("promote-the-replica")
                .hasOutcome(Outcome.CHANGED)
                .verificationPassed();
        var newPrimary = scenario.pair().replica();
        var oldPrimary = scenario.pair().primary();
        assertThat(newPrimary.scalar("SELECT @@read_only")).isEqualTo("0");
        assertThat(newPrimary.query("SHOW REPLICA STATUS")).isEmpty();
        assertThat(oldPrimary.scalar("SELECT @@read_only")).isEqualTo("1");
        assertThat(newPrimary.scalar("SELECT qty FROM app.orders WHERE id = 1001"))
                .as("the replica's own row stayed; the primary's insert was the skipped event")
                .isEqualTo("7");
        assertThat(newPrimary.scalar("SELECT COUNT(*) FROM app.orders WHERE id BETWEEN 2 AND 300 AND qty = 99"))
                .as("everything after the skipped event was applied")
                .isEqualTo("299");
        assertThat(scenario.acked()).isNotEmpty();
        assertThat(scenario.lostWrites())
                .as("writes the old primary acknowledged, missing on the new one")
                .isEmpty();
        assertThat(scenario.fixed()).isTrue();
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();
        assertThat(Files.readString(file)).contains(ReplicaLagScenario.JUSTIFICATION);
    }
}
