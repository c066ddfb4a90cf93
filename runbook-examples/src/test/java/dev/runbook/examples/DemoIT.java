package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Guards;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.audit.AuditLogVerifier;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, {@code ./demo}, runs this path: stage, plan, approve, apply, verify the audit. */
class DemoIT {
    @TempDir
    Path out;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoFixesEveryStagedIncidentAndVerifiesItsAudit() {
        Demo.Options options = Demo.Options.parse("--out", out.toString());

        List<DemoResult> results = Demo.run(options, DemoApprovals.policy(console), console);

        assertThat(results)
                .extracting(DemoResult::scenario)
                .startsWith("INC-004", "INC-005", "INC-007")
                .contains("INC-001", "INC-003", "INC-002")
                .containsExactlyElementsOf(Demo.SCENARIOS.keySet());
        DemoResult inc004 = results.get(0);
        assertThat(inc004.report())
                .succeeded()
                .step("delete-the-stock-cache-keys")
                .hasOutcome(Outcome.CHANGED);
        assertThat(inc004.fixed()).isTrue();
        assertThat(inc004.after())
                .contains("maxmemory-policy allkeys-lru (was noeviction)")
                .containsPattern("cache:wms:stock:\\* +0 keys \\(staged 200,000\\)")
                .containsPattern("session:\\* +2,000 keys \\(staged 2,000, intact\\)");
        assertThat(AuditLogVerifier.verify(inc004.auditFile())).hasSize(inc004.auditRecords());

        DemoResult inc005 = results.get(1);
        assertThat(inc005.plan())
                .isReady()
                .hasStep("half-open-the-breaker-for-inside")
                .changes();
        assertThat(inc005.report())
                .succeeded()
                .step("half-open-the-breaker-for-inside")
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("integration-svc-is-healthy")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(inc005.fixed()).isTrue();
        assertThat(inc005.after()).isEqualTo("breaker for inside is CLOSED after 1 half-open call(s)");
        List<JsonNode> audit = AuditLogVerifier.verify(inc005.auditFile());
        assertThat(audit).hasSize(inc005.auditRecords()).isNotEmpty();
        assertThat(inc005.auditFile()).startsWith(out.toAbsolutePath());
        assertThat(audit)
                .extracting(r -> r.path("event").path("type").asText())
                .contains("RUN_STARTED", "APPROVAL_GRANTED", "MANUAL_CONFIRMED", "RUN_FINISHED");
        DemoResult inc007 = results.get(2);
        String skip = "skip-poison-message";
        assertThat(inc007.plan()).isReady().hasStep("start-consumers").withBlastRadius("replicas", 6);
        assertThat(inc007.report())
                .succeeded()
                .step(skip)
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("lag-below-resolved")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(inc007.fixed()).isTrue();
        assertThat(inc007.after()).contains("orders.events:0 committed").contains("6 consumers ready");
        assertThat(AuditLogVerifier.verify(inc007.auditFile())).hasSize(inc007.auditRecords());
        assertThat(printed())
                .contains("=== INC-007 · Consumer lag spike: skip a poison message")
                .contains("approval for " + skip + ": approved by demo-policy");
        assertThat(printed())
                .contains("=== INC-004 · Redis OOM")
                .contains("OOM command not allowed")
                .contains("approval for delete-the-stock-cache-keys: approved by demo-policy")
                .contains("=== INC-005 · Integration circuit breaker triggered")
                .contains("ready to apply")
                .contains("approval for half-open-the-breaker-for-inside: approved by demo-policy")
                .contains("SUCCEEDED")
                .contains("hash chain verified")
                .containsPattern("#prod-alerts <- .*runbook started")
                .containsPattern("#prod-alerts <- .*run SUCCEEDED")
                .contains("# Post-Mortem: DEMO-INC-004 Redis OOM")
                .contains("# Post-Mortem: DEMO-INC-005")
                .doesNotContain("/services/demo")
                .doesNotContain("Bearer demo-");
        seedScenariosFixedTheirServers(results);
    }

    /** INC-001, INC-003 and INC-002: each report succeeded and the state read back from the servers is fixed. */
    private void seedScenariosFixedTheirServers(List<DemoResult> results) {
        DemoResult inc001 = result(results, "INC-001");
        assertThat(inc001.report()).succeeded().step("scale-back").hasOutcome(Outcome.CHANGED);
        assertThat(inc001.fixed()).isTrue();
        assertThat(inc001.after())
                .contains("replicas 3 (ready 3, restartedAt ")
                .contains("ENABLE_AUTO_DISPATCH=true; LLEN dispatch:queue:HCMC = 0 (850 orders dispatched");
        DemoResult inc003 = result(results, "INC-003");
        assertThat(inc003.report()).succeeded().step("promote-the-replica").hasOutcome(Outcome.CHANGED);
        assertThat(inc003.fixed()).isTrue();
        assertThat(inc003.after()).contains("primary (read-only)").contains(", 0 of them missing on the new one");
        DemoResult inc002 = result(results, "INC-002");
        assertThat(inc002.report()).succeeded();
        assertThat(inc002.fixed()).isTrue();
        assertThat(inc002.after())
                .contains("inside.payment.succeeded/replayed=39")
                .contains("received 39 requests for 39 events");
        for (DemoResult r : List.of(inc001, inc003, inc002)) {
            assertThat(AuditLogVerifier.verify(r.auditFile())).hasSize(r.auditRecords());
        }
        assertThat(printed())
                .contains("=== INC-001 · Dispatch engine down")
                .contains("=== INC-003 · MySQL replica lag")
                .contains("=== INC-002 · Payment webhook failed");
    }

