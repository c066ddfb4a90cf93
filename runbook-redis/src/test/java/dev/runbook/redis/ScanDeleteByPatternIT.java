package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ActionContext;
import dev.runbook.core.ApplyResult;
import dev.runbook.core.Change;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.Secret;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.StepPlan;
import dev.runbook.core.TargetUnavailableException;
import dev.runbook.core.Verification;
import dev.runbook.test.ActionContract;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServers.class)
class ScanDeleteByPatternIT extends ActionContract<ScanDeleteByPattern> {
    static final String PATTERN = "cache:wms:stock:*";
    static RedisServers.Server primary;
    static RedisActions redis;

    /** Where {@link #moveTheWorld} points this class's server when it demotes it: nothing listens there. */
    static int deadPrimaryPort;

    @BeforeAll
    static void connect() {
        primary = RedisServers.standalone(); // its own server: moveTheWorld demotes it to a replica
        deadPrimaryPort = RedisServers.freePort();
        redis = RedisActions.connect(primary.uri());
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @BeforeEach
    void seed() {
        TestRedis.on(primary).replicaofNoOne();
        TestRedis.on(primary).flushall();
        TestRedis.strings(primary, "cache:wms:stock:", 300);
        for (int i = 0; i < 150; i++) {
            TestRedis.on(primary).pexpire("cache:wms:stock:" + i, 2 * 3_600_000L);
        }
        TestRedis.on(primary).hset("cache:wms:stock:h1", Map.of("a", "1", "b", "2"));
        TestRedis.strings(primary, "cache:wms:stock:pinned:", 5); // the action's own protected glob
        TestRedis.strings(primary, "cache:wms:stock:keep:", 5); // protected by the context's guards
        TestRedis.strings(primary, "session:", 10);
        TestRedis.strings(primary, "other:", 20);
    }

    @Override
    protected ScanDeleteByPattern action() {
        return redis.scanDelete(PATTERN).protect("cache:wms:stock:pinned:*").count(50);
    }

    @Override
    protected ActionContext context() {
        return ActionContext.builder()
                .guards(Guards.builder()
                        .protect("session:*", "lock:*", "cache:wms:stock:keep:*")
                        .build())
                .build();
    }

    @Override
    protected Map<String, ScanDeleteByPattern> variants() {
        return Map.ofEntries(
                Map.entry(
                        "pattern",
                        redis.scanDelete("cache:wms:stock:1*")
                                .protect("cache:wms:stock:pinned:*")
                                .count(50)),
                Map.entry("count", action().count(60)),
                Map.entry("type", action().type("string")),
                Map.entry("del", action().useDel()),
                Map.entry("minPrefix", action().minPrefix(2)),
                Map.entry("allowShortPrefix", action().allowShortPrefix()),
                Map.entry("protect", redis.scanDelete(PATTERN).count(50)), // the pinned keys no longer protected
                Map.entry("maxKeys", action().maxKeys(10)),
                Map.entry("allowGrowth", action().allowGrowth(5)),
                Map.entry("rate", action().rate(1_000)),
                Map.entry("sampleSize", action().sampleSize(10)),
                Map.entry("recountFirst", action().recountFirst()));
    }

    @Override
    protected Object snapshot() {
        return TestRedis.keys(primary);
    }

    /**
     * A failover between plan and apply: the server the plan saw is now a replica (of a primary that is
     * not there, so its keys stay as they were). A grown key set is not a stale plan by default: apply
     * stops at the plan's limit (see the growth tests below), unless {@code recountFirst()}.
     */
    @Override
    protected void moveTheWorld() {
        TestRedis.on(primary).replicaof("127.0.0.1", deadPrimaryPort);
    }

    private static Set<String> survivors() {
        Set<String> keep = new TreeSet<>();
        for (int i = 0; i < 5; i++) {
            keep.add("cache:wms:stock:pinned:" + i);
            keep.add("cache:wms:stock:keep:" + i);
        }
        for (int i = 0; i < 10; i++) {
            keep.add("session:" + i);
        }
        for (int i = 0; i < 20; i++) {
            keep.add("other:" + i);
        }
        return keep;
    }

    @Test
    void dryRun_showsExactCountSamplesHistogramsMemoryAndProtectedKeys() {
        StepPlan plan = action().rate(100).plan(context());
        ScanDeleteDryRun dry = plan.details(ScanDeleteDryRun.class);
        assertThat(dry.matching()).isEqualTo(301);
        assertThat(plan.radius("keys")).isEqualTo(301);
        assertThat(plan.rates()).containsEntry("keys/s", 100.0);
        assertThat(dry.sampled()).isEqualTo(301);
        assertThat(dry.typeHistogram()).isEqualTo(Map.of("string", 300L, "hash", 1L));
        assertThat(dry.ttlHistogram()).isEqualTo(Map.of("< 1 day", 150L, "no ttl", 151L));
        assertThat(dry.expiringAnyway()).isEqualTo(150);
        assertThat(dry.estimatedBytes()).isGreaterThan(301L * 40);
        assertThat(dry.protectedMatched()).isEqualTo(10);
        assertThat(dry.protectedSample()).hasSize(10).allMatch(k -> k.contains(":pinned:") || k.contains(":keep:"));
        assertThat(dry.sampleKeys()).isNotEmpty().allMatch(k -> k.startsWith("cache:wms:stock:"));
        assertThat(dry.sampleKeys()).noneMatch(k -> k.contains(":pinned:") || k.contains(":keep:"));
        assertThat(dry.estimatedDuration()).isEqualTo("4 s");
        assertThat(plan.summary()).contains("UNLINK 301 keys matching 'cache:wms:stock:*'");
        assertThat(plan.warnings()).anyMatch(w -> w.contains("10 matching keys are protected"));
        assertThat(TestRedis.keys(primary)).hasSize(301 + 40);
    }

    @Test
    void dryRun_byScriptOnTheServer_equalsTheClientScan_andSendsNoScan() {
        TestRedis.on(primary).configResetstat();
        ScanDeleteDryRun scripted = action().sampleSize(50).plan(context()).details(ScanDeleteDryRun.class);
        assertThat(calls("evalsha")).as("counted by script steps").isGreaterThan(0);
        assertThat(calls("scan")).as("SCAN only inside the script").isEqualTo(calls("evalsha"));
        try (RedisActions limited = connectWithout(
                "noscript3",
                io.lettuce.core.protocol.CommandType.EVALSHA,
                io.lettuce.core.protocol.CommandType.SCRIPT)) {
            ScanDeleteDryRun scanned = limited.scanDelete(PATTERN)
                    .protect("cache:wms:stock:pinned:*")
                    .sampleSize(50)
                    .plan(context())
                    .details(ScanDeleteDryRun.class);
            assertThat(scripted.matching()).isEqualTo(scanned.matching()).isEqualTo(301);
            assertThat(scripted.protectedMatched())
                    .isEqualTo(scanned.protectedMatched())
                    .isEqualTo(10);
            assertThat(scripted.sampled()).isEqualTo(scanned.sampled()).isEqualTo(50);
            assertThat(scripted.protectedSample())
                    .hasSize(10)
                    .containsExactlyInAnyOrderElementsOf(scanned.protectedSample());
            assertThat(scripted.sampleKeys())
                    .hasSize(20)
                    .allMatch(
                            k -> k.startsWith("cache:wms:stock:") && !k.contains(":pinned:") && !k.contains(":keep:"));
        } finally {
            TestRedis.on(primary).aclDeluser("noscript3");
        }
        assertThat(TestRedis.keys(primary)).hasSize(301 + 40);
    }

    @Test
    void apply_deletesEveryUnprotectedMatchAndKeepsTheRest() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
        assertThat(r.count("deleted")).isEqualTo(301);
        assertThat(r.count("protectedKept")).isEqualTo(10);
        assertThat(TestRedis.keys(primary)).isEqualTo(survivors());
        assertThat(action().verify(plan, r, ctx).ok()).isTrue();
    }

