package dev.runbook.test;

import static dev.runbook.test.RunbookAssertions.assertDoesNotReveal;
import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.BindingKey;
import dev.runbook.core.Conditions;
import dev.runbook.core.Outcome;
import dev.runbook.core.Parameters;
import dev.runbook.core.Plan;
import dev.runbook.core.Probe;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The team's production runbook, planned with its production guards, against fakes of its real actions. */
@RunbookTest(engine = ProductionSettings.class)
class RunbookFakesTest {
    private final Map<String, String> store = new HashMap<>(Map.of("orders:cache", "poisoned"));
    private final Probe<Long> entries = Probe.of("orders cache entries", () -> {
        throw new AssertionError("a production probe must not be read in a unit test");
    });

    /** The team's production factory: real actions on a real target. */
    private Runbook production() {
        return Runbook.builder("ORD-1", "Poisoned orders cache")
                .precheck("the cache is poisoned", entries, Conditions.above(0))
                .step("delete the orders cache", new PutValue(store, "orders:cache", "empty"))
                .waitUntil("the cache refills", entries, Conditions.above(10), Duration.ofMinutes(5))
                .build();
    }

    @Test
    void theFakesKeepTheProductionDefinition_soPlansBindTheSameParameters() {
        Runbook production = production();
        RunbookFakes fakes = RunbookFakes.of(production);
        assertThat(fakes.runbook().fingerprint()).isEqualTo(production.fingerprint());
        FakeAction fake = fakes.action("delete-the-orders-cache");
        PutValue real = (PutValue) fake.real().orElseThrow();
        assertThat(fake.type()).isEqualTo(real.type());
        assertThat(fake.target()).isEqualTo(real.target());
        assertThat(fake.destructive()).isEqualTo(real.destructive());
        BindingKey key = BindingKey.random();
        assertThat(Parameters.of(fake, key)).isEqualTo(Parameters.of(real, key));
        assertThat(fakes.probe("the-cache-is-poisoned")).isSameAs(fakes.probe("the-cache-refills"));
    }

    @Test
    void theProductionGuardsApply_approvalInProdAndTheKeysBudget(RunbookEngine engine, TestApprovals approvals) {
        RunbookFakes fakes = RunbookFakes.of(production());
        fakes.<Long>probe("the-cache-is-poisoned").then(120L, 5L, 40L);
        fakes.action("delete-the-orders-cache").blastRadius("keys", 120);

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan)
                .isReady()
                .hasStep("delete-the-orders-cache")
                .withBlastRadius("keys", 120)
                .requiresApproval();
        Report report = engine.apply(fakes.runbook(), plan);
        assertThat(report).succeeded().step("delete-the-orders-cache").hasOutcome(Outcome.CHANGED);
        assertThat(approvals.askedFor()).containsExactly("delete-the-orders-cache");
        assertThat(store).as("the real target is never touched").containsEntry("orders:cache", "poisoned");

        fakes.action("delete-the-orders-cache").done(false).blastRadius("keys", 5_000);
        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("keys")
                .hasRefusalContaining("1,000");
    }

    @Test
    void aProtectedNameOfTheProductionGuardsIsRefused(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(production());
        fakes.probe("the-cache-is-poisoned").set(120L);
        fakes.action("delete-the-orders-cache").blastRadius("keys", 2).resources("orders:cache:1", "orders:pinned:7");
        assertThat(engine.plan(fakes.runbook())).isNotReady().hasRefusalContaining("orders:pinned:7");
    }

    @Test
    void aBlastRadiusTheRealActionDoesNotReportIsRefusedNamingTheOnesItDoes() {
        RunbookFakes fakes = RunbookFakes.of(production());
        assertThatThrownBy(() -> fakes.action("delete-the-orders-cache").blastRadius("key", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test.putValue reports blast radius [keys], not 'key'");
    }

    @Test
    void anUnscriptedProbeOrAWrongStepIdSaysWhatToDo(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(production());
        assertThat(engine.plan(fakes.runbook())).isNotReady().hasRefusalContaining("script one with set(value)");
        assertThatThrownBy(() -> fakes.action("02-delete-the-orders-cache"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its action steps are [delete-the-orders-cache]");
    }

    @Test
    @RunbookTest(engine = ProductionSettings.class, environment = "staging")
    void anExplicitEnvironmentWinsOverTheSettings_andTheKitKeepsItsClockAndApprovals(
            RunbookEngine engine, MutableClock clock) {
        assertThat(engine.toString()).contains("environment staging").contains("budgets={keys=1000}");
        assertThat(engine.plan(Runbook.builder("T", "t").manual("m", "x").build())
                        .plannedAt())
                .isEqualTo(clock.instant());
    }

    @Test
    void doesNotRevealFindsASecretInAPlanReportExceptionOrAudit(RecordingAuditSink audit) {
        Secret token = Secret.of("s3cr3t-token-value");
        RunbookFakes fakes = RunbookFakes.of(production());
        fakes.probe("the-cache-is-poisoned").set(1L);
        RunbookEngine engine = RunbookEngine.builder().audit(audit).build();
        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan).doesNotReveal(token);
        assertDoesNotReveal(token, plan, audit, new IllegalStateException("token is " + token));

        assertThatThrownBy(() -> assertDoesNotReveal(
                        token, new IllegalStateException("wrapped", new RuntimeException("token " + token.reveal()))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the exception (message, causes, suppressed, stack trace)");
    }
}
