package dev.runbook.examples;

import static dev.runbook.test.RunbookAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runbook.core.Change;
import dev.runbook.core.Outcome;
import dev.runbook.core.Plan;
import dev.runbook.core.RefusedException;
import dev.runbook.core.Report;
import dev.runbook.core.Runbook;
import dev.runbook.core.RunbookEngine;
import dev.runbook.core.Secret;
import dev.runbook.core.StalePlanException;
import dev.runbook.core.Step;
import dev.runbook.core.StepKind;
import dev.runbook.k8s.ExecInPod;
import dev.runbook.k8s.K8sActions;
import dev.runbook.test.RecordingAuditSink;
import dev.runbook.test.RunbookFakes;
import dev.runbook.test.RunbookTest;
import dev.runbook.test.TestApprovals;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * INC-011 planned and applied against fakes (RunbookFakes: the fraud alerts, the partner's status and the
 * exec faked), its bad input, and the SBV figure. The run on real sockets is {@link FraudPartnerFreezeIT}.
 */
@RunbookTest
class FraudPartnerFreezeTest {
    static final String REASON = "fraud_alert_INC-011-2026-05-28";
    static final Secret JWT = Secret.of("Bearer unit-test-jwt");
    static K8sActions k8s;

    static final FraudAlerts ALERTS = new FraudAlerts(List.of(
            new FraudAlerts.Alert("P001", "TX-1", 350_000_000L, List.of("velocity", "geo_mismatch")),
            new FraudAlerts.Alert("P001", "TX-2", 20_000_000L, List.of("velocity")),
            new FraudAlerts.Alert("P007", "TX-9", 5_000_000L, List.of("amount_10x_first_time"))));

    static final List<String> STEPS = List.of(
            "partner-is-flagged",
            "largest-flagged-txn",
            "freeze-partner",
            "partner-is-frozen",
            "notify-partner",
            "reverse-pending-settlements",
            "file-reports",
            "preserve-evidence");

    @BeforeAll
    static void client() {
        // never connects: every probe and the exec are faked
        k8s = K8sActions.of(
                new KubernetesClientBuilder()
                        .withConfig(new ConfigBuilder()
                                .withMasterUrl("https://127.0.0.1:1")
                                .build())
                        .build(),
                "smp-asia");
    }

    @AfterAll
    static void close() {
        k8s.close();
    }

    static Runbook freeze(String partner, String reason) {
        return FraudPartnerFreeze.runbook(
                k8s, "http://finance-svc:8080", "http://partner-svc:8080", JWT, partner, reason);
    }

    static RunbookFakes fakes(Runbook rb, String... statuses) {
        RunbookFakes fakes = RunbookFakes.of(rb);
        fakes.probe("partner-is-flagged").set(ALERTS);
        fakes.probe("largest-flagged-txn").set("TX-1 350,000,000 VND, above 300,000,000 VND");
        fakes.<String>probe("partner-is-frozen").then(statuses);
        fakes.action("freeze-partner").blastRadius("pods", 1);
        return fakes;
    }

    @Test
    void followsTheSeed_theReasonIsInTheArgv() {
        Runbook rb = freeze("P001", REASON);

        assertThat(rb.id()).isEqualTo("INC-011");
        assertThat(rb.links()).singleElement().asString().contains("seeds/000 INC-011");
        assertThat(rb.steps()).extracting(Step::id).containsExactlyElementsOf(STEPS);
        assertThat(rb.steps())
                .extracting(Step::kind)
                .containsExactly(
                        StepKind.PRECHECK,
                        StepKind.PRECHECK,
                        StepKind.ACTION,
                        StepKind.VERIFY,
                        StepKind.MANUAL,
                        StepKind.MANUAL,
                        StepKind.MANUAL,
                        StepKind.MANUAL);
        ExecInPod exec = (ExecInPod) ((Step.Act) rb.step("freeze-partner")).action();
        assertThat(exec.parameters().argv())
                .containsExactly("/app/bin/admin", "freeze", "--partner=P001", "--reason=" + REASON);
        assertThat(exec.parameters().pods()).isEqualTo("pod/partner-svc-0");
        assertThat(exec.parameters().namespace()).isEqualTo("smp-prod");
        assertThat(exec.parameters().doneWhen())
                .isEqualTo("/status of GET http://partner-svc:8080/internal/partners/P001 == FROZEN");
        assertThat(rb.toString()).doesNotContain("unit-test-jwt");
    }

