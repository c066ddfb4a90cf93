package dev.runbook.kafka;

import dev.runbook.kafka.test.KafkaTestCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * Crash benchmark (not a test): kills a replaying child JVM at a random point, reruns, and counts lost and
 * duplicated records, {@code trials} times. Run {@code runbook-kafka/bench/crash-bench.sh [trials]
 * [records] [maxKillDelayMillis]}.
 */
public final class ReplayCrashBenchmark {

    private ReplayCrashBenchmark() {}

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace(); // the in-process broker's threads would keep a failed benchmark alive
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        long maxDelayMillis = args.length > 2 ? Long.parseLong(args[2]) : 2_000;
        CrashTrials crash = new CrashTrials(KafkaTestCluster.get(), 20261121L);
        List<CrashTrials.Trial> done = new ArrayList<>();
        for (int i = 1; i <= trials; i++) {
            CrashTrials.Trial t = crash.run(records, maxDelayMillis);
            done.add(t);
            System.out.printf(
                    "trial %2d: killed %5d ms after %s%s, %,d committed by then, reruns %d%s, lost %d, duplicated %d%s%n",
                    i,
                    t.killedAfterMillis(),
                    t.afterFirstCommit() ? "its first commit" : "apply began",
                    t.childFinished() ? " (child had finished)" : "",
                    t.committedByChild(),
                    t.reruns(),
                    t.oneLaneRerun() ? " (in one lane)" : "",
                    t.lost(),
                    t.duplicated(),
                    t.openTransactionLeft() ? ", a transaction left open" : "");
        }
        System.out.println(CrashTrials.describe(done));
    }
}
