package dev.runbook.examples;

import static dev.runbook.core.Conditions.above;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.kafka.KafkaActions;
import dev.runbook.redis.RedisActions;
import dev.runbook.test.SilentServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;

/**
 * Seconds from {@code engine.plan(runbook)} to the refusal, for a three-step Kafka runbook and a
 * three-step Redis runbook whose target does not answer: once on a loopback port where nothing listens
 * (connection refused), once on a loopback listener that accepts connections and never answers (a hung
 * server). Run by {@code runbook-examples/bench/unreachable.sh}; not part of {@code mvn verify}.
 */
public final class UnreachableTargetsBench {
    private UnreachableTargetsBench() {}

    public static void main(String[] args) throws Exception {
        try (SilentServer blackHole = SilentServer.start()) { // accepts, never reads, never answers
            int refused = freePort();
            int hung = blackHole.port();
            RunbookEngine engine = RunbookEngine.builder()
                    .approvals(ApprovalGate.denyAll("bench"))
                    .build();
            System.out.println("target                                  steps  seconds to the refusal  first refusal");
            for (String kind : List.of("kafka", "redis")) {
                for (int port : new int[] {refused, hung}) {
                    String what = kind + (port == refused ? " (connection refused)" : " (accepts, never answers)");
                    Plan plan;
                    long t0;
                    long t1;
                    if (kind.equals("kafka")) {
                        try (KafkaActions kafka = KafkaActions.connect("127.0.0.1:" + port)) {
                            Runbook rb = kafkaRunbook(kafka);
                            t0 = System.nanoTime();
                            plan = engine.plan(rb);
                            t1 = System.nanoTime();
                        }
                    } else {
                        try (RedisActions redis = RedisActions.connect("redis://127.0.0.1:" + port)) {
                            Runbook rb = redisRunbook(redis);
                            t0 = System.nanoTime();
                            plan = engine.plan(rb);
                            t1 = System.nanoTime();
                        }
                    }
                    double s = (t1 - t0) / 1e9;
                    String first = plan.refusals().isEmpty()
                            ? "(none)"
                            : plan.refusals().get(0);
                    System.out.printf(
                            Locale.ROOT,
                            "%-40s %5d  %22.1f  %s%n",
                            what,
                            plan.steps().size(),
                            s,
                            first.length() > 160 ? first.substring(0, 160) + "..." : first);
                }
            }
        }
    }

    /** ORD-2's shape: a lag precheck, a reset, an export. */
    static Runbook kafkaRunbook(KafkaActions kafka) {
        return Runbook.builder("ORD-2", "Stuck consumer group")
                .precheck("the group lags", kafka.consumerLag("orders").map("orders lag", l -> l.total()), above(0))
                .step(
                        "rewind the group",
                        kafka.resetOffsets("orders").topic("orders").toEarliest())
                .step("export the offsets", kafka.exportOffsets(java.nio.file.Path.of("target/offsets.csv"), "orders"))
                .build();
    }

    /** ORD-1's shape: a memory precheck, a delete, a config change. */
    static Runbook redisRunbook(RedisActions redis) {
        return Runbook.builder("ORD-1", "Poisoned cache")
                .precheck("memory is high", redis.memory().map("ratio", m -> m.ratio()), above(0.5))
                .step("delete the orders cache", redis.scanDelete("orders:cache:*"))
                .step("evict under pressure", redis.setConfig("maxmemory-policy", "allkeys-lru"))
                .build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
