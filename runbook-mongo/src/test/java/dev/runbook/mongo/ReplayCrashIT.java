package dev.runbook.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Json;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our process crashes mid-replay: a child JVM replays into the stand-in endpoint and is killed at a random
 * point; once its leases expire a rerun in this JVM finishes. Nothing is lost, and what is sent twice is
 * sent with the same idempotency key and listed by the rerun's report.
 */
class ReplayCrashIT {
    static final int EVENTS = 400;
    static final long LEASE_MILLIS = 1_000;

    static TestMongo mongo;
    static AdminEndpoint admin;

    @BeforeAll
    static void start() throws Exception {
        mongo = TestMongo.shared();
        admin = new AdminEndpoint();
    }

    @AfterAll
    static void stop() {
        admin.close();
    }

    record Trial(
            long killedAfterMillis,
            boolean childFinished,
            long markedByChild,
            int lost,
            int duplicatedWithoutKey,
            Set<String> sentTwice,
            Set<String> reported) {}

    @Test
    void killedAtARandomPoint_thenRerun_losesNothing_andDuplicatesOnlyWithTheKey_thatTheReportLists() throws Exception {
        Random random = new Random(20261207L);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            trials.add(trial(random, i));
        }
        assertThat(trials).as("%s", trials).allSatisfy(t -> {
            assertThat(t.lost()).isZero();
            assertThat(t.duplicatedWithoutKey()).isZero();
            assertThat(t.reported()).containsAll(t.sentTwice());
        });
        assertThat(trials)
                .as("at least one kill landed mid-replay: %s", trials)
                .anySatisfy(t -> assertThat(t.markedByChild()).isBetween(1L, (long) EVENTS - 1));
    }

    Trial trial(Random random, int n) throws Exception {
        admin.reset();
        String name = TestMongo.uniqueCollection("crash_log");
        MongoCollection<Document> events = mongo.client.getDatabase("smp").getCollection(name);
        events.insertMany(TestMongo.events(
                0, EVENTS, "inside.payment.succeeded", "timeout", Instant.parse("2026-12-01T08:00:00Z")));
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReplayChild.class.getName(),
                        String.valueOf(mongo.port()),
                        name,
                        admin.template(),
                        String.valueOf(LEASE_MILLIS))
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder early = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("replaying")) {
            early.append(line).append('\n');
        }
        if (line == null) {
            throw new IllegalStateException("the replay child exited before applying:\n" + early);
        }
        // odd trials kill within 300 ms of the first send (before any mark, usually); even ones wait for the child's
        // first marks, then up to a second more (mid-replay on this machine: the child sends ~100 events a second)
        if (n % 2 == 0) {
            while (child.isAlive() && events.countDocuments(Filters.eq("status", "replayed")) == 0) {
                Thread.sleep(5);
            }
        }
        long delay = (long) (random.nextDouble() * (n % 2 == 0 ? 1000 : 300));
        boolean finished = child.waitFor(delay, TimeUnit.MILLISECONDS);
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        long marked = events.countDocuments(Filters.eq("status", "replayed"));

        Thread.sleep(LEASE_MILLIS + 100);
        ReplayDlq rerun = mongo.actions("smp")
                .replayDlq(name)
                .lease(Duration.ofMillis(LEASE_MILLIS))
                .to(admin.endpoint());
        Set<String> reported = new TreeSet<>();
        for (int i = 0; i < 5; i++) {
            ActionContext ctx = ActionContext.builder()
                    .runId("rerun-" + i)
                    .stepId("02-replay")
                    .build();
            StepPlan plan = rerun.plan(ctx);
            if (plan.isNoop()) {
                break;
            }
            try {
                ApplyResult r = rerun.apply(plan, ctx);
                Json.convert(r.details(), ReplayDlqOutcome.class)
                        .reclaimed()
                        .forEach(s -> reported.add(s.substring(0, s.indexOf(' '))));
            } catch (StalePlanException moved) {
                // the killed child's last request landed after our plan
            }
        }
        assertThat(events.countDocuments(Filters.eq("status", "replayed"))).isEqualTo(EVENTS);
        Set<String> all = events.find().map(d -> d.getString("event_id")).into(new TreeSet<>());
        int lost =
                (int) all.stream().filter(id -> !admin.processed.contains(id)).count();
        Map<String, List<AdminEndpoint.Request>> byEvent =
                admin.requests.stream().collect(Collectors.groupingBy(AdminEndpoint.Request::eventId));
        int withoutKey = 0;
        Set<String> sentTwice = new TreeSet<>();
        for (var e : byEvent.entrySet()) {
            if (e.getValue().size() > 1) {
                sentTwice.add(e.getKey());
                if (e.getValue().stream().anyMatch(r -> !e.getKey().equals(r.idempotencyKey()))) {
                    withoutKey++;
                }
            }
        }
        return new Trial(delay, finished, marked, lost, withoutKey, sentTwice, reported);
    }
}
