package dev.runbook.kafka;

import dev.runbook.core.ActionContext;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.replay.ReplaySelection;
import dev.runbook.kafka.DeadLetters.SpringFailure;
import dev.runbook.kafka.test.KafkaTestCluster;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Kills a replaying child JVM at a random point, reruns the replay in this JVM, and counts lost and
 * duplicated records in the target as a read_committed consumer sees them.
 */
final class CrashTrials {

    /**
     * One kill and rerun.
     *
     * @param afterFirstCommit whether the kill delay counted from the child's first commit (else from apply)
     * @param oneLaneRerun whether the rerun had a limit, and so one lane where the child had two: the rerun
     *     must fence the child's second lane too
     * @param committedByChild DLQ records the killed child had committed (whole transactions) before it died
     * @param openTransactionLeft whether a transaction was still open in the target after the rerun
     */
    record Trial(
            int records,
            boolean afterFirstCommit,
            boolean oneLaneRerun,
            long killedAfterMillis,
            boolean childFinished,
            long committedByChild,
            boolean openTransactionLeft,
            int lost,
            int duplicated,
            int reruns) {
        /** Killed mid-replay after at least one committed transaction. */
        boolean killedAfterACommit() {
            return !childFinished && committedByChild > 0 && committedByChild < records;
        }
    }

    private final KafkaTestCluster kafka;
    private final DeadLetters letters;
    private final Random random;
    private int trials;

    CrashTrials(KafkaTestCluster kafka, long seed) {
        this.kafka = kafka;
        this.letters = new DeadLetters(kafka);
        this.random = new Random(seed);
    }

    Trial run(int records, long maxDelayMillis) throws Exception {
        String target = kafka.createTopic(KafkaTestCluster.unique("crash-target"), 3);
        String dlq = kafka.createTopic(KafkaTestCluster.unique("crash-dlq"), 2);
        String value = "x".repeat(180);
        for (int i = 0; i < records; i++) {
            RecordHeaders h =
                    DeadLetters.springHeaders(List.of(new SpringFailure(target, i % 3, i, "g", "E", null)), 0);
            letters.send(dlq, i % 2, "k-" + i, value, h);
        }
        letters.flush();
        java.util.Set<String> expected = letters.positions(dlq);

        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReplayChild.class.getName(),
                        kafka.bootstrapServers(),
                        dlq,
                        String.valueOf(Math.max(500, records / 30))) // thirty transactions or so
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder early = new StringBuilder();
        while ((line = out.readLine()) != null && !line.startsWith("replaying")) {
            early.append(line).append('\n'); // wait until the child is about to apply
        }
        if (line == null) {
            throw new IllegalStateException("the replay child exited before applying (exit " + child.waitFor() + "):\n"
                    + early.substring(Math.max(0, early.length() - 4000)));
        }
        // every other trial waits for the child's first committed transaction before its random delay,
        // so that kills land both before any commit and between commits
        String group = ReplayDlq.defaultGroup(dlq, ReplaySelection.all());
        int trial = trials++;
        boolean afterFirstCommit = trial % 2 == 1;
        // trials 2 and 3 of every 4 rerun with a limit (the same group: limits are not part of its name)
        boolean oneLaneRerun = trial % 4 >= 2;
        while (afterFirstCommit && child.isAlive() && committed(group) == 0) {
            Thread.sleep(5);
        }
        long delay = (long) (random.nextDouble() * (afterFirstCommit ? maxDelayMillis / 5 : maxDelayMillis));
        boolean finished = child.waitFor(delay, TimeUnit.MILLISECONDS);
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        drain(out);

        Map<String, Object> config = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        ReplaySelection selection = oneLaneRerun
                ? ReplaySelection.builder().maxRecords(2L * records).build()
                : ReplaySelection.all();
        ReplayDlq rerun = new ReplayDlq(kafka.admin(), config, dlq, selection, null);
        if (!rerun.group().equals(group)) {
            throw new IllegalStateException("the rerun's group " + rerun.group() + " is not the child's " + group);
        }
        long committedByChild =
                kafka
                        .admin()
                        .listConsumerGroupOffsets(rerun.group())
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .values()
                        .stream()
                        .filter(java.util.Objects::nonNull)
                        .mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset)
                        .sum();
        int reruns = 0;
        ActionContext ctx = ActionContext.standalone();
        for (int i = 0; i < 5; i++) {
            StepPlan plan = rerun.plan(ctx);
            if (plan.isNoop()) {
                break;
            }
            reruns++;
            try {
                rerun.apply(plan, ctx);
            } catch (StalePlanException e) {
                // the killed run's last commit completed after our plan: plan again
            }
        }
        // no transaction of the killed child may stay open in the target (the broker would abort it only after
        // transaction.timeout.ms, and read_committed consumers would wait until then): the last stable offsets
        // reach the high watermarks once the commit markers are written
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean openTransactionLeft;
        while ((openTransactionLeft = !DeadLetters.endOffsets(kafka.bootstrapServers(), target, "read_committed")
                        .equals(DeadLetters.endOffsets(kafka.bootstrapServers(), target, "read_uncommitted")))
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (DeadLetters.Read r : letters.readCommitted(target)) {
            seen.merge(r.replayId(), 1, Integer::sum);
        }
        int lost = 0;
        for (String id : expected) {
            if (!seen.containsKey(id)) {
                lost++;
            }
        }
        int extra = 0;
        for (String id : seen.keySet()) {
            if (!expected.contains(id)) {
                extra++;
            }
        }
        int duplicated = extra + seen.values().stream().mapToInt(n -> n - 1).sum();
        return new Trial(
                records,
                afterFirstCommit,
                oneLaneRerun,
                delay,
                finished,
                committedByChild,
                openTransactionLeft,
                lost,
                duplicated,
                reruns);
    }

    /** DLQ records the replayer group has committed, summed over partitions (the DLQ starts at 0). */
    private long committed(String group) throws Exception {
        return kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .filter(java.util.Objects::nonNull)
                .mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset)
                .sum();
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard the rest of the child's output
            }
        } catch (java.io.IOException ignored) {
            // the child is gone
        }
    }

    static String describe(List<Trial> trials) {
        long lost = trials.stream().mapToLong(Trial::lost).sum();
        long dup = trials.stream().mapToLong(Trial::duplicated).sum();
        long killedMidway = trials.stream().filter(t -> !t.childFinished()).count();
        long afterCommit = trials.stream().filter(Trial::killedAfterACommit).count();
        long oneLane = trials.stream().filter(Trial::oneLaneRerun).count();
        return trials.size() + " trials (" + killedMidway + " killed mid-replay, " + afterCommit
                + " of them after a committed transaction; " + oneLane + " reruns in one lane after a two-lane"
                + " child): lost " + lost + ", duplicated " + dup + ", transactions left open "
                + trials.stream().filter(Trial::openTransactionLeft).count();
    }
}
