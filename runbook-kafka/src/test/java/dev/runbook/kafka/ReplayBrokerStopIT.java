package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.ActionContext;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * The broker (a separate JVM) is killed in the middle of a replay and started again: the replay fails
 * with a clear, retriable error, and a rerun leaves every record in the target exactly once.
 */
class ReplayBrokerStopIT {

    private static final int RECORDS = 30_000;

    @Test
    void brokerKilledMidReplay_thenRestarted_rerunLosesNothingAndDuplicatesNothing() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew()) {
            Map<String, Object> config = new HashMap<>();
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 6000);
            config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 6000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 9000);
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 20_000);
            try (Admin admin = Admin.create(config)) {
                admin.createTopics(
                                List.of(new NewTopic("orders", 3, (short) 1), new NewTopic("orders-dlq", 2, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                DeadLetters letters = new DeadLetters(broker.bootstrapServers());
                String value = "x".repeat(180);
                for (int i = 0; i < RECORDS; i++) {
                    letters.send(
                            "orders-dlq",
                            i % 2,
                            "k-" + i,
                            value,
                            DeadLetters.springHeaders(
                                    List.of(new SpringFailure("orders", i % 3, i, "g", "E", null)), 0));
                }
                letters.flush();
                java.util.Set<String> expected = letters.positions("orders-dlq");
                assertThat(expected.size()).as("dead letters written").isGreaterThan(RECORDS / 2);

                ReplayDlq replay = KafkaActions.of(admin, config).replayDlq("orders-dlq", ReplaySelection.all());
                ActionContext ctx = ActionContext.standalone();
                StepPlan plan = replay.plan(ctx);
                CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> replay.apply(plan, ctx));
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (sum(admin, "orders") == 0) {
                    assertThat(System.nanoTime())
                            .as("the replay started writing")
                            .isLessThan(deadline);
                    KafkaTestCluster.sleep(20);
                }
                broker.kill();
                Throwable failure = null;
                try {
                    // the broker stays down for 10 s (clients time out after 6 s), then comes back
                    run.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = e.getCause();
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // still waiting on the dead broker: it gets it back below
                }
                broker.start();
                if (failure == null) {
                    try {
                        run.get(120, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failure = e.getCause();
                    } catch (java.util.concurrent.TimeoutException e) {
                        throw new AssertionError(
                                "the cut-off replay neither failed nor finished 120 s after the"
                                        + " broker came back:\n" + threadDump(),
                                e);
                    }
                }
                if (failure != null) {
                    assertThat(failure)
                            .as("a replay cut off by the dead broker fails with a retriable error")
                            .isInstanceOf(TargetUnavailableException.class)
                            .hasMessageContaining("rerun");
                }

                int reruns = 0;
                for (int i = 0; i < 5; i++) {
                    StepPlan again = replay.plan(ctx);
                    if (again.isNoop()) {
                        break;
                    }
                    reruns++;
                    try {
                        replay.apply(again, ctx);
                    } catch (StalePlanException e) {
                        // the cut-off batch's commit completed after this plan: plan again
                    }
                }
                assertThat(reruns)
                        .as("reruns after %s", String.valueOf(failure))
                        .isBetween(failure == null ? 0 : 1, 4);
                Map<String, Integer> seen = new HashMap<>();
                letters.readCommitted("orders").forEach(r -> seen.merge(r.replayId(), 1, Integer::sum));
                assertThat(seen.keySet()).as("every dead letter replayed").isEqualTo(expected);
                assertThat(seen.values()).as("none twice").containsOnly(1);
            }
        }
    }

    private static String threadDump() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().contains("runbook") || t.getName().startsWith("ForkJoinPool")) {
                b.append(t.getName()).append('\n');
                for (StackTraceElement e : stack) {
                    b.append("    at ").append(e).append('\n');
                }
            }
        });
        return b.toString();
    }

    private static long sum(Admin admin, String topic) {
        try {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request =
                    new HashMap<>();
            for (int p = 0; p < 3; p++) {
                request.put(
                        new org.apache.kafka.common.TopicPartition(topic, p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset())
                    .sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
