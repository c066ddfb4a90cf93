package dev.runbook.mongo;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The DLQ replay benchmark (not a test; {@code runbook-mongo/bench/replay-bench.sh}): for each size, the
 * naive loop the seed implies (find all, POST each, updateMany at the end) and {@link ReplayDlq} into the
 * same stand-in admin endpoint on the same mongo-java-server, events per second and where ours spends its
 * time; then each killed at a random point in a child JVM and rerun, counting events lost and sent twice
 * without an idempotency key.
 *
 * <p>Arguments: {@code [sizes=1000,2000,5000,10000] [trials=10] [crashSize=2000]}.
 */
public final class ReplayBenchmark {
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final long CRASH_LEASE_MILLIS = 1_000;

    private ReplayBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String s : (args.length > 0 ? args[0] : "1000,2000,5000,10000").split(",")) {
            sizes.add(Integer.parseInt(s.trim()));
        }
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int crashSize = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        System.out.printf(
                "DLQ replay into an HTTP admin endpoint on localhost (JDK HttpServer, nodelay), mongo-java-server"
                        + " 1.47.0 (in this JVM) + mongodb-driver-sync 5.14.0; %d cores, Java %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (TestMongo mongo = TestMongo.start();
                AdminEndpoint admin = new AdminEndpoint()) {
            Map<String, Double> secondsAtCrashSize = new HashMap<>();
            System.out.printf(
                    "%n%8s  %-6s %9s %10s %15s %9s %9s %11s%n",
                    "events", "method", "seconds", "events/s", "claims s (%)", "sends s", "marks s", "ms/claim");
            for (int size : sizes) {
                double naive = naive(mongo, admin, size);
                double ours = ours(mongo, admin, size);
                if (size == crashSize) {
                    secondsAtCrashSize.put("naive", naive);
                    secondsAtCrashSize.put("ours", ours);
                }
            }
            if (trials > 0) {
                if (!secondsAtCrashSize.containsKey("ours")) {
                    System.out.printf("%n(timing %,d events once more, to place the kills)%n", crashSize);
                    secondsAtCrashSize.put("naive", naive(mongo, admin, crashSize));
                    secondsAtCrashSize.put("ours", ours(mongo, admin, crashSize));
                }
                crashes(mongo, admin, "naive", trials, crashSize, secondsAtCrashSize.get("naive"));
                crashes(mongo, admin, "ours", trials, crashSize, secondsAtCrashSize.get("ours"));
            }
        }
    }

    private static MongoCollection<Document> seed(TestMongo mongo, String name, int size) {
        MongoCollection<Document> events = mongo.client.getDatabase("smp").getCollection(name);
        for (int from = 0; from < size; from += 10_000) {
            events.insertMany(TestMongo.events(
                    from, Math.min(10_000, size - from), "inside.payment.succeeded", "order_id 4711 not found", T0));
        }
        return events;
    }

    private static double naive(TestMongo mongo, AdminEndpoint admin, int size) throws Exception {
        admin.reset();
        String name = TestMongo.uniqueCollection("bench_naive");
        MongoCollection<Document> events = seed(mongo, name, size);
        long t0 = System.nanoTime();
        int sent = NaiveReplay.run(mongo.client, name, admin.template(), () -> {});
        double s = (System.nanoTime() - t0) / 1e9;
        check(events, admin, size, sent);
        System.out.printf(
                "%,8d  %-6s %9.2f %,10.0f %15s %9s %9s %11s%n", size, "naive", s, size / s, "-", "-", "-", "-");
        events.drop();
        return s;
    }

    private static double ours(TestMongo mongo, AdminEndpoint admin, int size) throws Exception {
        admin.reset();
        String name = TestMongo.uniqueCollection("bench_ours");
        MongoCollection<Document> events = seed(mongo, name, size);
        ReplayDlq replay = mongo.actions("smp")
                .replayDlq(name)
                .lease(Duration.ofMinutes(5))
                .to(admin.endpoint());
        ActionContext ctx =
                ActionContext.builder().runId("bench").stepId("02-replay").build();
        long p0 = System.nanoTime();
        StepPlan plan = replay.plan(ctx);
        double planSeconds = (System.nanoTime() - p0) / 1e9;
        long t0 = System.nanoTime();
        ApplyResult result = replay.apply(plan, ctx);
        double s = (System.nanoTime() - t0) / 1e9;
        ReplayDlqOutcome o = Json.convert(result.details(), ReplayDlqOutcome.class);
        check(events, admin, size, (int) o.replayed());
        double claims = o.timings().claimMillis() / 1e3;
        System.out.printf(
                "%,8d  %-6s %9.2f %,10.0f %8.2f (%3.0f%%) %9.2f %9.2f %11.2f   (plan: %.2f s)%n",
                size,
                "ours",
                s,
                size / s,
                claims,
                100 * claims / s,
                o.timings().sendMillis() / 1e3,
                o.timings().markMillis() / 1e3,
                o.timings().claimMillis() / (double) size,
                planSeconds);
        events.drop();
        return s;
    }

    private static void check(MongoCollection<Document> events, AdminEndpoint admin, int size, int sent) {
        long replayed = events.countDocuments(Filters.eq("status", "replayed"));
        if (sent != size || replayed != size || admin.perEvent().size() != size) {
            throw new IllegalStateException("sent " + sent + ", marked " + replayed + ", endpoint saw "
                    + admin.perEvent().size() + " of " + size);
        }
    }

    private static void crashes(
            TestMongo mongo, AdminEndpoint admin, String method, int trials, int size, double seconds)
            throws Exception {
        System.out.printf(
                "%n%s: %d kills at a random point of a %,d-event replay in a child JVM (uniform in 0..%.1f s"
                        + " after the child starts sending), then a rerun%n",
                method, trials, size, seconds);
        System.out.printf(
                "%5s %10s %9s %7s %6s %22s %19s%n",
                "trial", "killed at", "finished", "sent", "lost", "dup. without key", "dup. with the key");
        Random random = new Random(20261207L + method.hashCode());
        long lost = 0;
        long dupNoKey = 0;
        long dupKey = 0;
        for (int t = 1; t <= trials; t++) {
            admin.reset();
            String name = TestMongo.uniqueCollection("crash_" + method);
            MongoCollection<Document> events = seed(mongo, name, size);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path")));
            if (method.equals("naive")) {
                command.addAll(
                        List.of(NaiveReplay.class.getName(), String.valueOf(mongo.port()), name, admin.template()));
            } else {
                command.addAll(List.of(
                        ReplayChild.class.getName(),
                        String.valueOf(mongo.port()),
                        name,
                        admin.template(),
                        String.valueOf(CRASH_LEASE_MILLIS)));
            }
            Process child =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("replaying")) {
                // wait until the child starts sending
            }
            long delay = (long) (random.nextDouble() * seconds * 1000);
            boolean finished = child.waitFor(delay, TimeUnit.MILLISECONDS);
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            int sentBefore = admin.requests.size();
            if (method.equals("naive")) {
                NaiveReplay.run(mongo.client, name, admin.template(), () -> {}); // the operator runs the loop again
            } else {
                Thread.sleep(CRASH_LEASE_MILLIS + 100);
                ReplayDlq rerun = mongo.actions("smp")
                        .replayDlq(name)
                        .lease(Duration.ofMillis(CRASH_LEASE_MILLIS))
                        .to(admin.endpoint());
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
                        rerun.apply(plan, ctx);
                    } catch (StalePlanException moved) {
                        // the killed child's last request landed after the plan
                    }
                }
            }
            Map<String, List<AdminEndpoint.Request>> byEvent = new HashMap<>();
            synchronized (admin.requests) {
                admin.requests.forEach(r -> byEvent.computeIfAbsent(r.eventId(), k -> new ArrayList<>())
                        .add(r));
            }
            long l = events.find().map(d -> d.getString("event_id")).into(new ArrayList<>()).stream()
                    .filter(id -> !byEvent.containsKey(id))
                    .count();
            long unmarked = events.countDocuments(Filters.ne("status", "replayed"));
            long noKey = 0;
            long withKey = 0;
            for (var e : byEvent.entrySet()) {
                if (e.getValue().size() > 1) {
                    if (e.getValue().stream().allMatch(r -> e.getKey().equals(r.idempotencyKey()))) {
                        withKey++;
                    } else {
                        noKey++;
                    }
                }
            }
            lost += l + unmarked;
            dupNoKey += noKey;
            dupKey += withKey;
            System.out.printf(
                    "%5d %8d ms %9s %,7d %6d %22d %19d%n",
                    t, delay, finished ? "yes" : "no", sentBefore, l + unmarked, noKey, withKey);
            events.drop();
        }
        System.out.printf(
                "%s total: lost %d, duplicated without idempotency key %d (with the key: %d)%n",
                method, lost, dupNoKey, dupKey);
    }
}
