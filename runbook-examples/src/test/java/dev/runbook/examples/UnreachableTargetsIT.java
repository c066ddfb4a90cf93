package dev.runbook.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.core.Plan;
import dev.runbook.core.RunbookEngine;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.redis.RedisActions;
import dev.runbook.test.SilentServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * Planning against a Kafka or Redis that does not answer refuses once, within the engine's connect
 * timeout, and every later step on the same server says so without waiting again (the figures are in
 * {@code bench/unreachable.sh}; the bound here is loose on purpose, it only catches one wait per step).
 */
class UnreachableTargetsIT {

    @Test
    void aKafkaWhereNothingListensIsCheckedOnce() throws IOException {
        RunbookEngine engine = RunbookEngine.builder().build();
        try (KafkaActions kafka = KafkaActions.connect("127.0.0.1:" + freePort())) {
            long t0 = System.nanoTime();
            Plan plan = engine.plan(UnreachableTargetsBench.kafkaRunbook(kafka));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).as("one 5 s check, not 30 s per step").isLessThan(20);
            assertThat(plan.refusals()).hasSize(3);
            assertThat(plan.refusals().get(0)).contains("did not answer while checking that the cluster answers");
            assertThat(plan.refusals().subList(1, 3)).allSatisfy(r -> assertThat(r)
                    .contains("found when planning step the-group-lags; not checked again"));
        }
    }

    @Test
    void aRedisThatAcceptsAndNeverAnswersIsCheckedOnce() throws IOException {
        try (SilentServer hung = SilentServer.start()) {
            RunbookEngine engine = RunbookEngine.builder().build();
            RedisActions redis = RedisActions.connect(hung.url("redis"));
            long t0 = System.nanoTime();
            Plan plan = engine.plan(UnreachableTargetsBench.redisRunbook(redis));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).as("one 5 s check, not 10 s per step").isLessThan(15);
            assertThat(plan.refusals()).hasSize(3);
            assertThat(plan.refusals().get(0)).contains("did not answer within 5s");
            assertThat(plan.refusals().subList(1, 3))
                    .allSatisfy(r -> assertThat(r).contains("not checked again"));
            redis.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
