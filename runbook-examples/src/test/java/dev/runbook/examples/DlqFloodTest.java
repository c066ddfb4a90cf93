package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Outcome;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Step;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The seed 002 DLQ flood planned against fakes: a person confirms the cause before the replay. */
@RunbookTest
class DlqFloodTest {
    static final KafkaActions kafka = KafkaActions.connect("127.0.0.1:1"); // never connects: every step is faked

    @AfterAll
    static void close() {
        kafka.close();
    }

    RunbookFakes fakes(long... toReplay) {
        RunbookFakes fakes = RunbookFakes.of(DlqFlood.runbook(kafka));
        Long[] values = java.util.Arrays.stream(toReplay).boxed().toArray(Long[]::new);
        fakes.probe("dlq-flooded").then((Object[]) values);
        fakes.action("replay-dlq").blastRadius("messages", toReplay[0]);
        return fakes;
    }

    @Test
    void followsTheSeed_sizeCauseReplayDrainedCommunicate() {
        Runbook rb = DlqFlood.runbook(kafka);

        assertThat(rb.id()).isEqualTo("DLQ-FLOOD");
        assertThat(rb.steps())
                .extracting(Step::id)
                .containsExactly("dlq-flooded", "cause-fixed", "replay-dlq", "dlq-drained", "tell-the-team");
        Step.Act replay = (Step.Act) rb.step("replay-dlq");
        assertThat(replay.action().type()).isEqualTo("kafka.replayDlq");
        assertThat(replay.action().parameters().toString()).contains("orders").contains("orders-dlq-parking");
    }

    @Test
    void replaysAfterTheCauseIsConfirmed(RunbookEngine engine, TestApprovals approvals) {
        RunbookFakes fakes = fakes(1_200, 1_200, 0); // plan, apply precheck, verification

        var report = engine.apply(fakes.runbook(), engine.plan(fakes.runbook()));

        assertThat(report).succeeded().step("replay-dlq").hasOutcome(Outcome.CHANGED);
        assertThat(approvals.askedFor()).containsSubsequence("cause-fixed", "tell-the-team");
    }

    @Test
    void aDlqUnderTheAlertIsRefused(RunbookEngine engine) {
        RunbookFakes fakes = fakes(40);

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasStep("dlq-flooded")
                .isRefusedWith("does not hold");
        assertThat(fakes.action("replay-dlq").applies()).isZero();
    }

    @Test
    void aCauseNotConfirmedReplaysNothing(RunbookEngine engine, TestApprovals approvals) {
        RunbookFakes fakes = fakes(1_200);
        approvals.deny("cause-fixed");

        assertThat(engine.apply(fakes.runbook(), engine.plan(fakes.runbook()))).failed();
        assertThat(fakes.action("replay-dlq").applies()).isZero();
    }

    @Test
    void refusesBadParameters() {
        assertThatThrownBy(() -> DlqFlood.runbook(kafka, "d", "o", -1, "p")).hasMessageContaining("alertSize");
    }
}