    @Test
    void typeFilter_deletesOnlyThatType_andDelWorksToo() {
        ActionContext ctx = context();
        ScanDeleteByPattern hashes = action().type("hash").useDel();
        StepPlan plan = hashes.plan(ctx);
        assertThat(plan.details(ScanDeleteDryRun.class).matching()).isEqualTo(1);
        assertThat(plan.summary()).startsWith("DEL 1 key matching");
        assertThat(hashes.apply(plan, ctx).count("deleted")).isEqualTo(1);
        assertThat(TestRedis.on(primary).exists("cache:wms:stock:h1")).isZero();
        assertThat(TestRedis.keys(primary)).hasSize(300 + 40);
    }

    @Test
    void refusesEmptyMatchEverythingAndShortPatterns() {
        assertRefusedWithoutChange(() -> redis.scanDelete("").plan(context()), "empty pattern");
        assertRefusedWithoutChange(() -> redis.scanDelete("*").plan(context()), "matches every key");
        assertRefusedWithoutChange(
                () -> redis.scanDelete("**").allowShortPrefix().plan(context()), "every key");
        assertRefusedWithoutChange(
                () -> redis.scanDelete("ca*").plan(context()), "literal prefix 'ca'", ".allowShortPrefix()");
        assertRefusedWithoutChange(
                () -> redis.scanDelete("cache:*").minPrefix(10).plan(context()), "minimum of 10");
        StepPlan allowed = redis.scanDelete("ot*").allowShortPrefix().plan(context());
        assertThat(allowed.details(ScanDeleteDryRun.class).matching()).isEqualTo(20);
    }

