package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runbook.core.ApprovalGate;
import dev.runbook.core.Outcome;
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

        assertThat(results).extracting(DemoResult::scenario).containsExactlyElementsOf(Demo.SCENARIOS.keySet());
        DemoResult inc005 = results.get(0);
        assertThat(inc005.plan())
                .isReady()
                .hasStep("03-half-open-the-breaker-for-inside")
                .changes();
        assertThat(inc005.report())
                .succeeded()
                .step("03-half-open-the-breaker-for-inside")
                .hasOutcome(Outcome.CHANGED)
                .and()
                .step("04-integration-svc-is-healthy")
                .hasOutcome(Outcome.UNCHANGED);
        assertThat(inc005.fixed()).isTrue();
        assertThat(inc005.after()).isEqualTo("breaker for inside is CLOSED after 1 half-open call(s)");
        List<JsonNode> audit = AuditLogVerifier.verify(inc005.auditFile());
        assertThat(audit).hasSize(inc005.auditRecords()).isNotEmpty();
        assertThat(inc005.auditFile()).startsWith(out.toAbsolutePath());
        assertThat(audit)
                .extracting(r -> r.path("event").path("type").asText())
                .contains("RUN_STARTED", "APPROVAL_GRANTED", "MANUAL_CONFIRMED", "RUN_FINISHED");
        assertThat(printed())
                .contains("=== INC-005 · Integration circuit breaker triggered")
                .contains("ready to apply")
                .contains("approval for 03-half-open-the-breaker-for-inside: approved by demo-policy")
                .contains("SUCCEEDED")
                .contains("hash chain verified")
                .doesNotContain("Bearer demo-");
    }

    @Test
    void interactively_aNoAtTheConsoleLeavesTheBreakerOpen() {
        ApprovalGate console = ApprovalGate.console(new BufferedReader(new StringReader("no\n")), this.console);

        List<DemoResult> results = Demo.run(
                Demo.Options.parse("--interactive", "--scenario", "INC-005", "--out", out.toString()),
                DemoApprovals.printing(console, this.console),
                this.console);

        DemoResult r = results.get(0);
        assertThat(r.report())
                .failed()
                .step("03-half-open-the-breaker-for-inside")
                .hasErrorContaining("not approved");
        assertThat(r.fixed()).isFalse();
        assertThat(r.after()).contains("OPEN after 0 half-open call(s)");
        assertThat(printed()).contains("Type 'yes' to approve").contains("denied by console");
    }

    @Test
    void badArgumentsNameTheWayOut() {
        assertThatThrownBy(() -> Demo.Options.parse("--scenario", "INC-999"))
                .hasMessageContaining("unknown scenario 'INC-999'")
                .hasMessageContaining("INC-005");
        assertThatThrownBy(() -> Demo.Options.parse("--fast")).hasMessageContaining("usage: ./demo");
        assertThatThrownBy(() -> Demo.Options.parse("--out")).hasMessageContaining("--out needs a value");
    }
}
