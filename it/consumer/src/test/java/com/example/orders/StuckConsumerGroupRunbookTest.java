package com.example.orders;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.RunbookEngine;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.test.MutableClock;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ORD-2 as production builds it, with production's guards, against fakes of the shipped actions. */
@RunbookTest(engine = OrdersEngine.class)
class StuckConsumerGroupRunbookTest {
    // 127.0.0.1:1: nothing listens there; the fakes plan and apply every step
    private final KafkaActions kafka = KafkaActions.connect("127.0.0.1:1");
    private final RunbookFakes fakes =
            RunbookFakes.of(OrdersRunbooks.stuckConsumerGroup(kafka, 3, Path.of("target/orders-projector.csv")));

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void skipsThePoisonMessageAndWaitsOnTheTestClock(RunbookEngine engine, MutableClock clock) {
        fakes.probe("the-consumers-are-stopped").set("Empty");
        fakes.probe("the-projector-catches-up").then(40_000L, 9_000L, 50L);
        fakes.action("save-the-offsets").blastRadius("groups", 1).blastRadius("rows", 12);
        fakes.action("skip-poison").blastRadius("partitions", 1).blastRadius("messagesSkipped", 1);

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).isReady().hasStep("skip-poison").withBlastRadius("partitions", 1).requiresApproval();
        Instant before = clock.instant();
        assertThat(engine.apply(fakes.runbook(), plan))
                .succeeded()
                .step("skip-poison")
                .hasOutcome(Outcome.CHANGED);
        assertThat(Duration.between(before, clock.instant())).as("the wait ran on the test clock").isPositive();
    }

    @Test
    void runningConsumersRefuseThePlan(RunbookEngine engine) {
        fakes.probe("the-consumers-are-stopped").set("Stable");
        fakes.action("skip-poison").blastRadius("partitions", 1);

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("the consumers are stopped")
                .hasRefusalContaining("Stable");
    }

    @Test
    void moreThanTheTeamsPartitionBudgetIsRefused(RunbookEngine engine) {
        fakes.probe("the-consumers-are-stopped").set("Empty");
        fakes.action("skip-poison").blastRadius("partitions", 64);

        assertThat(engine.plan(fakes.runbook())).isNotReady().hasRefusalContaining("the budget 'partitions' is 12");
    }
}