    @Test
    void noMatch_isAnUnchangedPlan_andApplyChangesNothing() {
        ActionContext ctx = context();
        ScanDeleteByPattern none = redis.scanDelete("cache:nothing:here:*");
        StepPlan plan = none.plan(ctx);
        assertThat(plan.change()).isEqualTo(Change.NONE);
        assertThat(plan.summary()).startsWith("unchanged: no unprotected key matches 'cache:nothing:here:*'");
        Object before = snapshot();
        assertThat(none.apply(plan, ctx).outcome()).isEqualTo(Outcome.UNCHANGED);
        assertThat(snapshot()).isEqualTo(before);
        StepPlan onlyProtected = redis.scanDelete("session:*").plan(ctx);
        assertThat(onlyProtected.change()).isEqualTo(Change.NONE);
        assertThat(onlyProtected.summary()).contains("10 protected keys match and are kept");
    }

    @Test
    void oneKey_isCountedInTheSingular() {
        ActionContext ctx = context();
        ScanDeleteByPattern one = redis.scanDelete("other:1*").protect("other:1?");
        StepPlan plan = one.plan(ctx);
        assertThat(plan.summary()).startsWith("UNLINK 1 key matching 'other:1*'");
        assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).startsWith("10 matching keys are protected"));
        assertThat(one.apply(plan, ctx).summary()).startsWith("unlinked 1 key matching 'other:1*'");
        assertThat(TestRedis.on(primary).exists("other:1")).isZero();
        assertThat(TestRedis.on(primary).exists("other:10", "other:19")).isEqualTo(2);
    }

    @Test
    void maxKeys_refusesAPlanOverTheBudget() {
        assertRefusedWithoutChange(
                () -> action().maxKeys(100).plan(context()),
                "matches 301 keys",
                "more than maxKeys 100",
                ".maxKeys(301)");
    }

    @Test
    void growthWithinAllowGrowth_isDeletedToo_butNeverMoreThanPlanned() {
        ActionContext ctx = context();
        ScanDeleteByPattern growing = action().allowGrowth(10);
        StepPlan plan = growing.plan(ctx);
        assertThat(plan.radius("keys")).isEqualTo(311);
        TestRedis.strings(primary, "cache:wms:stock:new:", 10);
        assertThat(growing.apply(plan, ctx).count("deleted")).isEqualTo(311);
        assertThat(TestRedis.keys(primary)).isEqualTo(survivors());
        assertThat(growing.plan(ctx).isNoop()).isTrue();
        seed();
        StepPlan fresh = growing.plan(ctx);
        TestRedis.strings(primary, "cache:wms:stock:late:", 11);
        ApplyResult stopped = growing.apply(fresh, ctx);
        assertThat(stopped.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(stopped.count("deleted")).isEqualTo(311);
        assertThat(stopped.count("leftAtCap")).isEqualTo(1);
        assertThat(TestRedis.on(primary).keys(PATTERN)).hasSize(1 + 10);
    }

    @Test
    void recountFirst_refusesAGrownSetBeforeDeletingAnything() {
        ActionContext ctx = context();
        ScanDeleteByPattern careful = action().allowGrowth(10).recountFirst();
        StepPlan plan = careful.plan(ctx);
        TestRedis.strings(primary, "cache:wms:stock:late:", 11);
        Object grown = snapshot();
        assertThatThrownBy(() -> careful.apply(plan, ctx))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("312 keys match")
                .hasMessageContaining("Nothing was deleted")
                .hasMessageContaining("allows at most 311");
        assertThat(snapshot()).isEqualTo(grown);
        TestRedis.on(primary).del("cache:wms:stock:late:0");
        assertThat(careful.apply(plan, ctx).count("deleted")).isEqualTo(311);
        assertThat(TestRedis.keys(primary)).isEqualTo(survivors());
    }

    @Test
    void protectedQuestionMark_isOneCharacter_evenMultiByte_inTheScriptsToo() {
        TestRedis.on(primary).set("cache:wms:stock:x:\u00e9", "two UTF-8 bytes");
        TestRedis.on(primary).set("cache:wms:stock:x:\ud83d\ude00", "four UTF-8 bytes");
        TestRedis.on(primary).set("cache:wms:stock:x:ab", "two characters: not protected");
        ActionContext ctx = context();
        // recountFirst: the script count must agree with the plan's Java count, or apply refuses as stale
        ScanDeleteByPattern a = action().protect("cache:wms:stock:x:?").recountFirst();
        StepPlan plan = a.plan(ctx);
        assertThat(plan.radius("keys")).isEqualTo(301 + 1);
        ApplyResult r = a.apply(plan, ctx);
        assertThat(r.count("deleted")).isEqualTo(301 + 1);
        assertThat(r.count("protectedKept")).isEqualTo(10 + 2);
        assertThat(TestRedis.on(primary).exists("cache:wms:stock:x:\u00e9", "cache:wms:stock:x:\ud83d\ude00"))
                .isEqualTo(2);
        assertThat(TestRedis.on(primary).exists("cache:wms:stock:x:ab")).isZero();
    }

    @Test
    void connect_sendsNothingTheServerRejects() {
        TestRedis.on(primary).configResetstat();
        try (RedisActions fresh = RedisActions.connect(primary.uri())) {
            assertThat(fresh.scanDelete(PATTERN).plan(context()).radius("keys")).isEqualTo(301 + 5);
        }
        assertThat(TestRedis.on(primary).info("errorstats"))
                .as("no CLIENT SETINFO for Redis 7.0 to reject")
                .doesNotContain("errorstat_");
    }

    @Test
    void onAReplica_refusesNamingThePrimary() {
        try (RedisActions onReplica =
                RedisActions.connect(RedisServers.replica().uri())) {
            RedisServers.awaitLinkUp(RedisServers.replica());
            assertRefusedWithoutChange(
                    () -> onReplica.scanDelete(PATTERN).plan(context()),
                    "is a replica",
                    "127.0.0.1:" + RedisServers.primary().port());
        }
    }

    @Test
    void unreachableServer_isTargetUnavailable() {
        int port = RedisServers.freePort();
        try (RedisActions gone = RedisActions.connect("redis://127.0.0.1:" + port)) {
            assertThatThrownBy(() -> gone.scanDelete(PATTERN).plan(context()))
                    .isInstanceOf(TargetUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("running");
        }
    }

    @Test
    void wrongPassword_isNotRetriable_andTheRightOneWorks() {
        RedisServers.Server locked = RedisServers.standalone("--requirepass", "s3cret");
        try (RedisActions wrong = RedisActions.connect(locked.uri(), Secret.of("nope"));
                RedisActions right = RedisActions.connect(locked.uri(), Secret.of("s3cret"))) {
            assertThatThrownBy(() -> wrong.scanDelete(PATTERN).plan(context()))
                    .isInstanceOfSatisfying(TargetUnavailableException.class, e -> assertThat(e.retriable())
                            .as("retriable? %s, caused by %s", e, e.getCause())
                            .isFalse())
                    .hasMessageContaining("authentication")
                    .hasMessageNotContaining("nope");
            assertThat(right.scanDelete(PATTERN).plan(context()).isNoop()).isTrue();
        } finally {
            RedisServers.stop(locked);
        }
    }

    @Test
    void keysCreatedDuringApply_areLeftAtThePlansLimitAndReportedByVerify() {
        AtomicBoolean once = new AtomicBoolean();
        ActionContext ctx = ActionContext.builder()
                .guards(context().guards())
                .progress((step, what, done, total) -> {
                    if (once.compareAndSet(false, true)) {
                        TestRedis.strings(primary, "cache:wms:stock:zz:", 100);
                        TestRedis.on(primary).del("cache:wms:stock:200", "cache:wms:stock:201");
                    }
                })
                .build();
        StepPlan plan = action().plan(ctx);
        ApplyResult r = action().apply(plan, ctx);
        assertThat(r.count("sent")).isLessThanOrEqualTo(301);
        assertThat(r.count("deleted")).isLessThanOrEqualTo(301);
        assertThat(r.outcome()).isEqualTo(r.count("leftAtCap") > 0 ? Outcome.FAILED : Outcome.CHANGED);
        java.util.SortedSet<String> left = TestRedis.keys(primary);
        left.removeAll(survivors());
        assertThat(left).hasSizeGreaterThanOrEqualTo(100 - 2).allMatch(k -> k.startsWith("cache:wms:stock:"));
        Verification v = action().verify(plan, r, ctx);
        assertThat(v.ok()).isFalse();
        assertThat(v.message()).contains(String.format("%,d keys match", left.size()));
        assertThat(survivors()).isSubsetOf(TestRedis.keys(primary));
    }

    @Test
    void oneHugeKey_isUnlinkedAndTheServerStaysResponsive() {
        TestRedis.on(primary).flushall();
        for (int chunk = 0; chunk < 40; chunk++) {
            Map<String, String> fields = new java.util.HashMap<>();
            for (int i = 0; i < 5000; i++) {
                fields.put("f" + chunk + ":" + i, "value-" + i);
            }
            TestRedis.on(primary).hset("cache:wms:stock:huge", fields);
        }
        assertThat(TestRedis.on(primary).hlen("cache:wms:stock:huge")).isEqualTo(200_000);
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        assertThat(plan.details(ScanDeleteDryRun.class).estimatedBytes()).isGreaterThan(5_000_000);
        long lazyBefore = lazyFreed();
        ApplyResult r = action().apply(plan, ctx);
        long fastestPing = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertThat(TestRedis.on(primary).ping()).isEqualTo("PONG");
            fastestPing = Math.min(fastestPing, (System.nanoTime() - t0) / 1_000_000);
        }
        assertThat(r.count("deleted")).isEqualTo(1);
        assertThat(TestRedis.on(primary).exists("cache:wms:stock:huge")).isZero();
        RedisServers.await(
                () -> lazyFreed() > lazyBefore,
                "the 200k-field hash freed in the background (UNLINK: lazyfreed_objects grows), not by DEL");
        assertThat(fastestPing)
                .as("PING right after UNLINK of a 200k-field hash")
                .isLessThan(200);
    }

    /** Connects as a new user {@code user} (password pw) who may run every command but {@code denied}. */
    private static RedisActions connectWithout(String user, io.lettuce.core.protocol.CommandType... denied) {
        io.lettuce.core.AclSetuserArgs acl = io.lettuce.core.AclSetuserArgs.Builder.on()
                .addPassword("pw")
                .allKeys()
                .allCommands();
        for (io.lettuce.core.protocol.CommandType c : denied) {
            acl.removeCommand(c);
        }
        TestRedis.on(primary).aclSetuser(user, acl);
        return RedisActions.connect(io.lettuce.core.RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(primary.port())
                .withAuthentication(user, "pw")
                .build());
    }

    /** How many times the server ran a command since the last CONFIG RESETSTAT (0 if never). */
    private static long calls(String command) {
        String stats = TestRedis.on(primary).info("commandstats");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)")
                .matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static long lazyFreed() {
        return RedisInfo.number(RedisInfo.parse(TestRedis.on(primary).info("memory")), "lazyfreed_objects");
    }

    @Test
    void connectionDroppedMidRun_thenRerunFinishes_throttled() throws Exception {
        dropMidRunThenRerun(true);
    }

    @Test
    void connectionDroppedMidRun_thenRerunFinishes_unthrottled() throws Exception {
        dropMidRunThenRerun(false);
    }

    private void dropMidRunThenRerun(boolean throttled) throws Exception {
        TestRedis.strings(primary, "cache:wms:stock:bulk:", 4000);
        try (TcpProxy proxy = new TcpProxy(primary.port());
                RedisActions viaProxy = RedisActions.connect(io.lettuce.core.RedisURI.builder()
                        .withHost("127.0.0.1")
                        .withPort(proxy.port())
                        .withTimeout(java.time.Duration.ofSeconds(2))
                        .build())) {
            java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
            ActionContext ctx = ActionContext.builder()
                    .guards(context().guards())
                    .progress((step, what, done, total) -> {
                        if (batches.incrementAndGet() == 5) {
                            proxy.cut();
                        }
                    })
                    .build();
            ScanDeleteByPattern slow = viaProxy.scanDelete(PATTERN)
                    .protect("cache:wms:stock:pinned:*")
                    .count(100);
            if (throttled) {
                slow = slow.rate(20_000);
            }
            ScanDeleteByPattern action = slow;
            StepPlan plan = action.plan(ctx);
            assertThat(plan.radius("keys")).isEqualTo(4301);
            assertThatThrownBy(() -> action.apply(plan, ctx))
                    .isInstanceOfSatisfying(TargetUnavailableException.class, e -> assertThat(e.retriable())
                            .isTrue());
        }
        long left = TestRedis.on(primary).keys(PATTERN).size() - 10L;
        assertThat(left).as("keys left after the cut").isBetween(1L, 4300L);
        ActionContext ctx = context();
        StepPlan again = action().plan(ctx);
        assertThat(again.radius("keys")).isEqualTo(left);
        assertThat(action().apply(again, ctx).count("deleted")).isEqualTo(left);
        assertThat(TestRedis.keys(primary)).isEqualTo(survivors());
    }

    @Test
    void grownSet_applyStopsAtThePlansLimit_andLeavesTheRestForTheNextPlan() {
        ActionContext ctx = context();
        ScanDeleteByPattern fast = action();
        StepPlan plan = fast.plan(ctx);
        TestRedis.strings(primary, "cache:wms:stock:late:", 50);
        ApplyResult r = fast.apply(plan, ctx);
        assertThat(r.count("sent")).isEqualTo(301);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.count("leftAtCap")).isEqualTo(50);
        assertThat(r.summary())
                .contains("stopped at the plan's limit of 301 keys")
                .contains("left 50");
        assertThat(TestRedis.on(primary).keys(PATTERN)).hasSize(50 + 10);
        assertThat(fast.verify(plan, r, ctx).message()).startsWith("50 keys match");
    }

    @Test
    void usersOwnClientAndConnection_work_andStayOpen() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(primary.uri());
        try (var conn = client.connect()) {
            ActionContext ctx = context();
            try (RedisActions viaConnection = RedisActions.of(conn)) {
                ScanDeleteByPattern onConn =
                        viaConnection.scanDelete("cache:wms:stock:1*").protect("cache:wms:stock:pinned:*");
                assertThat(onConn.target()).contains("127.0.0.1:" + primary.port());
                ApplyResult r = onConn.apply(onConn.plan(ctx), ctx);
                assertThat(r.count("deleted")).isEqualTo(111);
            }
            assertThat(conn.isOpen()).as("the user's connection stays open").isTrue();
            try (RedisActions viaClient = RedisActions.of(client)) {
                ScanDeleteByPattern onClient = viaClient.scanDelete(PATTERN).protect("cache:wms:stock:pinned:*");
                ApplyResult r = onClient.apply(onClient.plan(ctx), ctx);
                assertThat(r.count("deleted")).isEqualTo(301 - 111);
                assertThat(onClient.plan(ctx).isNoop()).isTrue();
            }
            assertThat(conn.sync().ping()).isEqualTo("PONG");
            assertThat(TestRedis.keys(primary)).isEqualTo(survivors());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void withoutScriptPermission_deletesFromTheClient_andTheRecountScans() {
        try (RedisActions limited = connectWithout(
                "noscript",
                io.lettuce.core.protocol.CommandType.EVAL,
                io.lettuce.core.protocol.CommandType.EVALSHA,
                io.lettuce.core.protocol.CommandType.SCRIPT)) {
            ActionContext ctx = context();
            ScanDeleteByPattern flush = limited.scanDelete(PATTERN)
                    .protect("cache:wms:stock:pinned:*")
                    .recountFirst();
            StepPlan plan = flush.plan(ctx);
            TestRedis.strings(primary, "cache:wms:stock:late:", 1);
            assertThatThrownBy(() -> flush.apply(plan, ctx))
                    .isInstanceOf(StalePlanException.class)
                    .hasMessageContaining("302 keys match");
            TestRedis.on(primary).del("cache:wms:stock:late:0");
            ApplyResult r = flush.apply(plan, ctx);
            assertThat(r.count("deleted")).isEqualTo(301);
            assertThat(r.count("protectedKept")).isEqualTo(10);
            assertThat(TestRedis.keys(primary)).isEqualTo(survivors());
        } finally {
            TestRedis.on(primary).aclDeluser("noscript");
        }
    }

    @Test
    void scriptStepsAndClientPipeline_deleteTheSameKeys() {
        ActionContext ctx = context();
        StepPlan plan = action().plan(ctx);
        TestRedis.on(primary).configResetstat();
        ApplyResult scripted = action().apply(plan, ctx);
        java.util.SortedSet<String> afterScript = TestRedis.keys(primary);
        assertThat(calls("evalsha")).as("script steps").isGreaterThan(0);
        seed();
        TestRedis.on(primary).configResetstat();
        try (RedisActions limited = connectWithout("noscript2", io.lettuce.core.protocol.CommandType.EVALSHA)) {
            ScanDeleteByPattern viaClient = limited.scanDelete(PATTERN)
                    .protect("cache:wms:stock:pinned:*")
                    .count(50);
            ApplyResult piped = viaClient.apply(viaClient.plan(ctx), ctx);
            assertThat(piped.counts()).isEqualTo(scripted.counts());
            assertThat(calls("evalsha")).as("no script step ran").isZero();
            assertThat(calls("unlink")).as("UNLINK batches from the client").isGreaterThan(0);
            assertThat(TestRedis.keys(primary)).isEqualTo(afterScript).isEqualTo(survivors());
        } finally {
            TestRedis.on(primary).aclDeluser("noscript2");
        }
    }
}
