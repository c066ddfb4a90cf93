package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.replay.DlqRecord;
import dev.runbook.core.replay.ReplayDecision;
import dev.runbook.core.replay.ReplaySink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leases: a sink that fails before its sends are final, another replayer's live lease, replayers racing. */
class ReplayLeaseIT {
    static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    final TestMongo mongo = TestMongo.shared();
    final MongoActions actions = mongo.actions("smp");
    String name;
    MongoCollection<Document> events;

    @BeforeEach
    void seed() {
        name = TestMongo.uniqueCollection("lease_log");
        events = mongo.client.getDatabase("smp").getCollection(name);
        events.insertMany(TestMongo.events(0, 30, "inside.payment.succeeded", "timeout", T0));
    }

    static ActionContext ctx(String run) {
        return ActionContext.builder().runId(run).stepId("02-replay").build();
    }

    /** A producer-like sink: sends are buffered and become final at checkpoint, which can be made to fail. */
    static final class BufferingSink implements ReplaySink<BsonDocument> {
        final List<String> buffered = new ArrayList<>();
        final List<String> delivered;
        final boolean failAtCheckpoint;
        int aborts;

        BufferingSink(List<String> delivered, boolean failAtCheckpoint) {
            this.delivered = delivered;
            this.failAtCheckpoint = failAtCheckpoint;
        }

        @Override
        public void send(DlqRecord<BsonDocument> record, ReplayDecision decision) {
            buffered.add(record.position());
        }

        @Override
        public void consumed(List<DlqRecord<BsonDocument>> records) {}

        @Override
        public void checkpoint() {
            if (failAtCheckpoint) {
                throw new TargetUnavailableException("broker went away while committing", null);
            }
            delivered.addAll(buffered);
            buffered.clear();
        }

        @Override
        public void abort() {
            aborts++;
            buffered.clear();
        }

        @Override
        public void close() {}
    }

    @Test
    void aSinkFailingBeforeItsSendsAreFinal_marksNothing_itsEventsStayClaimedUntilTheLease_thenARerunTakesThemOver()
            throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        ReplayDlq failing = actions.replayDlq(name)
                .lease(Duration.ofSeconds(1))
                .to("kafka payments-replay", () -> new BufferingSink(delivered, true));
        ActionContext first = ctx("r1");
        StepPlan plan = failing.plan(first);
        assertThatThrownBy(() -> failing.apply(plan, first))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("broker went away")
                .hasMessageContaining("0 events were sent and marked replayed")
                .hasMessageContaining("claimed (sent or not) by r1/02-replay#");
        assertThat(delivered).isEmpty();
        assertThat(events.countDocuments(Filters.eq("status", "replayed")))
                .as("nothing marked")
                .isZero();
        long claimed = events.countDocuments(Filters.eq("status", "replaying"));
        assertThat(claimed)
                .as("the events sent before the failed checkpoint stay claimed")
                .isPositive();
        assertThat(events.countDocuments(Filters.eq("status", "dlq"))).isEqualTo(30 - claimed);

        StepPlan whileHeld = failing.plan(ctx("r2"));
        assertThat(whileHeld.radius("messages"))
                .as("claimed events wait for their lease")
                .isEqualTo(30 - claimed);

        Thread.sleep(1_100);
        List<String> delivered2 = new CopyOnWriteArrayList<>();
        ReplayDlq working = actions.replayDlq(name)
                .lease(Duration.ofSeconds(1))
                .to("kafka payments-replay", () -> new BufferingSink(delivered2, false));
        ActionContext second = ctx("r2");
        StepPlan again = working.plan(second);
        assertThat(again.radius("messages")).isEqualTo(30);
        ApplyResult done = working.apply(again, second);
        ReplayDlqOutcome o = Json.convert(done.details(), ReplayDlqOutcome.class);
        assertThat(o.reclaimedCount()).isEqualTo(claimed);
        assertThat(o.reclaimed()).hasSize((int) claimed).allSatisfy(r -> assertThat(r)
                .matches("evt-\\d+ \\(lease of r1/02-replay#\\w+ until .*\\)"));
        assertThat(delivered2).hasSize(30).doesNotHaveDuplicates();
        assertThat(events.countDocuments(Filters.eq("status", "replayed"))).isEqualTo(30);
        assertThat(events.find(Filters.eq("event_id", "evt-0"))
                        .first()
                        .get("replay", Document.class)
                        .getInteger("attempts"))
                .as("the failed attempt counts")
                .isEqualTo(2);
        assertThat(working.verify(again, done, second).ok()).isTrue();
    }

    @Test
    void anotherReplayersLiveLease_isPassedOver_andVerifyDoesNotCountItAsOurs() {
        events.updateOne(
                Filters.eq("event_id", "evt-7"),
                Updates.combine(
                        Updates.set("status", "replaying"),
                        Updates.set("replay.owner", "someone-else#1"),
                        Updates.set("replay.run", "someone-else"),
                        Updates.set(
                                "replay.lease_until", Date.from(Instant.now().plusSeconds(3600)))));
        List<String> sent = new CopyOnWriteArrayList<>();
        ReplayDlq replay = actions.replayDlq(name).toCallback("collect", r -> sent.add(r.position()));
        ActionContext ctx = ctx("r3");
        StepPlan plan = replay.plan(ctx);
        assertThat(plan.radius("messages")).isEqualTo(29);
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("1 event of this filter held"));
        ApplyResult result = replay.apply(plan, ctx);
        assertThat(sent).hasSize(29).doesNotContain("evt-7");
        assertThat(replay.verify(plan, result, ctx).ok()).isTrue();
        assertThat(events.find(Filters.eq("event_id", "evt-7")).first().getString("status"))
                .isEqualTo("replaying");
    }

    @Test
    void replayersRacingOverOneCollection_neverSendAnEventTwice_andTogetherSendAll() throws Exception {
        events.insertMany(TestMongo.events(30, 170, "inside.payment.succeeded", "timeout", T0));
        Map<String, Integer> sends = new ConcurrentHashMap<>();
        List<Long> contended = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String run = "racer-" + i;
            runs.add(pool.submit(() -> {
                ReplayDlq replay =
                        actions.replayDlq(name).toCallback("collect", r -> sends.merge(r.position(), 1, Integer::sum));
                for (int attempt = 0; attempt < 50; attempt++) {
                    ActionContext ctx = ctx(run);
                    StepPlan plan = replay.plan(ctx);
                    if (plan.isNoop()) {
                        return null;
                    }
                    try {
                        ApplyResult r = replay.apply(plan, ctx);
                        contended.add(r.count("contended"));
                    } catch (StalePlanException moved) {
                        // another racer claimed events since this plan: plan again
                    }
                }
                throw new AssertionError(run + " did not finish in 50 plans");
            }));
        }
        for (Future<?> f : runs) {
            f.get();
        }
        pool.shutdown();
        assertThat(sends).hasSize(200);
        assertThat(sends.values()).as("no event sent twice").containsOnly(1);
        assertThat(events.countDocuments(Filters.eq("status", "replayed"))).isEqualTo(200);
        assertThat(events.countDocuments(Filters.ne("status", "replayed"))).isZero();
    }
}
