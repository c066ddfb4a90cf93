package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Journal;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.audit.AuditLogVerifier;
import dev.runbook.core.audit.JsonLinesAuditSink;
import dev.runbook.test.TestApprovals;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INC-002 applied on a MongoDB wire-protocol server (mongo-java-server, the real driver over a socket)
 * and the admin endpoint stand-in, seeded like the incident by {@link PaymentDlqScenario}.
 */
class PaymentWebhookDlqIT {
    static PaymentDlqScenario scenario;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        scenario = PaymentDlqScenario.start();
    }

    @AfterAll
    static void stop() {
        scenario.close();
    }

    private RunbookEngine engine(JsonLinesAuditSink audit) {
        return RunbookEngine.builder()
                .actor("it")
                .incident("IT-INC-002")
                .approvals(TestApprovals.approvingAll())
                .audit(audit)
                .journal(Journal.files(dir.resolve("journal")))
                .build();
    }

    @Test
    void replaysEachPaymentOnce_marksThemReplayed_parksTheTriedOne_andLeavesOtherTypes() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Runbook rb = scenario.runbook();
        Map<String, Integer> before = scenario.statuses();
        Report report;
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            RunbookEngine engine = engine(audit);
            Plan plan = engine.plan(rb);
            assertThat(plan).isReady();
            assertThat(plan)
                    .hasStep("replay-the-dlq-to-the-admin-endpoint")
                    .withSummaryContaining("replay 39 events")
                    .withSummaryContaining("park 1");
            assertThat(scenario.statuses()).as("the plan wrote nothing").isEqualTo(before);
            assertThat(scenario.admin().received()).as("the plan sent nothing").isEmpty();

            report = engine.apply(rb, plan);

            assertThat(engine.plan(rb))
                    .as("run again: nothing left to replay")
                    .isNotReady()
                    .hasRefusalContaining("events wait in the DLQ' does not hold");
        }

        assertThat(report).succeeded();
        assertThat(report).step("replay-the-dlq-to-the-admin-endpoint").hasOutcome(Outcome.CHANGED);
        Set<String> expected = IntStream.range(1000, 1040)
                .filter(i -> i != 1021) // tried 3 times already: parked, not sent
                .mapToObj(i -> "evt-" + i)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(new TreeSet<>(scenario.admin().received())).isEqualTo(expected);
        assertThat(scenario.admin().received()).as("each sent once").hasSize(39);
        Map<String, Integer> after = scenario.statuses();
        assertThat(after)
                .containsEntry("inside.payment.succeeded/replayed", 39)
                .containsEntry("inside.payment.succeeded/parked", 1)
                .containsEntry("inside.payment.succeeded/processed", 200)
                .containsEntry("inside.payment.failed/dlq", 15)
                .doesNotContainKey("inside.payment.succeeded/dlq");
        Document parked =
                scenario.events().find(new Document("status", "parked")).first();
        assertThat(parked.getString("event_id")).isEqualTo("evt-1021");
        for (Document d : scenario.events().find(new Document("status", "replayed"))) {
            assertThat(d.get("replay", Document.class).getString("run")).startsWith(report.runId());
        }
        assertThat(scenario.fixed()).isTrue();
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();
    }

    @Test
    void aWrongAdminToken_failsTheReplay_andMarksNothingReplayed() throws Exception {
        var other = scenario.collection("event_log_wrong_token");
        PaymentDlqScenario.seed(other);
        int requestsBefore = scenario.admin().received().size();
        Runbook rb = PaymentWebhookDlq.runbook(
                scenario.mongo(),
                scenario.admin().endpoint(Secret.of("Bearer wrong")),
                "event_log_wrong_token",
                PaymentWebhookDlq.EVENT_TYPE,
                3,
                0);
        Report report;
        Path file = dir.resolve("audit-401.jsonl");
        try (JsonLinesAuditSink audit = JsonLinesAuditSink.open(file)) {
            RunbookEngine engine = engine(audit);
            report = engine.apply(rb, engine.plan(rb));
        }

        assertThat(report).failed();
        assertThat(report).step("replay-the-dlq-to-the-admin-endpoint").hasOutcome(Outcome.FAILED);
        var replay = report.step("replay-the-dlq-to-the-admin-endpoint");
        assertThat(replay.message() + " " + replay.error()).contains("401");
        assertThat(other.countDocuments(new Document("status", "replayed"))).isZero();
        assertThat(other.countDocuments(new Document("status", "replaying")))
                .as("no claim left behind")
                .isZero();
        assertThat(scenario.admin().received()).hasSize(requestsBefore);
        assertThat(AuditLogVerifier.verify(file)).isNotEmpty();
    }
}