    @Test
    void withFakes_freezesOnce_andAsksForTheFreezeAndEveryManualStep(
            RunbookEngine engine, RecordingAuditSink audit, TestApprovals approvals) {
        RunbookFakes fakes = fakes(freeze("P001", REASON), "FROZEN");

        Plan plan = engine.plan(fakes.runbook());
        assertThat(plan)
                .isReady()
                .hasStep("partner-is-flagged")
                .withSummaryContaining("P001: TX-1 350,000,000 VND [velocity, geo_mismatch]");
        assertThat(plan).hasStep("freeze-partner").withChange(Change.CHANGE).requiresApproval();
        Report report = engine.apply(fakes.runbook(), plan);

        assertThat(report).succeeded().step("freeze-partner").hasOutcome(Outcome.CHANGED);
        assertThat(report).step("partner-is-frozen").hasOutcome(Outcome.UNCHANGED);
        assertThat(fakes.action("freeze-partner").applies()).isEqualTo(1);
        assertThat(approvals.askedFor())
                .containsExactly(
                        "freeze-partner",
                        "notify-partner",
                        "reverse-pending-settlements",
                        "file-reports",
                        "preserve-evidence");
        audit.assertPaired();
        audit.assertDoesNotReveal(JWT);
    }

    @Test
    void withFakes_aPartnerNotFlagged_isRefusedNamingTheFlaggedOnes(RunbookEngine engine) {
        RunbookFakes fakes = fakes(freeze("P002", REASON), "ACTIVE");

        Plan plan = engine.plan(fakes.runbook());

        assertThat(plan)
                .isNotReady()
                .hasRefusalContaining("precheck 'P002 is flagged by fraud detection' does not hold")
                .hasRefusalContaining("P001: TX-1")
                .hasRefusalContaining("P007: TX-9");
        assertThatThrownBy(() -> engine.apply(fakes.runbook(), plan))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("cannot be applied");
        assertThat(fakes.action("freeze-partner").applies()).isZero();
    }

    @Test
    void withFakes_aRunbookRebuiltWithAnotherReason_isRefusedBeforeTheFreeze(RunbookEngine engine) {
        Plan reviewed = engine.plan(fakes(freeze("P001", REASON), "FROZEN").runbook());
        RunbookFakes other = fakes(freeze("P001", "another reason"), "FROZEN");

        assertThatThrownBy(() -> engine.apply(other.runbook(), reviewed))
                .isInstanceOf(StalePlanException.class)
                .hasMessageContaining("parameter 'argv' is now")
                .hasMessageContaining("--reason=another reason")
                .hasMessageContaining("Nothing was applied");
        assertThat(other.action("freeze-partner").applies()).isZero();
    }

    @Test
    void theSbvFigure_isFlaggedAboveThreeHundredMillionVnd() {
        assertThat(FraudPartnerFreeze.sbvDuty(ALERTS, "P001"))
                .isEqualTo("TX-1 350,000,000 VND, above 300,000,000 VND: the SBV report is due (step file-reports)");
        assertThat(FraudPartnerFreeze.sbvDuty(ALERTS, "P007"))
                .isEqualTo("TX-9 5,000,000 VND, not above 300,000,000 VND: no SBV report");
        assertThat(FraudPartnerFreeze.sbvDuty(ALERTS, "P002")).isEqualTo("none");
    }

