package dev.runbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runbook.core.Json;
import dev.runbook.redis.test.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher ({@code ./runbook} at the repository root, which runs the packaged jar with its lib/
 * class path) as a child process, against a real {@code redis-server} staged with seed INC-004: stock
 * cache keys written without a TTL fill memory past maxmemory. Each test checks the exit code, the
 * output (JSON against the published schemas) and the server afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    static final int STOCK = 20_000;
    static final int SESSIONS = 500;
    static final int LOCKS = 50;
    static final int ORDERS = 1_000;

    static RedisServer server;
    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;
    static RedisCommands<String, String> redis;
    static long maxmemory;

    @TempDir
    static Path home;

    static Path profiles;

    @BeforeAll
    static void stage() throws IOException {
        server = RedisServer.start("--maxmemory-policy", "noeviction");
        client = RedisClient.create(server.uri());
        connection = client.connect();
        redis = connection.sync();
        String value = "x".repeat(200);
        Map<String, String> batch = new HashMap<>();
        for (int i = 0; i < STOCK; i++) {
            batch.put("cache:wms:stock:" + i, value);
            if (batch.size() == 1000) {
                redis.mset(batch);
                batch.clear();
            }
        }
        for (int i = 0; i < SESSIONS; i++) {
            batch.put("session:" + i, "s");
        }
        for (int i = 0; i < LOCKS; i++) {
            batch.put("lock:order:" + i, "l");
        }
        for (int i = 0; i < ORDERS; i++) {
            batch.put("order:" + i, "o");
        }
        redis.mset(batch);
        long used = usedMemory();
        maxmemory = used * 100 / 102; // just under what the keys use: writes fail with OOM, as in the seed
        redis.configSet("maxmemory", String.valueOf(maxmemory));
        profiles = home.resolve("profiles.properties");
        Files.writeString(
                profiles,
                "# written by CliIT\n"
                        + "local.environment=dev\n"
                        + "local.redis.url=" + server.uri() + "\n"
                        + "inline.redis.url=" + server.uri() + "\n"
                        + "inline.redis.password=hunter2\n",
                StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void list_namesTheSeedRunbooksAndTheirParameters() {
        Result r = run("list");
        assertThat(r.code).as(r.toString()).isEqualTo(0);
        assertThat(r.out)
                .contains("INC-004  Redis OOM  (SEV-2)")
                .contains("INC-005  Integration circuit breaker triggered")
                .containsPattern("--param alertRatio +decimal +=0.9")
                .containsPattern("connection redis +redis");
    }

    @Test
    @Order(2)
    void badUsage_exits2_andNamesTheWayOut() {
        Result unknown = run("plan", "INC-999", "--profile", "local", "--profiles", profiles.toString());
        assertThat(unknown.code).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.err).contains("no runbook 'INC-999'").contains("INC-004");

        Result param = run(
                "plan",
                "INC-004",
                "--profile",
                "local",
                "--profiles",
                profiles.toString(),
                "--param",
                "alertRatoi=0.95");
        assertThat(param.code).as(param.toString()).isEqualTo(2);
        assertThat(param.err).contains("no parameter 'alertRatoi'").contains("alertRatio");

        Result value = run(
                "plan",
                "INC-004",
                "--profile",
                "local",
                "--profiles",
                profiles.toString(),
                "--param",
                "recoveryTimeout=soon");
        assertThat(value.code).as(value.toString()).isEqualTo(2);
        assertThat(value.err).contains("'soon' is not a duration");

        // a value of the right type that the runbook refuses (resolvedRatio must be below alertRatio)
        Result range = run(
                "plan",
                "INC-004",
                "--profile",
                "local",
                "--profiles",
                profiles.toString(),
                "--param",
                "resolvedRatio=0.95");
        assertThat(range.code).as(range.toString()).isEqualTo(2);
        assertThat(range.err)
                .contains("INC-004 cannot be built from these parameters")
                .contains("resolvedRatio")
                .doesNotContain("RUNBOOK_DEBUG");

        // a binding key too short (the core engine also reads the variable): bad usage, its value not echoed
        String[] planArgs = {"plan", "INC-004", "--profile", "local", "--profiles", profiles.toString()};
        ProcessBuilder shortKey = builder(planArgs);
        shortKey.environment().put("RUNBOOK_BINDING_KEY", "hunter2");
        Result key = run(shortKey, planArgs);
        assertThat(key.code).as(key.toString()).isEqualTo(2);
        assertThat(key.err)
                .contains("RUNBOOK_BINDING_KEY is not a usable binding key")
                .doesNotContain("hunter2");

        Result noProfile = run("plan", "INC-004");
        assertThat(noProfile.code).as(noProfile.toString()).isEqualTo(2);
        assertThat(noProfile.err).contains("--profile");

        Result inline = run("plan", "INC-004", "--profile", "inline", "--profiles", profiles.toString());
        assertThat(inline.code).as(inline.toString()).isEqualTo(2);
        assertThat(inline.err)
                .contains("inline.redis.password")
                .contains("env:NAME")
                .doesNotContain("hunter2");

        Result noCommand = run("frobnicate");
        assertThat(noCommand.code).isEqualTo(2);
        assertThat(stockKeys()).isEqualTo(STOCK);
    }

    @Test
    @Order(3)
    void planJson_isValidAgainstTheSchema_andWritesNothing() {
        Result r = plan("--json");
        assertThat(r.code).as(r.toString()).isEqualTo(5);
        JsonNode json = Schemas.assertValid("plan-v1.json", r.out);
        assertThat(json.get("runbook").asText()).isEqualTo("INC-004");
        assertThat(json.get("ready").asBoolean()).isTrue();
        assertThat(json.get("needsApproval").toString()).contains("delete-the-stock-cache-keys");
        assertThat(json.at("/plan/steps/2/action/blastRadius/keys").asLong()).isEqualTo(STOCK);
        assertThat(json.get("parameters").get("alertRatio").asText()).isEqualTo("0.9");
        assertThat(stockKeys()).isEqualTo(STOCK);
        assertThat(policy()).isEqualTo("noeviction");
        // the schema is not a rubber stamp: an edited plan without its fingerprint fails it
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("plan")).remove("fingerprint");
        assertThat(Schemas.errors("plan-v1.json", json.toString())).isNotEmpty();
    }

    @Test
    @Order(4)
    void applyWithoutApproval_exits4_andDeletesNothing() throws IOException {
        Result planned = plan("--out", home.resolve("plan.json").toString());
        assertThat(planned.code).as(planned.toString()).isEqualTo(5);
        assertThat(planned.out).contains("delete-the-stock-cache-keys").contains("[needs approval]");
        Schemas.assertValid("plan-v1.json", Files.readString(home.resolve("plan.json")));

        Result r = run("apply", home.resolve("plan.json").toString(), "--json", "--audit", audit().toString());
        assertThat(r.code).as(r.toString()).isEqualTo(4);
        JsonNode report = Schemas.assertValid("report-v1.json", r.out);
        assertThat(report.get("outcome").asText()).isEqualTo("NEEDS_APPROVAL");
        assertThat(report.at("/report/steps/2/outcome").asText()).isEqualTo("FAILED");
        assertThat(report.at("/report/steps/2/error").asText()).startsWith("ApprovalDeniedException");
        assertThat(report.at("/report/steps/3/outcome").asText()).isEqualTo("NOT_ATTEMPTED");

        // the same plan after a review tool passed it through jq or JavaScript (100000.0 written as
        // 100000) is the same plan: it stops at the approval again, not refused as edited
        String saved = Files.readString(home.resolve("plan.json"));
        assertThat(saved).contains("100000.0");
        Path viaJq = home.resolve("plan-via-jq.json");
        Files.writeString(viaJq, Json.write(asJqWritesIt(Json.mapper().readTree(saved))));
        Result again = run("apply", viaJq.toString(), "--json", "--audit", audit().toString());
        assertThat(again.code).as(again.toString()).isEqualTo(4);
        assertThat(stockKeys()).isEqualTo(STOCK);
        assertThat(policy()).isEqualTo("noeviction");
    }

    /** What jq 1.6 (and JavaScript, Go) write for a JSON tree: an integral floating-point number as an integer. */
    static JsonNode asJqWritesIt(JsonNode n) {
        if (n.isFloatingPointNumber() && n.doubleValue() == Math.rint(n.doubleValue())) {
            return LongNode.valueOf(n.longValue());
        }
        if (n.isObject()) {
            ObjectNode o = Json.mapper().createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), asJqWritesIt(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = Json.mapper().createArrayNode();
            n.forEach(e -> a.add(asJqWritesIt(e)));
            return a;
        }
        return n;
    }

    @Test
    @Order(5)
    void stalePlan_exits3_andChangesNothing() {
        Result planned = plan("--out", home.resolve("stale.json").toString());
        assertThat(planned.code).as(planned.toString()).isEqualTo(5);
        redis.configSet("maxmemory", String.valueOf(maxmemory * 4)); // someone raised maxmemory meanwhile
        try {
            Result r = run(
                    "apply",
                    home.resolve("stale.json").toString(),
                    "--approve-as",
                    "alice",
                    "--reason",
                    "INC-2211 flush approved",
                    "--audit",
                    audit().toString());
            assertThat(r.code).as(r.toString()).isEqualTo(3);
            assertThat(r.err)
                    .contains("refused at step memory-is-above-90-of-maxmemory")
                    .contains("nothing was changed");
        } finally {
            redis.configSet("maxmemory", String.valueOf(maxmemory));
        }
        assertThat(stockKeys()).isEqualTo(STOCK);
        assertThat(policy()).isEqualTo("noeviction");

        // an edited plan file is refused before anything runs
        Result edited = run(
                "apply",
                edit(home.resolve("stale.json"), "\"keys\" : " + STOCK, "\"keys\" : 1"),
                "--approve-as",
                "alice",
                "--reason",
                "x",
                "--audit",
                audit().toString());
        assertThat(edited.code).as(edited.toString()).isEqualTo(3);
        assertThat(edited.err).contains("was edited after it was made");
        assertThat(stockKeys()).isEqualTo(STOCK);
    }

    @Test
    @Order(6)
    void applyOfTheHeldPlan_withApproval_exits0_andFixesTheServer() {
        Result r = run(
                "apply",
                home.resolve("plan.json").toString(),
                "--approve-as",
                "alice",
                "--reason",
                "INC-2211 flush approved in #wms-oncall",
                "--json",
                "--audit",
                audit().toString());
        assertThat(r.code).as(r.toString()).isEqualTo(0);
        JsonNode report = Schemas.assertValid("report-v1.json", r.out); // stdout is the JSON only
        assertThat(r.err).contains("runbook: applied");
        assertThat(report.at("/report/status").asText()).isEqualTo("SUCCEEDED");
        assertThat(report.at("/report/steps/2/outcome").asText()).isEqualTo("CHANGED");
        assertThat(report.get("auditHead").asText()).isNotBlank();
        assertThat(stockKeys()).isZero();
        assertThat(count("session:*")).isEqualTo(SESSIONS);
        assertThat(count("lock:*")).isEqualTo(LOCKS);
        assertThat(count("order:*")).isEqualTo(ORDERS);
        assertThat(policy()).isEqualTo("allkeys-lru");

        // applying the same plan again: the world moved (memory is low now), refused
        Result again = run(
                "apply",
                home.resolve("plan.json").toString(),
                "--approve-as",
                "alice",
                "--reason",
                "x",
                "--audit",
                audit().toString());
        assertThat(again.code).as(again.toString()).isEqualTo(3);
    }

    @Test
    @Order(7)
    void audit_verifyAndTimeline_ofTheRunsAbove() throws IOException {
        Result verify = run("audit", "verify", audit().toString());
        assertThat(verify.code).as(verify.toString()).isEqualTo(0);
        assertThat(verify.out).contains("hash chain verified");

        Result timeline = run("audit", "timeline", audit().toString());
        assertThat(timeline.code).as(timeline.toString()).isEqualTo(0);
        assertThat(timeline.out)
                .contains("delete-the-stock-cache-keys")
                .contains("alice")
                .contains("INC-2211 flush approved in #wms-oncall");

        Path tampered = Files.writeString(
                home.resolve("tampered.jsonl"), Files.readString(audit()).replace("alice", "mallory"));
        Result broken = run("audit", "verify", tampered.toString());
        assertThat(broken.code).as(broken.toString()).isEqualTo(1);
        assertThat(broken.err).contains("line");
    }

    @Test
    @Order(8)
    void resume_finishesACrashedRun_withoutRepeatingItsFinishedSteps() throws Exception {
        restage();
        // a resolved threshold that cannot be met yet: the run waits in step memory-is-below-1, where it is killed
        Result planned = plan(
                "--param",
                "resolvedRatio=0.01",
                "--param",
                "recoveryTimeout=2m",
                "--out",
                home.resolve("crash.json").toString());
        assertThat(planned.code).as(planned.toString()).isEqualTo(5);
        Path crashAudit = home.resolve("crash-audit.jsonl");
        Process p = start(
                "apply",
                home.resolve("crash.json").toString(),
                "--approve-as",
                "alice",
                "--reason",
                "INC-2212",
                "--audit",
                crashAudit.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(crashAudit) && Files.readString(crashAudit).contains("memory is below 1%"))) {
            assertThat(p.isAlive()).as("the apply ended before its wait step").isTrue();
            assertThat(System.nanoTime())
                    .as("the wait step did not start in 60 s")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
        p.destroyForcibly().waitFor(); // SIGKILL: the launcher exec'd java, so this is the JVM
        assertThat(stockKeys()).isZero(); // the delete had finished before the crash
        String runId;
        try (var files = Files.list(home.resolve("journal"))) {
            runId = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".plan.json"))
                    .map(n -> n.substring(0, n.length() - ".plan.json".length()))
                    .filter(id -> {
                        try {
                            return Files.readString(home.resolve("journal").resolve(id + ".plan.json"))
                                    .contains("\"resolvedRatio\" : \"0.01\"");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .findFirst()
                    .orElseThrow();
        }
        redis.configSet("maxmemory", String.valueOf(maxmemory * 1000)); // now memory is far below 1%
        Result r = run(
                "resume",
                runId,
                "--approve-as",
                "alice",
                "--reason",
                "INC-2212 resumed",
                "--json",
                "--audit",
                crashAudit.toString());
        assertThat(r.code).as(r.toString()).isEqualTo(0);
        JsonNode report = Schemas.assertValid("report-v1.json", r.out);
        assertThat(report.at("/report/runId").asText()).isEqualTo(runId);
        assertThat(report.at("/report/steps/2/message").asText()).contains("not repeated");
        assertThat(stockKeys()).isZero();
        assertThat(count("session:*")).isEqualTo(SESSIONS);
        assertThat(policy()).isEqualTo("allkeys-lru");
        Result verify = run("audit", "verify", crashAudit.toString());
        assertThat(verify.code).as(verify.toString()).isEqualTo(0);

        Result unknown = run("resume", "INC-004-nope");
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("no run 'INC-004-nope'");
    }

    // ---------------------------------------------------------------------------------------------

    private Result plan(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "plan",
                "INC-004",
                "--profile",
                "local",
                "--profiles",
                profiles.toString(),
                "--param",
                "recoveryTimeout=30s"));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    private static Path audit() {
        return home.resolve("audit.jsonl");
    }

    private static String edit(Path file, String from, String to) {
        try {
            String text = Files.readString(file);
            assertThat(text).contains(from);
            Path edited = file.resolveSibling("edited-" + file.getFileName());
            Files.writeString(edited, text.replace(from, to));
            return edited.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long usedMemory() {
        String info = redis.info("memory");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }

    static long stockKeys() {
        return count("cache:wms:stock:*");
    }

    static long count(String pattern) {
        long n = 0;
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> c = redis.scan(
                    cursor, io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(1000));
            n += c.getKeys().size();
            cursor = c;
        } while (!cursor.isFinished());
        return n;
    }

    static String policy() {
        return redis.configGet("maxmemory-policy").get("maxmemory-policy");
    }

    /** Stages the seed's keys again, with maxmemory just under what they use and policy noeviction. */
    static void restage() {
        redis.configSet("maxmemory", "0");
        redis.configSet("maxmemory-policy", "noeviction");
        String value = "x".repeat(200);
        Map<String, String> batch = new HashMap<>();
        for (int i = 0; i < STOCK; i++) {
            batch.put("cache:wms:stock:" + i, value);
            if (batch.size() == 1000) {
                redis.mset(batch);
                batch.clear();
            }
        }
        maxmemory = usedMemory() * 100 / 102;
        redis.configSet("maxmemory", String.valueOf(maxmemory));
    }

    /** Starts {@code ./runbook args} without waiting, its output discarded. */
    static Process start(String... args) throws IOException {
        return builder(args)
                .redirectOutput(home.resolve("bg-out.txt").toFile())
                .redirectError(home.resolve("bg-err.txt").toFile())
                .start();
    }

    static ProcessBuilder builder(String... args) {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("runbook").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().put("RUNBOOK_HOME", home.toString());
        pb.environment().remove("RUNBOOK_BINDING_KEY");
        pb.environment().put("RUNBOOK_NO_BUILD", "1"); // the jar of this build (package phase), never a nested build
        return pb;
    }

    /** Runs {@code ./runbook args} from the repository root with RUNBOOK_HOME in the temp dir. */
    static Result run(String... args) {
        return run(builder(args), args);
    }

    static Result run(ProcessBuilder pb, String... args) {
        try {
            Path out = Files.createTempFile(home, "out", ".txt");
            Path err = Files.createTempFile(home, "err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("./runbook " + String.join(" ", args) + " did not end in 180 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err), String.join(" ", args));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    record Result(int code, String out, String err, String args) {
        @Override
        public String toString() {
            return "./runbook " + args + " exited " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }
}
