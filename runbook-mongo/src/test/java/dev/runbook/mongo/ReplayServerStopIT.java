package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The database goes away in the middle of a replay, comes back, and a rerun finishes the job. */
class ReplayServerStopIT {

    @Test
    void theServerStoppingMidReplay_failsClearly_thenARerunSendsAgainOnlyTheUnmarked_withTheirKeys() throws Exception {
        try (TestMongo mongo = TestMongo.start();
                AdminEndpoint admin = new AdminEndpoint()) {
            MongoCollection<Document> events = mongo.client.getDatabase("smp").getCollection("event_log");
            events.insertMany(TestMongo.events(
                    0, 300, "inside.payment.succeeded", "timeout", Instant.parse("2026-12-01T08:00:00Z")));
            admin.onRequest = n -> {
                if (n == 150) {
                    mongo.stop();
                }
            };
            ReplayDlq replay = mongo.actions("smp")
                    .replayDlq("event_log")
                    .lease(Duration.ofSeconds(1))
                    .to(admin.endpoint());
            ActionContext ctx =
                    ActionContext.builder().runId("r1").stepId("02-replay").build();
            StepPlan plan = replay.plan(ctx);
            assertThatThrownBy(() -> replay.apply(plan, ctx))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("mongodb 127.0.0.1:" + mongo.port() + "/smp")
                    .hasMessageContaining("rerun to resume")
                    .hasMessageContaining("events were sent and marked replayed")
                    .hasMessageContaining("claimed (sent or not) by r1/02-replay#")
                    .satisfies(e -> assertThat(((TargetUnavailableException) e).retriable())
                            .isTrue());
            assertThat(admin.requests).hasSize(150);

            mongo.restart();
            long marked = events.countDocuments(Filters.eq("status", "replayed"));
            long claimed = events.countDocuments(Filters.eq("status", "replaying"));
            assertThat(marked + claimed)
                    .as("every event sent is marked or still claimed")
                    .isEqualTo(150);
            assertThat(claimed).as("the last one sent could not be marked").isPositive();
            assertThat(events.countDocuments(Filters.eq("status", "dlq"))).isEqualTo(150);
            Thread.sleep(1_100);
            ActionContext rerun =
                    ActionContext.builder().runId("r2").stepId("02-replay").build();
            StepPlan again = replay.plan(rerun);
            ApplyResult done = replay.apply(again, rerun);
            ReplayDlqOutcome o = Json.convert(done.details(), ReplayDlqOutcome.class);
            assertThat(o.replayed()).isEqualTo(150 + claimed);
            assertThat(o.reclaimedCount()).isEqualTo(claimed);
            assertThat(replay.verify(again, done, rerun).ok()).isTrue();

            assertThat(events.countDocuments(Filters.eq("status", "replayed"))).isEqualTo(300);
            assertThat(admin.processed)
                    .as("every event processed, once per key")
                    .hasSize(300);
            Map<String, Long> perEvent = admin.perEvent();
            Set<String> sentTwice = perEvent.entrySet().stream()
                    .filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> reported = o.reclaimed().stream()
                    .map(r -> r.substring(0, r.indexOf(' ')))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(sentTwice)
                    .as("sent again: exactly the reclaimed events the report lists")
                    .isEqualTo(reported);
            assertThat(perEvent.values()).containsOnly(1L, 2L);
            assertThat(admin.requests)
                    .allSatisfy(r -> assertThat(r.idempotencyKey()).isEqualTo(r.eventId()));
        }
    }
}
