package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Outcome;
import dev.runbook.core.RefusedException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import dev.runbook.core.http.Http;
import dev.runbook.core.replay.MalformedPolicy;
import dev.runbook.core.replay.ReplaySummary;
import dev.runbook.test.ActionContract;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayDlqIT extends ActionContract<ReplayDlq> {
    static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    static final String PAID = "inside.payment.succeeded";
    static final String REFUND = "inside.refund.created";

    static TestMongo mongo;
    static AdminEndpoint admin;
    MongoActions actions;
    String name;
    MongoCollection<Document> events;

    @BeforeAll
    static void start() throws IOException {
        mongo = TestMongo.shared();
        admin = new AdminEndpoint();
    }

    @AfterAll
    static void stop() {
        admin.close();
    }

    /**
     * 12 payment events (order not found, 10 of them never replayed, 2 replayed 3 times), 6 refunds with a
     * bad signature, and 3 payment events replayed long ago.
     */
    @BeforeEach
    void seed() {
        actions = mongo.actions("smp");
        name = TestMongo.uniqueCollection("event_log");
        events = mongo.client.getDatabase("smp").getCollection(name);
        List<Document> docs = new ArrayList<>(TestMongo.events(0, 12, PAID, "order_id 4711 not found", T0));
        docs.get(3).append("error", "order_id 815 not found\n\tat Handler.java:42");
        docs.get(10).append("replay", new Document("attempts", 3));
        docs.get(11).append("replay", new Document("attempts", 3));
        docs.addAll(TestMongo.events(100, 6, REFUND, "invalid signature", T0));
        List<Document> done = TestMongo.events(200, 3, PAID, "timeout", T0);
        done.forEach(d -> d.append("status", "replayed"));
        docs.addAll(done);
        events.insertMany(docs);
        admin.reset();
    }

    ReplayDlqBuilder base() {
        return actions.replayDlq(name).eventType(PAID);
    }

    @Override
    protected ReplayDlq action() {
        return base().to(admin.endpoint());
    }

    @Override
    protected Object snapshot() {
        List<String> docs = new ArrayList<>();
        events.find().sort(new Document("_id", 1)).forEach(d -> docs.add(d.toJson()));
        return List.of(docs, admin.requests.size());
    }

    @Override
    protected void moveTheWorld() {
        events.updateOne(Filters.eq("event_id", "evt-0"), Updates.set("status", "replayed"));
    }

    @Override
    protected Map<String, ReplayDlq> variants() {
        return Map.of(
                "collection", actions.replayDlq(name + "_other").eventType(PAID).to(admin.endpoint()),
                "fields",
                        base().fields(DlqFields.eventLog().withTime("failed_at"))
                                .to(admin.endpoint()),
                "filter", base().errorContains("not found").to(admin.endpoint()),
                "limits", base().maxRecords(5).to(admin.endpoint()),
                "lease", base().lease(Duration.ofSeconds(30)).to(admin.endpoint()),
                "target",
                        base().to(Http.replayEndpoint(admin.template())
                                .header("Authorization", dev.runbook.core.Secret.of("Bearer another"))
                                .build()));
    }

    Map<String, String> statuses() {
        Map<String, String> out = new TreeMap<>();
        events.find().forEach(d -> out.put(d.getString("event_id"), d.getString("status")));
        return out;
    }

    Document event(String id) {
        return events.find(Filters.eq("event_id", id)).first();
    }

    static ActionContext ctx() {
        return ActionContext.builder()
                .runId("r-" + System.nanoTime())
                .stepId("02-replay")
                .build();
    }

    @Test
    void plan_showsCountsByTypeAndError_oldestNewest_attempts_sampleIds_andTheExactDocuments() {
        StepPlan plan = action().plan(ctx());
        ReplayDlqDetails d = plan.details(ReplayDlqDetails.class);
        ReplaySummary s = d.summary();
        assertThat(s.replayed()).isEqualTo(10);
        assertThat(s.parked()).as("replayed 3 times already").isEqualTo(2);
        assertThat(s.byOrigin())
                .containsExactlyInAnyOrder(new ReplaySummary.OriginCount(PAID, null, "order_id # not found", 12));
        assertThat(s.earliest()).isEqualTo(T0);
        assertThat(s.latest()).isEqualTo(T0.plusSeconds(11));
        assertThat(s.previousAttempts()).isEqualTo(Map.of(0, 10L, 3, 2L));
        assertThat(s.sampleKeys()).hasSize(10).startsWith("evt-0", "evt-1");
        assertThat(plan.radius("messages")).isEqualTo(12);
        assertThat(d.statements().get("claim"))
                .startsWith("findOneAndUpdate {\"_id\": \"<_id>\", \"$or\": [{\"status\": \"dlq\"}, {\"status\":"
                        + " \"replaying\", \"replay.lease_until\": {\"$lt\": \"<now>\"}}], \"replay.attempts\":"
                        + " {\"$in\": [null]}}")
                .contains("\"$inc\": {\"replay.attempts\": 1}");
        assertThat(d.statements().get("scan")).contains("\"event_type\": \"" + PAID + "\"");
        assertThat(d.statements().get("mark")).contains("\"replay.owner\": \"<lease owner of this apply>\"");
        assertThat(plan.summary())
                .contains("replay 10 events")
                .contains("park 2")
                .contains("POST " + admin.template());
        assertThat(plan.toString()).doesNotContain("admin-s3cret");
        assertThat(admin.requests).as("the dry run sends nothing").isEmpty();
    }

    @Test
    void apply_sendsEachEventOnceWithItsIdAsIdempotencyKey_parksBeyondMaxAttempts_andLeavesTheRest() {
        ActionContext ctx = ctx();
        ReplayDlq replay = action();
        StepPlan plan = replay.plan(ctx);
        ApplyResult result = replay.apply(plan, ctx);
        assertThat(result.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(result.count("replayed")).isEqualTo(10);
        assertThat(result.count("parked")).isEqualTo(2);
        assertThat(admin.requests)
                .hasSize(10)
                .allSatisfy(r -> assertThat(r.idempotencyKey()).isEqualTo(r.eventId()))
                .allSatisfy(r -> assertThat(r.attempt()).isEqualTo("1"));
        Map<String, String> st = statuses();
        for (int i = 0; i < 10; i++) {
            assertThat(st.get("evt-" + i)).isEqualTo("replayed");
            Document replayInfo = event("evt-" + i).get("replay", Document.class);
            assertThat(replayInfo.getInteger("attempts")).isEqualTo(1);
            assertThat(replayInfo.getString("run")).isEqualTo(ctx.idempotencyKey());
            assertThat(replayInfo.get("lease_until"))
                    .as("the lease is gone once marked")
                    .isNull();
        }
        assertThat(st.get("evt-10")).isEqualTo("parked");
        assertThat(event("evt-10").get("replay", Document.class).getString("parked_reason"))
                .contains("replayed 3 times already");
        assertThat(event("evt-10").get("replay", Document.class).getInteger("attempts"))
                .as("parking does not count an attempt")
                .isEqualTo(3);
        for (int i = 100; i < 106; i++) {
            assertThat(st.get("evt-" + i)).as("refunds are not selected").isEqualTo("dlq");
        }
        Verification v = replay.verify(plan, result, ctx);
        assertThat(v.ok()).as(v.message()).isTrue();
        assertThat(actions.dlqDepth(name, PAID).read()).isZero();
        assertThat(actions.dlqDepth(name).read()).isEqualTo(6);
    }

    @Test
    void filters_timeWindowErrorTextAndMaxRecords_goToTheServer_andTheRestStays() {
        events.updateOne(Filters.eq("event_id", "evt-5"), Updates.set("error", "read timeout after 30s"));
        ReplayDlq replay = actions.replayDlq(name)
                .window(T0.plusSeconds(2), T0.plusSeconds(9))
                .errorMatches("not found|timeout")
                .maxRecords(4)
                .to(admin.endpoint());
        ActionContext ctx = ctx();
        StepPlan plan = replay.plan(ctx);
        assertThat(plan.details(ReplayDlqDetails.class).summary().stoppedBy()).isEqualTo("maxRecords");
        assertThat(plan.details(ReplayDlqDetails.class).statements().get("scan"))
                .contains("\"created_at\": {\"$gte\": {\"$date\": \"2026-12-01T08:00:02Z\"}")
                .contains("\"error\": {\"$regularExpression\": {\"pattern\": \"not found|timeout\"");
        ApplyResult result = replay.apply(plan, ctx);
        assertThat(admin.perEvent().keySet()).containsExactly("evt-2", "evt-3", "evt-4", "evt-5");
        assertThat(result.count("replayed")).isEqualTo(4);
        assertThat(replay.verify(plan, result, ctx).ok()).isTrue();
        assertThat(statuses()).containsEntry("evt-1", "dlq").containsEntry("evt-6", "dlq");
        StepPlan next = replay.plan(ctx);
        assertThat(next.radius("messages"))
                .as("the rest of the window, one more page")
                .isEqualTo(3);
    }

    @Test
    void maxRate_spacesTheSends() {
        ReplayDlq replay = base().maxAttempts(10).maxRate(40).to(admin.endpoint());
        ActionContext ctx = ctx();
        StepPlan plan = replay.plan(ctx);
        assertThat(plan.rates()).containsEntry("messages/s", 40.0);
        long start = System.nanoTime();
        replay.apply(plan, ctx);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(admin.requests).hasSize(12);
        assertThat(millis)
                .as("12 events at 40/s take at least 11 gaps of 25 ms")
                .isGreaterThanOrEqualTo(250);
    }

    @Test
    void aFilterMatchingNothing_isUnchanged_andSaysHowManyAreInTheDlq() {
        ReplayDlq replay =
                actions.replayDlq(name).eventType("inside.payment.refunded").to(admin.endpoint());
        StepPlan plan = replay.plan(ctx());
        assertThat(plan.change()).isEqualTo(Change.NONE);
        assertThat(plan.summary()).contains("no event to replay").contains("18 in the DLQ in all");
        assertThat(replay.apply(plan, ctx()).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(admin.requests).isEmpty();
    }

    @Test
    void aMissingCollection_isRefusedNamingTheCollectionsThatExist() {
        Object before = snapshot();
        assertThatThrownBy(() ->
                        actions.replayDlq("event_lgo").to(admin.endpoint()).plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("collection 'event_lgo' does not exist")
                .hasMessageContaining(name);
        assertThat(snapshot()).isEqualTo(before);
        assertThatThrownBy(() -> actions.replayDlq(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base().maxRecords(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base().maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base().maxRate(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base().lease(Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base().errorMatches("(")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> base().window(T0, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedEvents_refuseThePlanNamingThem_skipLeavesThem_parkSetsThemAsideWithTheReason() {
        events.insertOne(
                new Document("event_type", PAID).append("status", "dlq").append("created_at", Date.from(T0)));
        events.insertOne(new Document("event_id", 42)
                .append("event_type", PAID)
                .append("status", "dlq")
                .append("created_at", Date.from(T0)));
        events.insertOne(new Document("event_id", "evt-bad-time")
                .append("event_type", PAID)
                .append("status", "dlq")
                .append("created_at", "yesterday"));
        events.insertOne(new Document("event_id", "evt-bad-attempts")
                .append("event_type", PAID)
                .append("status", "dlq")
                .append("created_at", Date.from(T0))
                .append("replay", new Document("attempts", "many")));
        Object before = snapshot();
        assertThatThrownBy(() -> action().plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("4 events")
                .hasMessageContaining("event_id is missing")
                .hasMessageContaining("event_id is int32, expected a non-blank string")
                .hasMessageContaining("evt-bad-time: created_at is string, expected a date")
                .hasMessageContaining("evt-bad-attempts: replay.attempts is \"many\"")
                .hasMessageContaining("onMalformed(SKIP)");
        assertThat(snapshot()).isEqualTo(before);

        ActionContext ctx = ctx();
        ReplayDlq skip = base().onMalformed(MalformedPolicy.SKIP).to(admin.endpoint());
        StepPlan plan = skip.plan(ctx);
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("4 malformed events left in the DLQ"));
        ApplyResult result = skip.apply(plan, ctx);
        assertThat(result.count("malformed")).isEqualTo(4);
        assertThat(skip.verify(plan, result, ctx).ok()).isTrue();
        assertThat(events.countDocuments(Filters.eq("status", "dlq")))
                .as("4 malformed + 6 refunds")
                .isEqualTo(10);
        assertThat(admin.requests).hasSize(10);

        ReplayDlq park = base().onMalformed(MalformedPolicy.PARK).to(admin.endpoint());
        StepPlan parkPlan = park.plan(ctx);
        ApplyResult parked = park.apply(parkPlan, ctx);
        assertThat(parked.count("parked")).isEqualTo(4);
        assertThat(events.find(Filters.eq("event_id", "evt-bad-time")).first().getString("status"))
                .isEqualTo("parked");
        assertThat(events.find(Filters.eq("event_id", "evt-bad-time"))
                        .first()
                        .get("replay", Document.class)
                        .getString("parked_reason"))
                .contains("created_at is string, expected a date");
        assertThat(admin.requests).as("parking sends nothing").hasSize(10);
    }

    @Test
    void theEndpointFailingHalfway_marksWhatItAccepted_releasesTheFailedEvent_leavesTheRest_andARerunFinishes() {
        admin.status = n -> n >= 5 ? 503 : 202;
        ActionContext ctx = ctx();
        ReplayDlq replay = action();
        StepPlan plan = replay.plan(ctx);
        assertThatThrownBy(() -> replay.apply(plan, ctx))
                .isInstanceOf(TargetUnavailableException.class)
                .hasMessageContaining("answered 503")
                .hasMessageContaining("4 events were sent and marked replayed")
                .hasMessageContaining("event evt-4 is back in the DLQ");
        Map<String, String> st = statuses();
        for (int i = 0; i < 4; i++) {
            assertThat(st.get("evt-" + i)).isEqualTo("replayed");
        }
        Document failed = event("evt-4");
        assertThat(failed.getString("status")).isEqualTo("dlq");
        assertThat(failed.get("replay", Document.class).getInteger("attempts")).isEqualTo(1);
        assertThat(failed.get("replay", Document.class).getString("last_error")).contains("503");
        for (int i = 5; i < 12; i++) {
            assertThat(st.get("evt-" + i)).as("never claimed").isEqualTo("dlq");
        }
        assertThat(events.countDocuments(Filters.eq("status", "replaying"))).isZero();

        admin.status = n -> 202;
        StepPlan again = replay.plan(ctx);
        assertThat(again.details(ReplayDlqDetails.class).summary().previousAttempts())
                .containsEntry(1, 1L);
        ApplyResult done = replay.apply(again, ctx);
        assertThat(done.count("replayed")).isEqualTo(6);
        assertThat(replay.verify(again, done, ctx).ok()).isTrue();
        assertThat(admin.perEvent()).as("each accepted once").allSatisfy((id, n) -> assertThat(n)
                .isEqualTo(1L));
        assertThat(event("evt-4").get("replay", Document.class).getInteger("attempts"))
                .isEqualTo(2);
    }

    @Test
    void aWrongToken_isRefusedAtTheFirstEvent_andNothingElseIsTouched() {
        ReplayDlq replay = base().to(Http.replayEndpoint(admin.template())
                .header("Authorization", dev.runbook.core.Secret.of("Bearer wrong"))
                .build());
        ActionContext ctx = ctx();
        StepPlan plan = replay.plan(ctx);
        assertThatThrownBy(() -> replay.apply(plan, ctx))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("answered 401")
                .hasMessageContaining("0 events were sent")
                .hasMessageNotContaining("Bearer wrong");
        assertThat(events.countDocuments(Filters.eq("status", "dlq"))).isEqualTo(18);
        assertThat(events.countDocuments(Filters.exists("replay.last_error"))).isEqualTo(1);
    }

    @Test
    void eventsWhoseIdIsOfAnotherType_areRefusedByNumber_notPassedOverSilently() {
        events.insertOne(TestMongo.events(500, 1, PAID, "timeout", T0).get(0).append("_id", "legacy-500"));
        Object before = snapshot();
        assertThatThrownBy(() -> action().plan(ctx()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("1 event in " + name)
                .hasMessageContaining("has an _id that is not object_id")
                .hasMessageContaining("replay them apart with a filter");
        assertThat(snapshot()).isEqualTo(before);
    }
}