    @Test
    void theAlertsParse_andMalformedOnesNameTheMissingField() {
        FraudAlerts a = FraudAlerts.parse("[{\"partner_id\":\"P001\",\"txn_id\":\"TX-1\",\"amount_vnd\":350000000,"
                + "\"signals\":[\"velocity\"]},{\"partner_id\":\"P007\",\"txn_id\":\"TX-9\",\"amount_vnd\":1}]");
        assertThat(a.partners()).containsExactly("P001", "P007");
        assertThat(a).hasToString("P001: TX-1 350,000,000 VND [velocity]; P007: TX-9 1 VND []");
        assertThat(FraudAlerts.parse("[]")).hasToString("no partner flagged");
        assertThatThrownBy(() -> FraudAlerts.parse("[{\"partner_id\":\"P001\",\"amount_vnd\":1}]"))
                .hasMessageContaining("a fraud alert has no txn_id");
        assertThatThrownBy(() -> FraudAlerts.parse("{\"alerts\":[]}")).hasMessageContaining("not a JSON array");
    }

    @Test
    void badInput_isRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> freeze("P001", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give the justification")
                .hasMessageContaining("fraud_alert_INC-011-2026-05-28");
        assertThatThrownBy(() -> freeze("P001", "   ")).hasMessageContaining("give the justification");
        assertThatThrownBy(() -> freeze("P001", null)).hasMessageContaining("give the justification");
        assertThatThrownBy(() -> freeze("P001", "fraud\n--partner=P002")).hasMessageContaining("must be one line");
        for (String bad : new String[] {"p001", "P", "P00-1", "P001;rm", "001", "", " P001"}) {
            assertThatThrownBy(() -> freeze(bad, REASON))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("partner id '" + bad + "' is not a partner id")
                    .hasMessageContaining("such as P001");
        }
        assertThatThrownBy(() -> freeze(null, REASON)).hasMessageContaining("expected P followed by digits or letters");
        assertThatThrownBy(() -> FraudPartnerFreeze.runbook(
                        k8s,
                        "http://finance-svc:8080",
                        "http://partner-svc:8080",
                        JWT,
                        "P001",
                        REASON,
                        "smp-prod",
                        "partner-svc-0",
                        0))
                .hasMessageContaining("hours must be >= 1");
        assertThatThrownBy(() -> FraudPartnerFreeze.unfreeze(k8s, "http://partner-svc:8080", JWT, "P001", " "))
                .hasMessageContaining("unfreezes a partner's wallet: give the justification");
    }

    @Test
    void unfreeze_withFakes_runsItsOwnCommandWithItsOwnReason(RunbookEngine engine, TestApprovals approvals) {
        Runbook rb = FraudPartnerFreeze.unfreeze(
                k8s, "http://partner-svc:8080", JWT, "P001", "false_positive_verified_by_phone");
        ExecInPod exec = (ExecInPod) ((Step.Act) rb.step("unfreeze-partner")).action();
        assertThat(exec.parameters().argv())
                .containsExactly(
                        "/app/bin/admin", "unfreeze", "--partner=P001", "--reason=false_positive_verified_by_phone");
        RunbookFakes fakes = RunbookFakes.of(rb);
        fakes.probe("partner-is-frozen").set("FROZEN");
        fakes.probe("partner-is-active").set("ACTIVE");

        Report report = engine.apply(fakes.runbook(), engine.plan(fakes.runbook()));

        assertThat(report).succeeded().step("unfreeze-partner").hasOutcome(Outcome.CHANGED);
        assertThat(approvals.askedFor()).containsExactly("verify-with-partner", "unfreeze-partner", "note-and-tune");
    }

    @Test
    void unfreeze_aPartnerInAnotherState_isRefused(RunbookEngine engine) {
        RunbookFakes fakes = RunbookFakes.of(
                FraudPartnerFreeze.unfreeze(k8s, "http://partner-svc:8080", JWT, "P001", "false_positive"));
        fakes.probe("partner-is-frozen").set("TERMINATED");

        assertThat(engine.plan(fakes.runbook()))
                .isNotReady()
                .hasRefusalContaining("P001 is FROZEN (or already ACTIVE)' does not hold")
                .hasRefusalContaining("TERMINATED");
    }
}
