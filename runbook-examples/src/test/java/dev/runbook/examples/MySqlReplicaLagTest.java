package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.sql.Engine;
import dev.runbook.sql.ReplicaLag;
import dev.runbook.sql.ReplicationStatus;
import dev.runbook.sql.Session;
import dev.runbook.sql.SqlActions;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** INC-003's shape and plan against fakes (nothing connects); applied on MariaDB in {@link MySqlReplicaLagIT}. */
@RunbookTest
class MySqlReplicaLagTest {
    static SqlActions replica;
    static SqlActions primary;

    @BeforeAll
    static void actions() {
        replica = SqlActions.connect("jdbc:mariadb://127.0.0.1:1/", "admin", Secret.of("never-used"));
        primary = SqlActions.connect("jdbc:mariadb://127.0.0.1:2/", "admin", Secret.of("never-used"));
    }

    @AfterAll
    static void close() {
        replica.close();
        primary.close();
    }

    static final String WHY = "INC-003: order 1001 was typed into the replica by hand";

    static ReplicaLag lag(long seconds, long transactions) {
        return new ReplicaLag(
                "mariadb://replica",
                "127.0.0.1:41306",
                seconds,
                transactions * 3_000,
                transactions,
                "0-1-9",
                "0-1-6",
                "");
    }

    static ReplicationStatus status(String role, boolean readOnly, boolean applying, int errno) {
        return new ReplicationStatus(
                "mariadb://replica",
                Engine.MARIADB,
                role,
                readOnly,
                "127.0.0.1:41306",
                true,
                "Yes",
                applying,
                applying ? "Yes" : "No",
                "0-1-9",
                "0-1-6",
                "0-1-6",
                applying ? 0L : null,
                null,
                "slave_pos",
                errno,
                errno == 0 ? "" : "Duplicate entry '1001'",
                List.of());
    }

    static Session blocker() {
        return new Session(
                12,
                "2026-12-07T03:00:00Z",
                "admin",
                "app",
                "",
                "Query",
                "client",
                45,
                45,
                "SELECT id, SLEEP(600) FROM app.orders WHERE id = 1 FOR UPDATE",
                false);
    }

    @Test
    void followsTheSeed() {
        Runbook rb = MySqlReplicaLag.runbook(replica, primary, WHY);

        assertThat(rb.id()).isEqualTo("INC-003");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly(
                        "the-replica-is-more-than-30-s-behind",
                        "a-long-running-query-blocks-the-replica",
                        "tell-the-team",
                        "kill-the-blocking-query",
                        "the-sql-thread-moves-on",
                        "skip-the-one-event-that-stops-it",
                        "the-replica-caught-up",
                        "promote-the-replica",
                        "the-replica-is-the-primary",
                        "the-old-primary-is-fenced",
                        "repoint-the-clients-and-tell-the-team");
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.MANUAL,
                        StepKind.ACTION,
                        StepKind.WAIT,
                        StepKind.ACTION,
                        StepKind.WAIT,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.VERIFY,
                        StepKind.MANUAL);
        Step.Act skip = (Step.Act) rb.step("skip-the-one-event-that-stops-it");
        assertThat(skip.action().destructive()).isTrue();
        assertThat(skip.action().toString()).contains("whenReached").contains(WHY);
    }

    @Test
    void withFakes_killsSkipsAndPromotes_askingApprovalForEachDestructiveStep(
            RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(MySqlReplicaLag.runbook(replica, primary, WHY));
        fakes.probe("the-replica-is-more-than-30-s-behind").then(lag(45, 3), lag(46, 3), lag(0, 0));
        fakes.probe("a-long-running-query-blocks-the-replica").set(List.of(blocker()));
        fakes.probe("the-sql-thread-moves-on")
                .then(status("replica", true, false, 1062), status("primary", false, true, 0));
        fakes.probe("the-old-primary-is-fenced").set(status("primary", true, true, 0));

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady();
        assertThat(plan).hasStep("kill-the-blocking-query").requiresApproval();
        assertThat(plan).hasStep("promote-the-replica").requiresApproval();
        Report report = engine.apply(fakes.runbook(), plan);

        assertThat(report).succeeded();
        assertThat(report).step("skip-the-one-event-that-stops-it").hasOutcome(Outcome.CHANGED);
        assertThat(approvals.askedFor())
                .containsExactly(
                        "tell-the-team",
                        "kill-the-blocking-query",
                        "skip-the-one-event-that-stops-it",
                        "promote-the-replica",
                        "repoint-the-clients-and-tell-the-team");
        audit.assertPaired();
    }

    @Test
    void withFakes_aReplicaThatKeepsUpOrHasNoBlocker_isRefusedAtPlanTime(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(MySqlReplicaLag.runbook(replica, primary, WHY));
        fakes.probe("the-replica-is-more-than-30-s-behind").set(lag(3, 1));
        fakes.probe("a-long-running-query-blocks-the-replica").set(List.of());

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("precheck 'the replica is more than 30 s behind' does not hold")
                .hasRefusalContaining("precheck 'a long-running query blocks the replica' does not hold");
        assertThat(fakes.actions().values())
                .allSatisfy(a -> assertThat(a.applies()).isZero());
    }

    @Test
    void refusesASkipWithoutJustification_andBadDurations() {
        assertThatThrownBy(() -> MySqlReplicaLag.runbook(replica, primary, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give the justification the seed asks for");
        assertThatThrownBy(() -> MySqlReplicaLag.runbook(
                        replica, primary, WHY, Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("alertLag must be > 0");
        assertThatThrownBy(() -> MySqlReplicaLag.runbook(
                        replica, primary, WHY, Duration.ofSeconds(1), Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("blockerAge must be > 0");
    }
}
