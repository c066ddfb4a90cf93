package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Outcome;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.kafka.ConnectorStatus;
import dev.runbook.kafka.KafkaConnect;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** INC-008 planned against fakes: the seed's shape, and a connector that runs is left alone. */
@RunbookTest
class DebeziumConnectorCrashedTest {
    static final String RESTART = "restart-connector";
    final KafkaConnect connect = KafkaConnect.connect("http://127.0.0.1:1"); // never called: every step is faked

    static ConnectorStatus status(String connector, String... tasks) {
        List<ConnectorStatus.Task> t = new java.util.ArrayList<>();
        for (int i = 0; i < tasks.length; i++) {
            t.add(new ConnectorStatus.Task(i, tasks[i], "connect-0:8083", null));
        }
        return new ConnectorStatus("smp-mysql-connector", connector, "connect-0:8083", t);
    }

    RunbookFakes fakes(ConnectorStatus... statuses) {
        RunbookFakes fakes = RunbookFakes.of(DebeziumConnectorCrashed.runbook(connect));
        fakes.probe("connector-failed").then((Object[]) statuses);
        fakes.action(RESTART).blastRadius("tasks", 1);
        return fakes;
    }

    @Test
    void followsTheSeed_statusRestartRunningCommunicate() {
        Runbook rb = DebeziumConnectorCrashed.runbook(connect);

        assertThat(rb.id()).isEqualTo("INC-008");
        assertThat(rb.links()).anyMatch(l -> l.contains("seeds/000 INC-008"));
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(StepKind.PRECHECK, StepKind.ACTION, StepKind.WAIT, StepKind.VERIFY, StepKind.MANUAL);
        Step.Act restart = (Step.Act) rb.step(RESTART);
        assertThat(restart.action().type()).isEqualTo("kafka.restartConnector");
        assertThat(restart.action().parameters().toString())
                .contains("includeTasks=true")
                .contains("onlyFailed=true");
    }

    @Test
    void aFailedTaskIsRestartedAndComesBackRunning(RunbookEngine engine) {
        // the precheck, wait and verification read the same status probe: one fake, read in that order
        RunbookFakes fakes = fakes(
                status("RUNNING", "FAILED"), // plan: precheck
                status("RUNNING", "FAILED"), // apply: precheck again
                status("RUNNING", "RESTARTING"), // wait
                status("RUNNING", "RUNNING"),
                status("RUNNING", "RUNNING")); // verify

        var report = engine.apply(fakes.runbook(), engine.plan(fakes.runbook()));

        assertThat(report)
                .succeeded()
                .step(RESTART)
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("connector-and-tasks-running")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(fakes.action(RESTART).applies()).isEqualTo(1);
    }

    @Test
    void aRunningConnectorIsRefused_nothingToRestart(RunbookEngine engine) {
        RunbookFakes fakes = fakes(status("RUNNING", "RUNNING"));

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasStep("connector-failed")
                .isRefusedWith("does not hold");
        assertThat(fakes.action(RESTART).applies()).isZero();
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> DebeziumConnectorCrashed.runbook(connect, " ", Duration.ofMinutes(1)))
                .hasMessageContaining("name the connector");
        assertThatThrownBy(() -> DebeziumConnectorCrashed.runbook(connect, "c", Duration.ZERO))
                .hasMessageContaining("must be > 0");
    }
}
