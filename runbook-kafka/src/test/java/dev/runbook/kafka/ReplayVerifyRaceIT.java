package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Outcome;
import dev.runbook.core.StepPlan;
import dev.runbook.core.Verification;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's false FAILED: right after a two-lane replay commits, a fetch of all of the replayer group's
 * offsets can leave out a partition whose only offset is still pending in the just-committed transaction
 * (the group coordinator lists only partitions with a committed offset). Verify, plan and the stale check
 * read exactly the partitions they cover, stable, so 30 replays in a row all verify PASSED, and a plan made
 * right after each says there is nothing left.
 */
class ReplayVerifyRaceIT {
    private static final String TIMEOUT = "java.net.SocketTimeoutException";
    private static final String LISTENER = "org.springframework.kafka.listener.ListenerExecutionFailedException";
    private static final int ROUNDS = 30;

    private final KafkaTestCluster kafka = KafkaTestCluster.get();
    private final DeadLetters letters = new DeadLetters(kafka);

    @Test
    void thirtyTwoLaneReplaysOfAThreePartitionDlq_allVerifyPassed() {
        String orders = kafka.createTopic(KafkaTestCluster.unique("orders.events"), 3);
        String dlq = kafka.createTopic(KafkaTestCluster.unique("orders.events.DLT"), 3);
        for (int i = 0; i < 600; i++) {
            SpringFailure f = new SpringFailure(orders, i % 3, i, "order-processor", LISTENER, TIMEOUT);
            letters.send(dlq, i % 3, "order-" + i, "{\"order\":" + i + "}", DeadLetters.springHeaders(List.of(f), 0));
        }
        letters.flush();
        KafkaActions actions = KafkaActions.of(
                kafka.admin(), Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        ActionContext ctx = ActionContext.standalone();
        for (int round = 1; round <= ROUNDS; round++) {
            String target = kafka.createTopic(KafkaTestCluster.unique("orders.replayed"), 3);
            ReplayDlq replay = actions.replayDlq(
                            dlq, ReplaySelection.builder().target(target).build())
                    .withGroup(KafkaTestCluster.unique("runbook-replay.round-" + round));
            StepPlan plan = replay.plan(ctx);
            ApplyResult done = replay.apply(plan, ctx);
            Verification v = replay.verify(plan, done, ctx);

            assertThat(done.outcome()).as("round %d: %s", round, done.summary()).isEqualTo(Outcome.CHANGED);
            assertThat(v.ok()).as("round %d verify: %s", round, v.message()).isTrue();
            assertThat(replay.plan(ctx).isNoop())
                    .as("round %d: a plan right after the replay has nothing left", round)
                    .isTrue();
            assertThat(letters.readCommitted(target))
                    .as("round %d: every record once", round)
                    .hasSize(600);
        }
    }
}
