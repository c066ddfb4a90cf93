package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.core.http.Http;
import dev.runbook.core.http.HttpReplayEndpoint;
import dev.runbook.mongo.MongoActions;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** INC-002's shape and plan against fakes (nothing connects); applied for real in {@link PaymentWebhookDlqIT}. */
@RunbookTest
class PaymentWebhookDlqTest {
    static MongoClient client;
    static MongoActions mongo;
    static final HttpReplayEndpoint ADMIN =
            Http.replayEndpoint("http://127.0.0.1:1/admin/events/{id}/replay").build();

    @BeforeAll
    static void connect() {
        client = MongoClients.create("mongodb://127.0.0.1:1"); // lazy: never connects here
        mongo = MongoActions.of(client, "smp");
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void followsTheSeed() {
        Runbook rb = PaymentWebhookDlq.runbook(mongo, ADMIN);

        assertThat(rb.id()).isEqualTo("INC-002");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "payments-wait-in-the-dlq",
                        "tell-the-team",
                        "replay-the-dlq-to-the-admin-endpoint",
                        "the-payment-dlq-is-drained",
                        "no-event-is-left-claimed",
                        "reconcile-the-parked-events-and-resolve");
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        Step.Act replay = (Step.Act) rb.step("replay-the-dlq-to-the-admin-endpoint");
        assertThat(replay.action().destructive())
                .as("a replay only re-sends; approval comes from the guards in prod")
                .isFalse();
        assertThat(replay.action().parameters().toString()).contains("inside.payment.succeeded");
    }

    @Test
    void withFakes_replaysOnce_andVerifiesDrained(
            RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(PaymentWebhookDlq.runbook(mongo, ADMIN));
        fakes.probe("payments-wait-in-the-dlq").then(40L, 40L, 0L);
        fakes.probe("no-event-is-left-claimed").set(0L);
        fakes.action("replay-the-dlq-to-the-admin-endpoint").blastRadius("messages", 39);

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan)
                .isReady()
                .hasStep("replay-the-dlq-to-the-admin-endpoint")
                .withBlastRadius("messages", 39);
        assertThat(engine.apply(fakes.runbook(), plan)).succeeded();

        assertThat(fakes.action("replay-the-dlq-to-the-admin-endpoint").applies())
                .isEqualTo(1);
        assertThat(approvals.askedFor()).containsExactly("tell-the-team", "reconcile-the-parked-events-and-resolve");
        audit.assertPaired();
    }

    @Test
    void withFakes_anEmptyDlq_isRefusedAtPlanTime(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(PaymentWebhookDlq.runbook(mongo, ADMIN));
        fakes.probe("payments-wait-in-the-dlq").set(0L);

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("inside.payment.succeeded events wait in the DLQ' does not hold");
        assertThat(fakes.action("replay-the-dlq-to-the-admin-endpoint").applies())
                .isZero();
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> PaymentWebhookDlq.runbook(mongo, ADMIN, "event_log", " ", 3, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventType is missing");
        assertThatThrownBy(() -> PaymentWebhookDlq.runbook(mongo, ADMIN, "", "x", 3, 50))
                .hasMessageContaining("collection is missing");
        assertThatThrownBy(() -> PaymentWebhookDlq.runbook(mongo, ADMIN, "event_log", "x", 0, 50))
                .hasMessageContaining("maxAttempts must be >= 1");
        assertThatThrownBy(() -> PaymentWebhookDlq.runbook(mongo, ADMIN, "event_log", "x", 3, -1))
                .hasMessageContaining("maxRate must be >= 0");
    }
}