    private static DemoResult result(List<DemoResult> results, String id) {
        return results.stream().filter(r -> r.scenario().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void inc004_onTheRealServer_deletesOnlyTheStockCacheAndSetsTheEvictionPolicy() {
        try (RedisOomScenario scenario = RedisOomScenario.start()) {
            RedisState before = scenario.state();
            assertThat(before.count("cache:wms:stock")).isEqualTo(200_000);
            assertThat(before.ratio()).isGreaterThan(RedisOom.ALERT_RATIO);
            assertThat(before.policy()).isEqualTo("noeviction");

            DemoResult r = Demo.runOne(
                    "INC-004",
                    scenario,
                    Demo.Options.parse("--out", out.toString()),
                    DemoApprovals.policy(console),
                    console);

            assertThat(r.plan())
                    .isReady()
                    .hasStep("delete-the-stock-cache-keys")
                    .withBlastRadius("keys", 200_000)
                    .requiresApproval();
            assertThat(r.plan().toString())
                    .containsPattern("used/maxmemory > 90%: used [0-9.]+ MB of [0-9.]+ MB \\(10[0-9]%\\)")
                    .contains("cache:wms:stock")
                    .containsPattern("1,000 of 207,050 keys: [0-9,]+ cache");
            assertThat(r.report())
                    .succeeded()
                    .step("delete-the-stock-cache-keys")
                    .hasOutcome(Outcome.CHANGED)
                    .and()
                    .step("set-maxmemory-policy-allkeys-lru")
                    .hasOutcome(Outcome.CHANGED)
                    .and()
                    .step("tell-the-team")
                    .hasOutcome(Outcome.CHANGED);
            RedisState after = scenario.state(); // read from the server again, not from the report
            assertThat(after.count("cache:wms:stock")).isZero();
            for (String kept : List.of("session", "lock:order", "order", "cache:wms:sku", "dispatch:invitations")) {
                assertThat(after.count(kept))
                        .as(kept)
                        .isEqualTo(before.count(kept))
                        .isPositive();
            }
            assertThat(after.keys()).isEqualTo(before.keys() - 200_000);
            assertThat(after.policy()).isEqualTo("allkeys-lru");
            assertThat(after.ratio()).isLessThan(RedisOom.RESOLVED_RATIO);
            assertThat(after.maxBytes()).isEqualTo(before.maxBytes());
            assertThat(scenario.fixed()).isTrue();
            List<JsonNode> audit = AuditLogVerifier.verify(r.auditFile());
            assertThat(audit)
                    .extracting(a -> a.path("event").path("type").asText())
                    .contains("RUN_STARTED", "APPROVAL_GRANTED", "MANUAL_CONFIRMED", "RUN_FINISHED");
        }
    }

    @Test
    void inc004_planWritesNothingOnTheRealServer() {
        try (RedisOomScenario scenario = RedisOomScenario.start()) {
            RedisState before = scenario.state();
            RunbookEngine engine = RunbookEngine.builder()
                    .guards(Guards.defaults())
                    .approvals(ApprovalGate.denyAll("a dry run applies nothing"))
                    .build();

            Plan plan = engine.plan(scenario.runbook());

            assertThat(plan).isReady().hasStep("delete-the-stock-cache-keys").changes();
            RedisState after = scenario.state();
            assertThat(after.groups()).isEqualTo(before.groups());
            assertThat(after.policy()).isEqualTo("noeviction");
            assertThat(after.maxBytes()).isEqualTo(before.maxBytes());
        }
    }

    @Test
    void inc004_interactively_aNoAtTheConsoleDeletesNothing() {
        try (RedisOomScenario scenario = RedisOomScenario.start()) {
            RedisState before = scenario.state();
            ApprovalGate gate = ApprovalGate.console(new BufferedReader(new StringReader("no\n")), console);

            DemoResult r = Demo.runOne(
                    "INC-004",
                    scenario,
                    Demo.Options.parse("--interactive", "--out", out.toString()),
                    DemoApprovals.printing(gate, console),
                    console);

            assertThat(r.report()).failed().step("delete-the-stock-cache-keys").hasErrorContaining("not approved");
            RedisState after = scenario.state();
            assertThat(after.groups()).isEqualTo(before.groups());
            assertThat(after.policy()).isEqualTo("noeviction");
            assertThat(r.fixed()).isFalse();
            assertThat(printed()).contains("Type 'yes' to approve").contains("denied by console");
        }
    }

    @Test
    void interactively_aNoAtTheConsoleLeavesTheBreakerOpen() {
        ApprovalGate console = ApprovalGate.console(new BufferedReader(new StringReader("no\n")), this.console);

        List<DemoResult> results = Demo.run(
                Demo.Options.parse("--interactive", "--scenario", "INC-005", "--out", out.toString()),
                DemoApprovals.printing(console, this.console),
                this.console);

        DemoResult r = results.get(0);
        assertThat(r.report()).failed().step("half-open-the-breaker-for-inside").hasErrorContaining("not approved");
        assertThat(r.fixed()).isFalse();
        assertThat(r.after()).contains("OPEN after 0 half-open call(s)");
        assertThat(printed()).contains("Type 'yes' to approve").contains("denied by console");
    }

    @Test
    void badArgumentsNameTheWayOut() {
        assertThatThrownBy(() -> Demo.Options.parse("--scenario", "INC-999"))
                .hasMessageContaining("unknown scenario 'INC-999'")
                .hasMessageContaining("INC-004")
                .hasMessageContaining("INC-005");
        assertThatThrownBy(() -> Demo.Options.parse("--fast")).hasMessageContaining("usage: ./demo");
        assertThatThrownBy(() -> Demo.Options.parse("--out")).hasMessageContaining("--out needs a value");
    }
}
