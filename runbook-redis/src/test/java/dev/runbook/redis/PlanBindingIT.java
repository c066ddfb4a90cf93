package dev.runbook.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.ApprovalGate;
import dev.runbook.core.BindingKey;
import dev.runbook.core.Plan;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.audit.AuditEvent;
import dev.runbook.test.RecordingAuditSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26's reproductions on a real redis-server: a runbook rebuilt between plan and apply (another
 * value, or without its protect pattern) is refused before any write, in this JVM and in a fresh one
 * that applies the plan saved as JSON.
 */
@ExtendWith(RedisServers.class)
class PlanBindingIT {
    private static final String KEY = "0123456789abcdef-binding-key-for-tests";

    private RedisServers.Server server;
    private RedisActions redis;
    private final RecordingAuditSink audit = new RecordingAuditSink();
    private RunbookEngine engine;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = RedisServers.standalone();
        redis = RedisActions.connect(server.uri());
        engine = RunbookEngine.builder()
                .approvals(ApprovalGate.approveAll("oncall", "reviewed in chat"))
                .audit(audit)
                .bindingKey(BindingKey.of(Secret.of(KEY)))
                .build();
    }

    @AfterEach
    void stop() {
        redis.close();
        RedisServers.stop(server);
    }

    @Test
    void aRunbookRebuiltWithAnotherConfigValue_isRefused_andTheValueIsUntouched() {
        Plan plan = engine.plan(policy("allkeys-lru"));
        assertThat(plan.step("set-policy").summary()).contains("from noeviction to allkeys-lru");

        assertThatThrownBy(() -> engine.apply(policy("volatile-ttl"), plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("step set-policy (redis.setConfig on " + redis.name()
                        + " config maxmemory-policy): parameter 'value' is now \"volatile-ttl\"; the reviewed plan"
                        + " had \"allkeys-lru\"")
                .hasMessageContaining("Nothing was applied; plan again and review the new plan");
        assertThat(TestRedis.on(server).configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");
        assertThat(audit.events()).extracting(AuditEvent::type).containsExactly(AuditEvent.Type.APPLY_REFUSED);
    }

    @Test
    void aRunbookRebuiltWithoutItsProtectPattern_isRefused_andNoKeyIsDeleted() {
        TestRedis.strings(server, "orders:cache:item:", 100);
        TestRedis.strings(server, "orders:cache:pinned:", 10);
        Plan plan = engine.plan(flush(true));
        assertThat(plan.step("flush-the-orders-cache").action().warnings())
                .anySatisfy(w -> assertThat(w).contains("10 matching keys are protected and will be kept"));

        assertThatThrownBy(() -> engine.apply(flush(false), plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining(
                        "parameter 'protect' is now []; the reviewed plan had [\"orders:cache:pinned:*\"]");
        assertThat(TestRedis.keys(server)).hasSize(110);
    }

    @Test
    void aPlanSavedAsJson_appliedByAnotherJvm_isBoundTheSameWay() throws Exception {
        Path saved = dir.resolve("plan.json");
        Files.writeString(saved, engine.plan(policy("allkeys-lru")).toJson());

        Child refused = applyInChildJvm(saved, "volatile-ttl");
        assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output())
                .contains("StalePlanException")
                .contains("parameter 'value' is now \"volatile-ttl\"; the reviewed plan had \"allkeys-lru\"");
        assertThat(TestRedis.on(server).configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "noeviction");

        Child applied = applyInChildJvm(saved, "allkeys-lru");
        assertThat(applied.exit()).as(applied.output()).isZero();
        assertThat(applied.output()).contains("SUCCEEDED");
        assertThat(TestRedis.on(server).configGet("maxmemory-policy")).containsEntry("maxmemory-policy", "allkeys-lru");
    }

    @Test
    void aSecretConfigValue_isBoundAsAHash_andNeverInThePlanOrTheAudit() {
        TestRedis.on(server).configSet("masterauth", "old-Secret-1");
        Runbook rotate = Runbook.builder("P-3", "rotate")
                .step("set masterauth", redis.setConfig("masterauth", Secret.of("new-Secret-2")))
                .build();
        Plan plan = engine.plan(rotate);
        assertThat(plan.toJson()).doesNotContain("old-Secret-1").doesNotContain("new-Secret-2");

        Runbook other = Runbook.builder("P-3", "rotate")
                .step("set masterauth", redis.setConfig("masterauth", Secret.of("other-Secret-3")))
                .build();
        assertThatThrownBy(() -> engine.apply(other, plan))
                .isInstanceOf(StalePlanException.class)
                .hasMessageNotContaining("other-Secret-3")
                .hasMessageNotContaining("new-Secret-2");
        assertThat(TestRedis.on(server).configGet("masterauth")).containsEntry("masterauth", "old-Secret-1");

        engine.apply(rotate, plan);
        assertThat(TestRedis.on(server).configGet("masterauth")).containsEntry("masterauth", "new-Secret-2");
        assertThat(audit.events()).isNotEmpty().allSatisfy(e -> assertThat(e.toString())
                .doesNotContain("old-Secret-1")
                .doesNotContain("new-Secret-2"));
    }

    private Runbook policy(String value) {
        return Runbook.builder("P-1", "policy")
                .step("set policy", redis.setConfig("maxmemory-policy", value))
                .build();
    }

    private Runbook flush(boolean protectPinned) {
        ScanDeleteByPattern delete = redis.scanDelete("orders:cache:*").maxKeys(200);
        return Runbook.builder("P-2", "poisoned cache")
                .step("flush the orders cache", protectPinned ? delete.protect("orders:cache:pinned:*") : delete)
                .build();
    }

    private record Child(int exit, String output) {}

    /** Runs {@link SavedPlanApplier} in a new JVM with the same class path and binding key. */
    private Child applyInChildJvm(Path planFile, String value) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SavedPlanApplier.class.getName());
        cmd.add(server.uri());
        cmd.add(planFile.toString());
        cmd.add(value);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(BindingKey.ENVIRONMENT_VARIABLE, KEY);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        return new Child(p.exitValue(), out);
    }
}
