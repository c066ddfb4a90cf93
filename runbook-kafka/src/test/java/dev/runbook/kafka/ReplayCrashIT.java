package dev.runbook.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbook.kafka.test.KafkaTestCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replaying process killed at random points, then a rerun: nothing lost, nothing duplicated. */
class ReplayCrashIT {

    @Test
    void killedReplay_thenRerun_leavesEveryRecordInTheTargetExactlyOnce() throws Exception {
        CrashTrials trials = new CrashTrials(KafkaTestCluster.get(), System.nanoTime());
        List<CrashTrials.Trial> done = new ArrayList<>();
        // four trials: kills from the start of apply and after the first commit, reruns in two lanes, then in one
        // (the child, in two lanes, replays 30,000 records in about a second)
        for (int i = 0; i < 4; i++) {
            CrashTrials.Trial t = trials.run(30_000, 1_000);
            done.add(t);
            assertThat(t.openTransactionLeft())
                    .as("a transaction of the killed child still open in the target after %s", t)
                    .isFalse();
            assertThat(t.lost()).as("lost in %s", t).isZero();
            assertThat(t.duplicated()).as("duplicated in %s", t).isZero();
        }
        System.out.println("ReplayCrashIT: " + CrashTrials.describe(done) + " " + done);
        assertThat(done).as("at least one kill must land mid-replay: %s", done).anyMatch(t -> !t.childFinished());
        assertThat(done)
                .as("a rerun in one lane after a two-lane child that was killed mid-replay: %s", done)
                .anyMatch(t -> t.oneLaneRerun() && t.committedByChild() < t.records());
        assertThat(done)
                .as("at least one kill must land between two committed transactions: %s", done)
                .anyMatch(CrashTrials.Trial::killedAfterACommit);
    }
}
